// Live annotation on the reader: highlights, ink, notes, per-paragraph comments and who is reading.
// Built on the reader's `reader` (static/js/reader/main.js), which imports this module once its first
// page is drawn (reader/later.js); the live protocol is in docs/realtime.md.
import { createComments } from "./annotate/comments.js";
import { createLive } from "./annotate/live.js";
import { createSelection } from "./annotate/select.js";
import { attachDrafts } from "./offline/drafts.js";
import * as PH from "./app.js";
import { reader } from "./reader/main.js";

const config = JSON.parse(document.getElementById("annotate-data").textContent);
const me = config.user;
const bar = document.querySelector(".annot-bar");
const statusLine = bar.querySelector("[data-status]");
const penOptions = document.querySelector("[data-options='pen']");
const noteEditor = document.querySelector("[data-note-editor]");
const presenceSheet = document.getElementById("annot-presence");
const prefsKey = "ph.annotate.prefs";

function t(key, params) {
  const text = PH.pick(config.strings[key] ?? key, params);
  return params ? text.replace(/\{(\w+)\}/g, (whole, name) => (params[name] !== undefined ? String(params[name]) : whole)) : text;
}

let paragraphs = [];
let paragraphById = new Map();
let current = new Map();
// What changed from the version this one replaced (GET /changes): per paragraph, and the removed ones.
let changes = { paragraphs: new Map(), removed: [] };

/** How delegates cite a paragraph: "Điều 2, khoản 1" in a legal draft, "Đoạn 596", else its rank. */
function paragraphName(paragraph) {
  if (paragraph.path || (paragraph.label && !/^\d/.test(paragraph.label))) return paragraph.citation;
  return t("paragraph", { n: paragraph.label ?? paragraph.number });
}

const ctx = {
  reader, config, me, t,
  submit: (event, payload) => live.submit(event, payload),
  annotations: () => [...current.values()],
  tool: () => pages.state.tool,
  paragraph: (id) => (id === null || id === undefined ? null : paragraphById.get(id) || null),
  paragraphName,
  paragraphs: () => paragraphs,
  changes: () => changes,
  paragraphAt,
  highlightAt,
  openThread: (paragraphId, quote) => {
    loadParagraphTexts([paragraphId]);
    comments.open("thread", paragraphId, quote);
  },
  showParagraph,
  openNote,
  newNote,
  showHighlight,
  openSheet,
  closeSheet,
};

/* ---------- where things are on a page ---------- */

function boxesOf(paragraph) {
  const parts = (paragraph.parts || []).map((part) => [part.page, part.bbox]);
  return parts.length ? parts : [[paragraph.page, paragraph.bbox]];
}

function paragraphAt(number, [x, y]) {
  let best = null, bestDistance = Infinity;
  for (const paragraph of paragraphs) {
    for (const [page, [x0, y0, x1, y1]] of boxesOf(paragraph)) {
      if (page !== number) continue;
      if (x >= x0 - 2 && x <= x1 + 2 && y >= y0 - 2 && y <= y1 + 2) return paragraph;
      const distance = Math.hypot(Math.max(0, x0 - x, x - x1), Math.max(0, y0 - y, y - y1));
      if (distance < bestDistance) [best, bestDistance] = [paragraph, distance];
    }
  }
  return best;
}

function highlightAt(number, [x, y]) {
  return ctx.annotations().find((a) => a.kind === "highlight" && a.page === number
    && a.target.quads.some(([x0, y0, x1, y1]) => x >= x0 - 1 && x <= x1 + 1 && y >= y0 - 1 && y <= y1 + 1)) || null;
}

function showParagraph(paragraph) {
  const inText = reader.view() === "text" && reader.reading.element.querySelector(`.rp[data-paragraph="${paragraph.id}"]`);
  if (inText) {
    inText.scrollIntoView({ block: "start" });
    return;
  }
  if (reader.currentPage() !== paragraph.page) reader.goToPage(paragraph.page);
  pages.flash(paragraph.page, paragraph.bbox);
}

/* ---------- sheets and popovers ---------- */

function openSheet(sheet) {
  for (const other of document.querySelectorAll(".annot-sheet")) if (other !== sheet) closeSheet(other);
  sheet.hidden = false;
  const trigger = bar.querySelector(`[aria-controls="${sheet.id}"]`);
  if (trigger) trigger.setAttribute("aria-expanded", "true");
  document.body.classList.add("annot-sheet-open");
}

