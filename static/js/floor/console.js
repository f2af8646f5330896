// The chair's console (/meetings/<id>/console): give and end the floor, move through the agenda,
// order the queue, project a page, note answers and commitments. Every action is one API call; what
// the console shows comes back through the same `floor:changed` deltas the hall screen gets.
import { act, clock, connectFloor, dueDate, holder, mountSittings } from "./live.js";
import * as PH from "../app.js";

const root = document.getElementById("console");
const meetingId = Number(root.dataset.meetingId);
const warningS = Number(root.dataset.warningS) || 30;
const { t, toast } = PH;
const $ = (name) => root.querySelector(`[data-console-${name}]`);

function button(label, className, onClick) {
  const b = document.createElement("button");
  b.type = "button";
  b.className = `button ${className}`;
  b.textContent = label;
  b.addEventListener("click", onClick);
  return b;
}

function renderQueue(floor) {
  const list = $("queue");
  const ids = floor.queue.map((s) => s.id);
  const move = (index, step) => {
    const order = ids.slice();
    const [moved] = order.splice(index, 1);
    order.splice(index + step, 0, moved);
    act("PUT", `/api/agenda/${floor.agenda_item.id}/speakers/order`, { speaker_ids: order });
  };
  list.replaceChildren(
    ...floor.queue.map((s, index) => {
      const li = document.createElement("li");
      li.dataset.speakerId = s.id;
      const who = document.createElement("span");
      who.className = "who";
      who.textContent = `${index + 1}. ${s.name}`;
      if (s.kind !== "speech") {
        const tag = document.createElement("span");
        tag.className = `floor-kind ${s.kind}`;
        tag.textContent = t(`floor_kind_${s.kind}`);
        who.append(tag);
      }
      const detail = [s.topic, s.addressee ? t("floor_asks", { name: s.addressee.name }) : ""].filter(Boolean).join(" — ");
      if (detail) {
        const small = document.createElement("small");
        small.textContent = detail;
        who.append(small);
      }
      const up = button("↑", "", () => move(index, -1));
      up.disabled = index === 0;
      up.setAttribute("aria-label", t("floor_up"));
      const down = button("↓", "", () => move(index, 1));
      down.disabled = index === floor.queue.length - 1;
      down.setAttribute("aria-label", t("floor_down"));
      li.append(
        who,
        up,
        down,
        button(t("floor_strike"), "", () => act("DELETE", `/api/speakers/${s.id}`)),
        button(t("floor_give"), "primary", () => act("POST", `/api/speakers/${s.id}/start`)),
      );
      return li;
    }),
  );
  if (!floor.queue.length) {
    const li = document.createElement("li");
    li.textContent = t("floor_queue_empty");
    list.append(li);
  }
}

function renderNow(floor) {
  const speaker = floor.speaker;
  $("speaker").textContent = holder(speaker) || t("floor_nobody");
  $("phase").textContent = speaker ? t(`floor_phase_${speaker.phase}`) : "";
  $("stop").hidden = !speaker;
  const next = $("next");
  const following = speaker && { question: "floor_next_answer", answer: "floor_next_follow_up" }[speaker.phase];
  next.hidden = !following;
  if (following) next.textContent = t(following);
}

function renderAgenda(floor) {
  const current = floor.agenda_item && floor.agenda_item.id;
  root.querySelectorAll("[data-console-agenda] li").forEach((li) => {
    const here = Number(li.dataset.itemId) === current;
    li.classList.toggle("current", here);
    li.querySelector("button").setAttribute("aria-current", here ? "step" : "false");
  });
  const select = $("document");
  const mine = [...select.options].find((o) => Number(o.dataset.itemId) === current);
  if (mine && !select.dataset.touched) select.value = mine.value;
  const shown = floor.projected;
  const option = shown && [...select.options].find((o) => Number(o.value) === shown.document_id);
  $("projected").textContent = shown
    ? t("floor_projecting", { title: option ? option.textContent.trim() : shown.document_id, n: shown.page })
    : t("floor_not_projecting");
}

const questionForms = new Map();  // question id -> its form, kept so typing survives a refresh

function commitmentItems(q) {
  return (q.commitments || []).map((c) => {
    const li = document.createElement("li");
    li.textContent = c.due_on ? `${c.text} (${t("floor_due", { date: dueDate(c.due_on) })})` : c.text;
    return li;
  });
}

