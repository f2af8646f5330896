// The chair's digest: comments per agenda item, document and paragraph, kept current while the meeting runs.
// Data comes from /api/meetings/<id>/digest.json; a change in any document (Socket.IO annotation:* events in
// the document rooms) refetches it; without a live connection it refetches every 30 seconds.
import { api, t, live, formatDateTime, toast } from "./app.js";

(function start() {
  const root = document.getElementById("digest");
  if (!root) return;
  const meetingId = Number(root.dataset.meetingId);
  const canModerate = root.dataset.canModerate === "true";
  const documentIds = JSON.parse(root.dataset.documents || "[]");
  const form = document.getElementById("digest-filters");
  const body = document.getElementById("digest-body");
  const totals = document.getElementById("digest-totals");
  const liveState = document.getElementById("live-state");
  const POLL_MS = 30000, DEBOUNCE_MS = 700, QUOTE_CLAMP = 280;
  const CONNECT_WAIT_MS = 10000;  // how long a moderation click waits for the live line to come up
  let digest = null, refreshTimer = null, pollTimer = null, loading = false, again = false;

  function el(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function filters() {
    const params = new URLSearchParams();
    for (const name of ["agenda_item", "document"]) {
      const value = form.elements[name].value;
      if (value) params.set(name, value);
    }
    return params;
  }

  function order() {
    return form.querySelector("input[name=order]:checked").value;
  }

  function now() {
    return formatDateTime(new Date().toISOString()).slice(-5);
  }

  function markLive() {
    const connected = socket && socket.connected;
    liveState.textContent = t(connected ? "live" : "polling", { time: now() });
    root.classList.toggle("offline", !connected);
  }

  // One request at a time; a change that arrives meanwhile (an event, a new filter) asks again after it.
  async function load() {
    if (loading) { again = true; return; }
    loading = true;
    const query = filters().toString();
    try {
      digest = await api("GET", `/api/meetings/${meetingId}/digest.json${query ? "?" + query : ""}`);
      render();
      markLive();
    } catch (error) {
      toast(t("load_failed", { message: error.message }), "error");
    } finally {
      loading = false;
      body.setAttribute("aria-busy", "false");
    }
    if (again) { again = false; load(); }
  }

  function scheduleRefresh() {
    clearTimeout(refreshTimer);
    refreshTimer = setTimeout(load, DEBOUNCE_MS);
  }

  function updateExportLinks() {
    const query = filters().toString();
    root.querySelectorAll("[data-export]").forEach((link) => {
      const base = link.getAttribute("href").split("?")[0];
      link.setAttribute("href", query ? `${base}?${query}` : base);
    });
  }

  // Counted by their own names, each in its plural form: "1 reply · 2 highlights".
  // Guests' answers (giải trình) are named apart and never in the delegates' counts.
  function totalsText(c, people) {
    return [
      t("comments_n", { n: c.comments }), t("replies_n", { n: c.replies }), t("notes_n", { n: c.notes }),
      t("highlight_marks_n", { n: c.highlights }), t("people_n", { n: people }),
      ...(c.answers ? [t("answers_n", { n: c.answers })] : []),
    ].join(" · ");
  }

  function opId() {
    const bytes = crypto.getRandomValues(new Uint8Array(16));
    return [...bytes].map((b) => b.toString(16).padStart(2, "0")).join("");
  }

  // Just after the page opens the live line is still connecting: a click then waits for it (a
  // slow link, a busy server) instead of being told the device is offline.
  function whenConnected() {
    return new Promise((resolve) => {
      if (socket && socket.connected) return resolve(true);
      if (!socket || !navigator.onLine) return resolve(false);
      const connected = () => { clearTimeout(timer); resolve(true); };
      const timer = setTimeout(() => { socket.off("connect", connected); resolve(false); }, CONNECT_WAIT_MS);
      socket.once("connect", connected);
    });
  }

  // The chair hides a comment from here as from inside the document: the same moderation event.
  async function moderate(documentId, entry, button) {
    button.disabled = true;
    if (!(await whenConnected())) {
      button.disabled = false;
      toast(t("offline_moderation"), "error");
      return;
    }
    const payload = { op_id: opId(), document_id: documentId, id: entry.id, hidden: !entry.hidden };
    socket.emit("annotation:hide", payload, (ack) => {
      button.disabled = false;
      if (ack && ack.ok) load();
      else toast(t("hide_failed", { message: (ack && ack.message) || "" }), "error");
    });
  }

  function entryNode(entry, depth, documentId) {
    const item = el("li", "entry" + (entry.hidden ? " is-hidden" : "") + (depth ? " is-reply" : ""));
    item.dataset.entryId = entry.id;
    const meta = el("p", "entry-meta");
    meta.append(el("strong", "entry-author", entry.author.name));
    // A guest's (khách mời) answer: labelled with their office, never read as a delegate's opinion.
    if (entry.author.guest) {
      item.classList.add("is-guest");
      meta.append(el("span", "tag guest-tag", t("guest")));
      if (entry.author.office) meta.append(el("span", "entry-office", entry.author.office));
    }
    meta.append(el("time", "entry-time", formatDateTime(entry.created_at)));
    if (depth) meta.append(el("span", "tag", t("reply")));
    if (entry.kind === "note") meta.append(el("span", "tag", t("note", { page: entry.page })));
    if (entry.hidden) meta.append(el("span", "tag hidden-tag", t("hidden")));
    item.append(meta, el("p", "entry-body", entry.body));
    if (canModerate && entry.kind === "comment") {
      const button = el("button", "button small moderate", t(entry.hidden ? "unhide" : "hide"));
      button.type = "button";
      button.dataset.moderate = entry.id;
      button.addEventListener("click", () => moderate(documentId, entry, button));
      item.append(button);
    }
    if (entry.replies.length) {
      const replies = el("ul", "entries replies");
      entry.replies.forEach((reply) => replies.append(entryNode(reply, depth + 1, documentId)));
      item.append(replies);
    }
    return item;
  }

  function entriesNode(entries, documentId) {
    const list = el("ul", "entries");
    entries.forEach((entry) => list.append(entryNode(entry, 0, documentId)));
    return list;
  }

  function quoteNode(text) {
    const quote = el("blockquote", "quote", text);
    if (text.length <= QUOTE_CLAMP) return quote;
    quote.classList.add("clamped");
    const toggle = el("button", "button small quote-toggle", t("show_more"));
    toggle.type = "button";
    toggle.setAttribute("aria-expanded", "false");
    toggle.addEventListener("click", () => {
      const open = quote.classList.toggle("clamped") === false;
      toggle.textContent = t(open ? "show_less" : "show_more");
      toggle.setAttribute("aria-expanded", String(open));
    });
    const wrap = el("div", "quote-wrap");
    wrap.append(quote, toggle);
    return wrap;
  }

  function kinds(entries) {
    const tally = { comments: 0, replies: 0, notes: 0, answers: 0 };
    const walk = (entry, depth) => {
      if (entry.author.guest) tally.answers += 1;  // counted apart: not a delegate's opinion
      else if (depth) tally.replies += 1;
      else if (entry.kind !== "comment") tally.notes += 1;  // notes, and text typed on a highlight or drawing
      else tally.comments += 1;
      entry.replies.forEach((reply) => walk(reply, depth + 1));
    };
    entries.forEach((entry) => walk(entry, 0));
    return tally;
  }

  function paragraphNode(paragraph, documentId) {
    const card = el("article", "paragraph-card");
    card.dataset.paragraphId = paragraph.id;
    const head = el("header", "paragraph-head");
    // Named as printed: "Điều 2, khoản 1" in a legal draft, "Đoạn 596"; by rank where nothing is printed.
    const legal = paragraph.citation && !paragraph.citation.startsWith("Đoạn ");
    head.append(el("h4", "", legal
      ? t("page_citation", { page: paragraph.page, citation: paragraph.citation })
      : t("page_paragraph", { page: paragraph.page, number: paragraph.label ?? paragraph.number })));
    // Counted as the totals above count them: comments, replies and notes each by their own name.
    const tally = kinds(paragraph.entries);
    const counts = el("span", "counts");
    if (tally.comments || !(tally.replies || tally.notes || paragraph.highlights)) counts.append(el("span", "count-pill comments", t("comments_n", { n: tally.comments })));
    if (tally.replies) counts.append(el("span", "count-pill", t("replies_n", { n: tally.replies })));
    if (tally.notes) counts.append(el("span", "count-pill", t("notes_n", { n: tally.notes })));
    if (paragraph.highlights) counts.append(el("span", "count-pill highlights", t("highlights_n", { n: paragraph.highlights })));
    if (tally.answers) counts.append(el("span", "count-pill guest", t("answers_n", { n: tally.answers })));
    head.append(counts);
    card.append(head, quoteNode(paragraph.text));
    if (paragraph.entries.length) card.append(entriesNode(paragraph.entries, documentId));
    return card;
  }

  function documentTitle(doc) {
    if (doc.status === "replaced") return `${doc.title} (${t("replaced", { v: doc.version })})`;
    if (doc.status === "withdrawn") return `${doc.title} (${t("withdrawn", { v: doc.version })})`;
    return doc.title;
  }

  function documentNode(doc) {
    const section = el("section", "document-card card");
    section.dataset.documentId = doc.id;
    const head = el("header", "document-head");
    head.append(el("h3", "", documentTitle(doc)));
    const actions = el("span", "document-actions");
    const open = el("a", "button small", t("open_document"));
    open.href = `/documents/${doc.id}`;
    const annotated = el("a", "button small", t("annotated_pdf"));
    annotated.href = `/api/documents/${doc.id}/annotated.pdf`;
    annotated.title = t("annotated_pdf_title");
    annotated.dataset.annotatedPdf = doc.id;
    annotated.setAttribute("download", "");
    actions.append(open, annotated);
    head.append(actions);
    section.append(head);
    const c = doc.counts;
    section.append(el("p", "muted small", totalsText(c, c.participants)));
    if (doc.general.length) {
      section.append(el("h4", "general-title", t("general")));
      section.append(entriesNode(doc.general, doc.id));
    }
    const paragraphs = doc.paragraphs.slice();
    if (order() === "activity") {
      paragraphs.sort((a, b) => (b.comments + b.highlights) - (a.comments + a.highlights) || a.number - b.number);
    }
    paragraphs.forEach((paragraph) => section.append(paragraphNode(paragraph, doc.id)));
    const orphaned = doc.orphaned || [];  // comments whose paragraph the new version removed
    if (orphaned.length) {
      section.append(el("h4", "general-title", t("orphaned")));
      section.append(entriesNode(orphaned, doc.id));
    }
    if (!doc.general.length && !paragraphs.length && !orphaned.length) section.append(el("p", "muted", t("no_comments")));
    return section;
  }

  function render() {
    if (!digest) return;
    const open = new Set([...body.querySelectorAll(".quote:not(.clamped)")].map((q) => q.closest("[data-paragraph-id]").dataset.paragraphId));
    body.replaceChildren();
    const sum = { comments: 0, replies: 0, notes: 0, highlights: 0, answers: 0 };
    digest.agenda.forEach((item) => {
      const section = el("section", "agenda-block");
      const option = form.elements.agenda_item.querySelector(`option[value="${item.id}"]`);
      section.append(el("h2", "", option ? `${option.dataset.number}. ${item.title}` : item.title));
      if (!item.documents.length) section.append(el("p", "muted", t("no_documents")));
      item.documents.forEach((doc) => {
        for (const key of Object.keys(sum)) sum[key] += doc.counts[key];
        section.append(documentNode(doc));
      });
      body.append(section);
    });
    totals.textContent = totalsText(sum, digest.delegates.length);
    open.forEach((id) => {
      const toggle = body.querySelector(`[data-paragraph-id="${id}"] .quote-toggle`);
      if (toggle) toggle.click();
    });
  }

  form.addEventListener("change", (event) => {
    if (event.target.name === "order") { render(); return; }
    if (event.target.name === "agenda_item") {
      const item = event.target.value;
      const documentSelect = form.elements.document;
      for (const option of documentSelect.options) option.hidden = Boolean(item && option.dataset.item && option.dataset.item !== item);
      if (documentSelect.selectedOptions[0] && documentSelect.selectedOptions[0].hidden) documentSelect.value = "";
    }
    updateExportLinks();
    load();
  });
  form.addEventListener("submit", (event) => event.preventDefault());

  const socket = live();
  function joinAll() {
    documentIds.forEach((id) => socket.emit("document:join", { document_id: id }, () => {}));
  }
  if (socket) {
    socket.on("connect", () => { joinAll(); load(); });
    socket.on("disconnect", markLive);
    for (const name of ["annotation:created", "annotation:updated", "annotation:deleted"]) {
      socket.on(name, (payload) => { if (documentIds.includes(payload.document_id)) scheduleRefresh(); });
    }
  }
  // The safety net: live events can be missed (a sleeping tablet, a proxy without WebSockets).
  pollTimer = setInterval(() => { if (!socket || !socket.connected) load(); }, POLL_MS);
  window.addEventListener("pagehide", () => clearInterval(pollTimer));

  updateExportLinks();
  load();
})();