function closeSheet(sheet) {
  sheet.hidden = true;
  const trigger = bar.querySelector(`[aria-controls="${sheet.id}"]`);
  if (trigger) trigger.setAttribute("aria-expanded", "false");
  if (!document.querySelector(".annot-sheet:not([hidden])")) document.body.classList.remove("annot-sheet-open");
}

function placeAt(popover, clientX, clientY) {
  selection.place(popover, { left: clientX, right: clientX, top: clientY, bottom: clientY, width: 0, height: 0 });
}

let noteState = null;  // {annotation} or {page, point}

function fillNoteEditor(editing) {
  const { annotation } = noteState;
  const mine = !annotation || annotation.author.id === me.id;
  const input = noteEditor.querySelector("[data-note-input]");
  const share = noteEditor.querySelector("[data-note-share]");
  noteEditor.querySelector("[data-note-meta]").textContent = annotation
    ? `${t("note_by", { name: mine ? t("you") : annotation.author.name })} · ${PH.formatDateTime(annotation.created_at)}`
    : "";
  const text = noteEditor.querySelector("[data-note-text]");
  text.textContent = annotation ? annotation.body : "";
  text.hidden = editing || !annotation;
  input.hidden = !editing;
  input.value = annotation ? annotation.body : "";
  share.checked = annotation ? annotation.visibility === "shared" : false;
  // A guest (khách mời) keeps notes private: no share option (annotations/permissions.py).
  noteEditor.querySelector("[data-note-share-row]").hidden = !editing || config.guest || (annotation && annotation.visibility === "shared");
  noteEditor.querySelector("[data-note-save]").hidden = !editing;
  noteEditor.querySelector("[data-note-edit]").hidden = editing || !mine || Boolean(annotation && annotation.pending);
  noteEditor.querySelector("[data-note-delete]").hidden = !annotation || !mine || Boolean(annotation.pending);
  if (editing) requestAnimationFrame(() => input.focus());
  // The draft of this note, kept until saved (static/js/offline/drafts.js).
  noteEditor.dataset.draftKind = "note";
  if (editing) noteEditor.dataset.draftKey = annotation ? `note:${annotation.id}` : `note:new:${noteState.page}:${noteState.point.map(Math.round).join(",")}`;
  else delete noteEditor.dataset.draftKey;
}

function openNote(annotation, pin) {
  noteState = { annotation };
  fillNoteEditor(false);
  const box = pin.getBoundingClientRect();
  placeAt(noteEditor, box.left + box.width / 2, box.bottom);
}

function newNote(page, point, clientX, clientY) {
  noteState = { page, point, annotation: null };
  fillNoteEditor(true);
  placeAt(noteEditor, clientX, clientY);
}

noteEditor.addEventListener("click", async (event) => {
  if (!noteState) return;
  const { annotation } = noteState;
  if (event.target.closest("[data-note-cancel]")) {
    noteEditor.hidden = true;
  } else if (event.target.closest("[data-note-edit]")) {
    fillNoteEditor(true);
  } else if (event.target.closest("[data-note-delete]")) {
    noteEditor.hidden = true;
    if (await PH.confirm(t("confirm_delete_note"), t("delete"), true)) live.submit("annotation:delete", { id: annotation.id });
  } else if (event.target.closest("[data-note-save]")) {
    const body = noteEditor.querySelector("[data-note-input]").value.trim();
    const shared = noteEditor.querySelector("[data-note-share]").checked;
    if (annotation) {
      const changes = { id: annotation.id, body };
      if (shared && annotation.visibility === "private") changes.visibility = "shared";
      live.submit("annotation:update", changes);
    } else if (body) {
      live.submit("annotation:create", {
        kind: "note", target: { page: noteState.page, point: noteState.point }, body, visibility: shared ? "shared" : "private",
      });
    }
    noteEditor.hidden = true;
  }
});

const highlightPopover = document.createElement("div");
highlightPopover.className = "annot-popover highlight-popover";
highlightPopover.setAttribute("role", "dialog");
highlightPopover.hidden = true;
document.body.append(highlightPopover);

