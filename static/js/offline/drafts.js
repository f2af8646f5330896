// Drafts of comments and notes, one per paragraph (or per reply, per note), kept on the device until
// sent or discarded: a half-written comment survives a reload and is offered back. The composer and
// the note editor name their draft in `data-draft-key` (static/js/annotate/comments.js, annotate.js).
import * as store from "./store.js";
import * as PH from "../app.js";

const SAVE_DELAY_MS = 300;

export function attachDrafts({ userId, documentId, t, openThread }) {
  const prefix = `u${userId}:d${documentId}:`;
  const shown = new WeakMap();  // container -> the key its text belongs to
  const timers = new Map();

  const areaOf = (container) => container.querySelector("textarea");

  function notice(container) {
    let node = container.querySelector(".draft-notice");
    if (!node) {
      node = document.createElement("p");
      node.className = "draft-notice";
      node.setAttribute("role", "status");
      const text = document.createElement("span");
      const discard = document.createElement("button");
      discard.type = "button";
      discard.className = "link-button";
      discard.dataset.draftDiscard = "";
      discard.textContent = t("draft_discard");
      node.append(text, " ", discard);
      areaOf(container).before(node);
    }
    return node;
  }

  function hideNotice(container) {
    const node = container.querySelector(".draft-notice");
    if (node) node.hidden = true;
  }

  async function show(container) {
    const key = container.dataset.draftKey;
    if (!key || shown.get(container) === key) return;
    const area = areaOf(container);
    const original = container.matches("form") ? "" : area.value;  // a note being edited starts from its text
    shown.set(container, key);
    container.dataset.draftOriginal = original;
    hideNotice(container);
    const draft = await store.get("drafts", prefix + key).catch(() => null);
    if (container.dataset.draftKey !== key) return;  // moved on meanwhile
    if (draft && draft.text && draft.text !== original) {
      area.value = draft.text;
      const node = notice(container);
      node.firstChild.textContent = t("draft_restored", { time: PH.formatDateTime(draft.saved_at) });
      node.hidden = false;
    } else if (container.matches("form")) {
      area.value = "";  // a comment belongs to its paragraph: what was typed for another stays there
    }
  }

  function save(container) {
    const key = container.dataset.draftKey;
    if (!key) return;
    clearTimeout(timers.get(key));
    timers.set(key, setTimeout(() => {
      const text = areaOf(container).value;
      const record = {
        text,
        saved_at: new Date().toISOString(),
        document_id: documentId,
        paragraph_id: /^\d+$/.test(container.dataset.draftParagraph || "") ? Number(container.dataset.draftParagraph) : null,
        kind: container.dataset.draftKind || "comment",
      };
      const work = text.trim() && text !== container.dataset.draftOriginal
        ? store.put("drafts", prefix + key, record)
        : store.remove("drafts", prefix + key);
      work.catch(() => {});
    }, SAVE_DELAY_MS));
  }

  function discard(container) {
    const key = container.dataset.draftKey;
    clearTimeout(timers.get(key));
    store.remove("drafts", prefix + key).catch(() => {});
    hideNotice(container);
  }

  const observer = new MutationObserver((records) => {
    for (const record of records) {
      const container = record.target.closest && record.target.closest("[data-draft-key]");
      if (container && !container.hidden) show(container);
    }
  });
  observer.observe(document.body, { subtree: true, attributes: true, attributeFilter: ["data-draft-key", "hidden"] });
  document.querySelectorAll("[data-draft-key]").forEach(show);

  document.addEventListener("input", (event) => {
    const container = event.target.closest("[data-draft-key]");
    if (container && event.target === areaOf(container)) save(container);
  });
  document.addEventListener("click", (event) => {
    const container = event.target.closest("[data-draft-key]");
    if (!container) return;
    if (event.target.closest("[data-draft-discard]")) {
      areaOf(container).value = container.dataset.draftOriginal || "";
      discard(container);
    } else if (event.target.closest("[data-note-save]")) {
      discard(container);  // sent: the outbox has it now
    }
  }, true);
  // Capture: before the composer's own handler clears the box and moves on to another key.
  document.addEventListener("submit", (event) => {
    const container = event.target.closest("[data-draft-key]");
    if (container && areaOf(container).value.trim()) discard(container);
  }, true);

  // After a reload: say what is waiting, and open it with one tap.
  store.all("drafts").then(async () => {
    const keys = (await store.keys("drafts")).filter((key) => String(key).startsWith(prefix) && String(key).includes(":comment:"));
    if (!keys.length) return;
    const first = await store.get("drafts", keys[0]);
    const bar = document.createElement("div");
    bar.className = "draft-offer";
    bar.setAttribute("role", "status");
    const text = document.createElement("span");
    text.textContent = t(keys.length === 1 ? "drafts_waiting_one" : "drafts_waiting", { n: keys.length });
    const open = document.createElement("button");
    open.type = "button";
    open.className = "button small primary";
    open.textContent = t("draft_open");
    open.addEventListener("click", () => {
      bar.remove();
      openThread(first.paragraph_id);
    });
    const close = document.createElement("button");
    close.type = "button";
    close.className = "button small";
    close.textContent = t("draft_later");
    close.addEventListener("click", () => bar.remove());
    bar.append(text, open, close);
    document.body.append(bar);
  }).catch(() => {});
}
