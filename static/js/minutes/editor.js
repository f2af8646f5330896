// The minutes' editing page: the secretary writes each speech's summary and the chair's
// conclusion per agenda item, one paragraph at a time; the generated parts stay tied to the record.
import * as PH from "../app.js";
const root = document.getElementById("minutes");
const meetingId = root.dataset.meetingId;
const strings = JSON.parse(document.getElementById("minutes-strings").textContent);
const say = (key, params = {}) => strings[key].replace(/\{(\w+)\}/g, (_, name) => params[name] ?? "");
const base = `/api/meetings/${meetingId}/minutes`;
let state = null;

function element(tag, attributes = {}, text = "") {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, value);
  if (text) node.textContent = text;
  return node;
}

function renderChanges(changes) {
  const box = document.getElementById("minutes-changes");
  const list = document.getElementById("minutes-change-list");
  list.replaceChildren(
    ...changes.map((change) => {
      const item = element("li", { class: `change-${change.change}` });
      item.append(element("strong", {}, `${say(change.change)}: `), change.line);
      return item;
    }),
  );
  box.hidden = changes.length === 0;
}

function renderParagraph(paragraph) {
  const form = element("form", { class: "minutes-paragraph card", "data-key": paragraph.key });
  const id = `minutes-${paragraph.key}`;
  const label = [say(paragraph.kind), paragraph.context].filter(Boolean).join(" · ");
  form.append(element("label", { for: id, class: "minutes-label" }, label));
  const text = element("textarea", { id, name: "text", rows: "4" });
  text.value = paragraph.text;
  form.append(text);
  if (state.state === "final") {
    form.append(element("input", { name: "reason", type: "text", placeholder: say("reason"), "aria-label": say("reason") }));
  }
  const actions = element("div", { class: "minutes-paragraph-actions" });
  actions.append(element("button", { type: "submit", class: "button" }, say("save")));
  actions.append(element("span", { class: "minutes-saved", "aria-live": "polite" }));
  form.append(actions);
  form.addEventListener("submit", (event) => save(event, form));
  return form;
}

function render() {
  document.getElementById("minutes-state").textContent =
    state.state === "final" ? say("final", { n: state.version }) : say("draft");
  document.getElementById("minutes-finalise").hidden = !(state.can_finalise && state.state === "draft");
  publishButton.hidden = !(state.can_publish && state.state === "draft");
  const review = document.getElementById("minutes-review");
  review.hidden = !state.document_id;
  if (state.document_id) review.href = `/documents/${state.document_id}`;
  renderChanges(state.changes);
  // While a sitting is open, a delegate nobody has marked is not yet absent: say the count is not final.
  const attendance = document.getElementById("minutes-attendance");
  attendance.hidden = state.attendance.final;
  attendance.textContent = state.attendance.final ? "" : say("attendance_open", { n: state.attendance.unmarked });
  const box = document.getElementById("minutes-paragraphs");
  const groups = [];
  for (const paragraph of state.paragraphs) {
    if (!groups.length || groups.at(-1).title !== paragraph.item) groups.push({ title: paragraph.item, paragraphs: [] });
    groups.at(-1).paragraphs.push(paragraph);
  }
  box.replaceChildren(
    ...groups.map((group, index) => {
      const section = element("section", { class: "minutes-item" });
      section.append(element("h2", {}, `${index + 1}. ${group.title}`), ...group.paragraphs.map(renderParagraph));
      return section;
    }),
  );
  if (!groups.length) box.replaceChildren(element("p", { class: "empty" }, say("empty")));
}

async function save(event, form) {
  event.preventDefault();
  const body = { text: form.elements.text.value };
  if (form.elements.reason) body.reason = form.elements.reason.value;
  try {
    state = await PH.api("PUT", `${base}/paragraphs/${encodeURIComponent(form.dataset.key)}`, body);
    render();
    const saved = document.querySelector(`[data-key="${CSS.escape(form.dataset.key)}"] .minutes-saved`);
    if (saved) saved.textContent = say("saved");
  } catch (error) {
    PH.toast(error.message, "error");
  }
}

document.getElementById("minutes-finalise").addEventListener("click", async () => {
  if (!(await PH.confirm(say("confirm_final")))) return;
  try {
    state = await PH.api("POST", `${base}/finalise`, {});
    render();
  } catch (error) {
    PH.toast(error.message, "error");
  }
});

const publishButton = document.getElementById("minutes-publish");
publishButton.addEventListener("click", async () => {
  publishButton.disabled = true;
  try {
    const published = await PH.api("POST", `${base}/publish`);
    PH.toast(say("published", { n: published.version }));
    state = await PH.api("GET", base);
    render();
  } catch (error) {
    PH.toast(error.message, "error");
  } finally {
    publishButton.disabled = false;
  }
});

PH.api("GET", base).then((found) => {
  state = found;
  render();
}, (error) => PH.toast(error.message, "error"));