function showHighlight(highlight, clientX, clientY) {
  const mine = highlight.author.id === me.id;
  const meta = document.createElement("p");
  meta.className = "note-meta";
  meta.textContent = `${mine ? t("you") : highlight.author.name} · ${PH.formatDateTime(highlight.created_at)}`;
  const quote = document.createElement("blockquote");
  quote.className = "comment-quote";
  quote.textContent = highlight.target.quote || "";
  const actions = document.createElement("div");
  actions.className = "dialog-actions";
  const action = (label, className, run) => {
    const node = document.createElement("button");
    node.type = "button";
    node.className = `button ${className}`;
    node.textContent = label;
    node.addEventListener("click", () => { highlightPopover.hidden = true; run(); });
    actions.append(node);
  };
  if (mine && !highlight.pending) action(t("delete"), "danger", () => live.submit("annotation:delete", { id: highlight.id }));
  action(t("cancel"), "", () => {});
  action(t("reply"), "primary", () => {
    const [x0, y0, x1, y1] = highlight.target.quads[0];
    const paragraph = paragraphAt(highlight.page, [(x0 + x1) / 2, (y0 + y1) / 2]);
    comments.open("thread", paragraph ? paragraph.id : null, highlight.target.quote);
  });
  highlightPopover.replaceChildren(meta, quote, actions);
  placeAt(highlightPopover, clientX, clientY);
}

document.addEventListener("keydown", (event) => {
  if (event.key !== "Escape") return;
  for (const popover of document.querySelectorAll(".annot-popover")) popover.hidden = true;
  for (const sheet of document.querySelectorAll(".annot-sheet")) closeSheet(sheet);
});
document.addEventListener("pointerdown", (event) => {
  for (const popover of document.querySelectorAll(".annot-popover:not([hidden])")) {
    if (!popover.contains(event.target) && !event.target.closest(".npin")) popover.hidden = true;
  }
}, true);

/* ---------- tools ---------- */

function loadPrefs() {
  try {
    Object.assign(pages.state, JSON.parse(localStorage.getItem(prefsKey) || "{}"), { tool: "read" });
  } catch (_) { /* defaults */ }
  if (config.guest) pages.state.shareInk = false;  // a guest's ink stays private
  if (!config.ink_colors[pages.state.color]) pages.state.color = penOptions.querySelector("[data-ink-color]").dataset.inkColor;
  penOptions.querySelector("[data-pen-only]").checked = pages.state.penOnly;
  penOptions.querySelector("[data-share-ink]").checked = pages.state.shareInk;
  for (const swatch of penOptions.querySelectorAll("[data-ink-color]")) {
    swatch.setAttribute("aria-checked", String(swatch.dataset.inkColor === pages.state.color));
  }
}

function savePrefs() {
  const { color, penOnly, shareInk } = pages.state;
  // A guest's forced "private" is not the device's choice: a shared hall tablet's next delegate keeps theirs.
  let saved = shareInk;
  if (config.guest) {
    try { saved = JSON.parse(localStorage.getItem(prefsKey) || "{}").shareInk; } catch { saved = false; }
  }
  localStorage.setItem(prefsKey, JSON.stringify({ color, penOnly, shareInk: saved === true }));
}

function chooseTool(tool) {
  pages.setTool(tool);
  for (const node of bar.querySelectorAll("[data-tool]")) node.setAttribute("aria-pressed", String(node.dataset.tool === tool));
  penOptions.hidden = tool !== "pen";
  selection.hideMenu();
  if (tool !== "read") window.getSelection().removeAllRanges();
}

bar.addEventListener("click", (event) => {
  const tool = event.target.closest("[data-tool]");
  if (tool) {
    chooseTool(tool.dataset.tool === pages.state.tool ? "read" : tool.dataset.tool);
    return;
  }
  const panelButton = event.target.closest("[data-panel]");
  if (!panelButton) return;
  const sheet = document.getElementById(panelButton.getAttribute("aria-controls"));
  if (!sheet.hidden) closeSheet(sheet);
  else if (panelButton.dataset.panel === "comments") comments.open("all");
  else openSheet(sheet);
});

penOptions.addEventListener("click", (event) => {
  const swatch = event.target.closest("[data-ink-color]");
  if (!swatch) return;
  pages.state.color = swatch.dataset.inkColor;
  for (const node of penOptions.querySelectorAll("[data-ink-color]")) node.setAttribute("aria-checked", String(node === swatch));
  savePrefs();
});
penOptions.addEventListener("change", () => {
  pages.state.penOnly = penOptions.querySelector("[data-pen-only]").checked;
  pages.state.shareInk = penOptions.querySelector("[data-share-ink]").checked;
  pages.setTool(pages.state.tool);
  savePrefs();
});
presenceSheet.querySelector("[data-close]").addEventListener("click", () => closeSheet(presenceSheet));

/* ---------- presence and status ---------- */