function questionForm(q) {
  const form = document.createElement("form");
  form.className = "floor-form";
  form.dataset.questionId = q.id;
  const title = document.createElement("h3");
  title.textContent = `${q.name} → ${q.addressee ? q.addressee.name : ""}`;
  const topic = document.createElement("p");
  topic.textContent = q.topic;
  const note = document.createElement("textarea");
  note.value = q.answer_note || "";
  note.rows = 3;
  const noteLabel = document.createElement("label");
  noteLabel.append(t("floor_answer_note"), note);
  const list = document.createElement("ul");
  list.className = "floor-commitments";
  const text = document.createElement("input");
  text.type = "text";
  text.setAttribute("aria-label", t("floor_commitment"));
  text.placeholder = t("floor_commitment");
  const due = document.createElement("input");
  due.type = "date";
  const dueLabel = document.createElement("label");
  dueLabel.append(t("floor_commitment_due"), due);
  const buttons = document.createElement("div");
  buttons.className = "floor-buttons";
  buttons.append(
    button(t("floor_save_note"), "", async () => {
      if (await act("PUT", `/api/speakers/${q.id}/answer`, { note: note.value })) toast(t("floor_saved"));
    }),
    button(t("floor_add_commitment"), "primary", async () => {
      if (!text.value.trim()) return;
      const made = await act("POST", `/api/speakers/${q.id}/commitments`, { text: text.value, due_on: due.value || null });
      if (!made) return;
      text.value = "";
      due.value = "";
      q.commitments = [...(q.commitments || []), made];
      list.replaceChildren(...commitmentItems(q));
    }),
  );
  form.addEventListener("submit", (event) => event.preventDefault());
  form.append(title, topic, noteLabel, list, text, dueLabel, buttons);
  list.replaceChildren(...commitmentItems(q));
  return form;
}

let questionsAsked = 0;
async function renderQuestions(floor) {
  const box = $("questions");
  if (!floor.agenda_item) return;
  const asked = ++questionsAsked;
  const speakers = await act("GET", `/api/agenda/${floor.agenda_item.id}/speakers`);
  if (!speakers || asked !== questionsAsked) return;  // a newer answer is on its way
  const questions = speakers.filter((s) => s.kind === "question" && s.state !== "waiting");
  const forms = questions.map((q) => {
    if (!questionForms.has(q.id)) questionForms.set(q.id, questionForm(q));
    const form = questionForms.get(q.id);
    form.querySelector(".floor-commitments").replaceChildren(...commitmentItems(q));
    return form;
  });
  if (!forms.length) {
    const p = document.createElement("p");
    p.className = "muted";
    p.textContent = t("floor_no_questions");
    forms.push(p);
  }
  box.replaceChildren(...forms);
}

function render(floor, delta) {
  renderNow(floor);
  renderQueue(floor);
  renderAgenda(floor);
  if (delta.op === "snapshot" || (delta.op === "speaker" && delta.done_id)) renderQuestions(floor);
  tick();
}

function tick() {
  const left = live.remaining();
  const timer = $("timer");
  timer.hidden = left == null;
  if (left == null) return;
  timer.textContent = clock(left);
  timer.classList.toggle("warning", left > 0 && left <= warningS * 1000);
  timer.classList.toggle("over", left <= 0);
}

const live = connectFloor({ meetingId, onChange: render });
setInterval(tick, 250);

$("stop").addEventListener("click", () => live.floor.speaker && act("POST", `/api/speakers/${live.floor.speaker.id}/stop`));
$("next").addEventListener("click", () => live.floor.speaker && act("POST", `/api/speakers/${live.floor.speaker.id}/next`));
root.querySelectorAll("[data-console-step]").forEach((b) =>
  b.addEventListener("click", () => act("PUT", `/api/meetings/${meetingId}/floor/item`, { direction: b.dataset.consoleStep })),
);
root.querySelectorAll("[data-console-item]").forEach((b) =>
  b.addEventListener("click", () =>
    act("PUT", `/api/meetings/${meetingId}/floor/item`, { agenda_item_id: Number(b.dataset.consoleItem) }),
  ),
);
$("document").addEventListener("change", () => { $("document").dataset.touched = "1"; });
$("project").addEventListener("click", () => {
  const documentId = Number($("document").value);
  if (!documentId) return;
  act("PUT", `/api/meetings/${meetingId}/floor/projection`, { document_id: documentId, page: Number($("page").value) || 1 });
});
$("unproject").addEventListener("click", () => act("PUT", `/api/meetings/${meetingId}/floor/projection`, { document_id: null }));

mountSittings("../sitting/console-panes.js", "mountSittingConsole", root.querySelector("[data-sitting-console]"), {
  meetingId,
  socket: live.socket,
});