function renderPresence(users) {
  bar.querySelector("[data-presence-count]").textContent = String(Math.max(1, users.length));
  const items = users.map((user) => {
    const item = document.createElement("li");
    const go = document.createElement("button");
    go.type = "button";
    go.className = "presence-item";
    const name = document.createElement("span");
    name.className = "presence-name";
    name.textContent = user.user_id === me.id ? `${user.name} (${t("you")})` : user.name;
    const where = document.createElement("span");
    where.className = "presence-page";
    where.textContent = user.page ? t("page", { n: user.page }) : t("page_unknown");
    go.append(name, where);
    if (user.page) go.addEventListener("click", () => { reader.goToPage(user.page); closeSheet(presenceSheet); });
    item.append(go);
    return item;
  });
  presenceSheet.querySelector("[data-presence-list]").replaceChildren(...items);
}

let wasOffline = false;
function renderStatus({ connected, pending }) {
  statusLine.classList.toggle("offline", !connected);
  if (!connected) statusLine.textContent = pending ? t("offline", { n: pending }) : t("offline_reading");
  else if (pending) statusLine.textContent = t("pending");
  else statusLine.textContent = "";
  if (connected && wasOffline) PH.toast(t("reconnected"));
  wasOffline = !connected;
}

/* ---------- paragraphs, fetched as pages come into view ---------- */

// A long report has thousands of paragraphs: the reader asks for those of each page it shows, and
// for the few others that comments elsewhere in the document point at (their number, page, text).
const paragraphPages = new Set();
const paragraphsAsked = new Set();

function addParagraphs(list) {
  let added = false;
  for (const paragraph of list) {
    const known = paragraphById.get(paragraph.id);
    if (known && ("text" in known || !("text" in paragraph))) continue;
    paragraphById.set(paragraph.id, paragraph);
    added = true;
  }
  if (!added) return;
  paragraphs = [...paragraphById.values()].sort((a, b) => a.number - b.number);
  render();
}

function loadParagraphs(page) {
  if (paragraphPages.has(page)) return;
  paragraphPages.add(page);
  PH.api("GET", `/api/documents/${reader.documentId}/paragraphs?page=${page}`)
    .then(addParagraphs)
    .catch(() => paragraphPages.delete(page));  // asked again when the page is shown again
}

// Page layouts come without words; a paragraph's text is fetched once something shows it.
const missing = new Set();
let missingTimer = 0;
function loadParagraphTexts(ids) {
  for (const id of ids) {
    if (id && !("text" in (paragraphById.get(id) || {})) && !paragraphsAsked.has(id)) missing.add(id);
  }
  if (!missing.size) return;
  clearTimeout(missingTimer);
  missingTimer = setTimeout(() => {
    const ids = [...missing].slice(0, 500);
    ids.forEach((id) => missing.delete(id));
    ids.forEach((id) => paragraphsAsked.add(id));
    PH.api("GET", `/api/documents/${reader.documentId}/paragraphs?ids=${ids.join(",")}`)
      .then(addParagraphs)
      .catch(() => ids.forEach((id) => paragraphsAsked.delete(id)));
  }, 50);
}

/* ---------- wiring ---------- */

function render() {
  current = live.view();
  const all = [...current.values()];
  const counts = new Map();
  let total = 0;
  for (const annotation of all) {
    if (annotation.kind !== "comment") continue;
    total += 1;
    if (annotation.paragraph_id) counts.set(annotation.paragraph_id, (counts.get(annotation.paragraph_id) || 0) + 1);
  }
  pages.render(all, paragraphs, counts);
  reader.reading.showCounts(counts);
  reader.reading.showMarks(all.filter((annotation) => annotation.kind === "note" || annotation.kind === "ink"));
  reader.reading.showHighlights(all.filter((annotation) => annotation.kind === "highlight"), config.highlight_colors);
  comments.update(all.filter((annotation) => annotation.kind === "comment"));
  loadParagraphTexts(all.map((annotation) => annotation.paragraph_id));
  const badge = bar.querySelector("[data-comment-count]");
  badge.hidden = total === 0;
  badge.textContent = String(total);
}

// What is drawn on the pages (annotate/pages.js, with the ink library) is fetched once the page view
// is shown: reading mode does without it. Until then the tools' settings wait in a stand-in.
let pages = { state: { tool: "read", color: "", penOnly: false, shareInk: false }, render() {}, flash() {}, setTool() {} };
let pageLayer = null;
function loadPageLayer() {
  pageLayer = pageLayer || import("./annotate/pages.js").then(({ createPages }) => {
    pages = createPages(ctx, pages.state);
    pages.setTool(pages.state.tool);
    render();
  });
  return pageLayer;
}
const selection = createSelection(ctx);
const comments = createComments(ctx);
const live = createLive({
  documentId: reader.documentId,
  me,
  page: reader.currentPage(),  // the reader may have opened at a later page before this module ran
  onChange: render,
  onStatus: renderStatus,
  onPresence: renderPresence,
  onRefused: (operation, ack) => {
    // Written to a version replaced meanwhile: say so, and offer the new one, as the live event does.
    if (ack.error === "document_replaced" && ack.replaced_by) {
      PH.toast(ack.message, "error");
      offerNewVersion(ack);
      return;
    }
    PH.toast(t("refused", { message: ack.message || ack.error || "" }), "error");
  },
  // The secretary uploaded a new version: the comments went with it; offer to follow them there.
  onReplaced: (message) => offerNewVersion(message),
});
async function offerNewVersion({ replaced_by: next, version }) {
  if (await PH.confirm(t("replaced", { version }), t("open_new_version"), false, t("keep_this_version"))) {
    window.location.assign(`/documents/${next}`);
  }
}
loadPrefs();
attachDrafts({ userId: me.id, documentId: reader.documentId, t, openThread: (paragraphId) => ctx.openThread(paragraphId) });

reader.on("zoom", () => render());

/** The last page scrolls clear of both tool bars, whatever their height at this text size. */
function reserveToolbarSpace() {
  const toolbar = document.querySelector(".reader-toolbar");
  const boxes = [bar, toolbar].map((node) => node.getBoundingClientRect());
  if (boxes.some((box) => box.height === 0)) return;  // hidden under the thumbnails for now
  const top = Math.min(...boxes.map((box) => box.top));
  const space = reader.viewer.getBoundingClientRect().bottom - top + 12;
  reader.viewer.style.setProperty("--toolbar-space", `${Math.max(0, Math.ceil(space))}px`);
}
new ResizeObserver(reserveToolbarSpace).observe(bar);
window.addEventListener("resize", reserveToolbarSpace);
document.addEventListener("fontscale", () => requestAnimationFrame(reserveToolbarSpace));
let presenceTimer = 0;
reader.on("pagechange", ({ number }) => {
  clearTimeout(presenceTimer);
  presenceTimer = setTimeout(() => live.presence(number), 600);
});
reader.on("pagerendered", ({ number }) => loadParagraphs(number));
// Reading mode brings paragraphs with their text, and opens a paragraph's thread from its number.
reader.on("paragraphs", ({ list }) => addParagraphs(list));
reader.on("paragraphtap", ({ id }) => ctx.openThread(id));
// Where a page's margin cannot hold every paragraph's number beside its paragraph, those numbers are
// left out (annotate/marks.js) and this bar offers reading mode, where every paragraph has its button.
const marginHint = document.getElementById("margin-hint");
let marginHintClosed = false;
ctx.onCrowdedMargins = (pagesLeftOut) => {
  if (marginHint) marginHint.hidden = marginHintClosed || reader.view() !== "pages" || pagesLeftOut.size === 0;
};
if (marginHint) {
  marginHint.addEventListener("click", (event) => {
    const action = event.target.closest("[data-margin-hint]");
    if (!action) return;
    marginHint.hidden = true;
    if (action.dataset.marginHint === "text") reader.setView("text");
    else marginHintClosed = true;
  });
}
reader.on("viewchange", ({ view }) => {
  chooseTool("read");
  if (marginHint && view !== "pages") marginHint.hidden = true;
  if (view === "pages") loadPageLayer();
});
if (reader.view() === "pages") loadPageLayer();
reader.on("pagechange", ({ number }) => loadParagraphs(number));  // again, if it failed before
// Loaded once the first page is drawn (reader/later.js): what was drawn before this module ran.
reader.pages.forEach((page) => { if (reader.isRendered(page.number)) loadParagraphs(page.number); });
addParagraphs(reader.reading.paragraphs());
PH.api("GET", `/api/documents/${reader.documentId}/changes`).then((found) => {
  if (!found.previous_id) return;
  changes = { paragraphs: new Map(found.paragraphs.map((p) => [p.id, p])), removed: found.removed };
  // The changed paragraphs are listed by name even where their page has not been shown yet.
  loadParagraphTexts(found.paragraphs.filter((p) => p.change && p.change !== "unchanged").map((p) => p.id));
  render();
}).catch(() => { /* the changes view is an extra: comments and marks work without it */ });
render();
