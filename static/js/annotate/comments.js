// The comment panel: every comment of the document grouped by paragraph, one paragraph's thread,
// the composer, replies, edits, deletes and the chair's hide. Text is always set as text, never HTML.
import * as PH from "../app.js";

function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

function button(label, className, onClick) {
  const node = el("button", className || "link-button", label);
  node.type = "button";
  node.addEventListener("click", onClick);
  return node;
}

/** Roots in time order, each with its replies (replies to replies join the root's list). */
export function threads(comments) {
  const byId = new Map(comments.map((c) => [c.id, c]));
  const ordered = [...comments].sort((a, b) => (a.created_at < b.created_at ? -1 : a.created_at > b.created_at ? 1 : 0));
  const roots = [];
  const replies = new Map();
  for (const comment of ordered) {
    let parent = comment.reply_to ? byId.get(comment.reply_to) : null;
    while (parent && parent.reply_to && byId.has(parent.reply_to)) parent = byId.get(parent.reply_to);
    if (parent) {
      if (!replies.has(parent.id)) replies.set(parent.id, []);
      replies.get(parent.id).push(comment);
    } else {
      roots.push(comment);
    }
  }
  return roots.map((root) => ({ root, replies: replies.get(root.id) || [], orphan: Boolean(root.reply_to) }));
}

export function createComments(ctx) {
  const { t, me, config, reader } = ctx;
  const panel = document.getElementById("annot-panel");
  const list = panel.querySelector("[data-thread-list]");
  const title = panel.querySelector("[data-panel-title]");
  const back = panel.querySelector("[data-show-all]");
  const form = panel.querySelector("[data-composer]");
  const context = form.querySelector("[data-composer-context]");
  const quoteBox = form.querySelector("[data-composer-quote]");
  const cancelReply = form.querySelector("[data-cancel-reply]");
  const guestNote = form.querySelector("[data-guest-note]");  // only in a guest's reader
  const general = panel.querySelector("[data-general]");
  const state = { scope: "all", paragraphId: null, quote: "", replyTo: null, editing: null };
  let comments = [];

  // Opened by a finger, the panel waits for a tap on the box: focusing it would raise the keyboard
  // over the thread the reader came to see. Opened by mouse or keyboard, typing can start at once.
  let lastPointer = "";
  document.addEventListener("pointerdown", (event) => { lastPointer = event.pointerType; }, true);
  document.addEventListener("keydown", () => { lastPointer = ""; }, true);
  const touching = () => lastPointer === "touch" || lastPointer === "pen";

  const ORPHANED = "orphaned";  // the group of comments whose paragraph the new version removed

  function paragraphLabel(paragraphId) {
    if (paragraphId === ORPHANED) return t("orphaned_section");
    const paragraph = ctx.paragraph(paragraphId);
    return paragraph ? ctx.paragraphName(paragraph) : t("whole_document");
  }

  function groupOf(comment) {
    return comment.anchor && comment.anchor.status === ORPHANED ? ORPHANED : comment.paragraph_id ?? null;
  }

  /** Old and new text of an edited paragraph, word by word: removed struck through, added marked. */
  function diffNode(paragraphId) {
    const change = ctx.changes().paragraphs.get(paragraphId);
    if (!change || !change.diff) return null;
    const box = el("div", "paragraph-diff");
    box.append(el("p", "diff-title", t("diff_title")));
    const text = el("p", "diff-text");
    for (const [op, words] of change.diff) {
      if (text.childNodes.length) text.append(" ");
      text.append(op === "=" ? document.createTextNode(words) : el(op === "-" ? "del" : "ins", "", words));
    }
    box.append(text);
    return box;
  }

  /** The list of what changed from the previous version, at the top of every paragraph's comments. */
  function changesNode() {
    const { paragraphs, removed } = ctx.changes();
    const changed = ctx.paragraphs().filter((p) => {
      const change = paragraphs.get(p.id);
      return change && change.change !== "unchanged";
    });
    if (!changed.length && !removed.length) return null;
    const box = el("details", "changes-list");
    const count = (kind) => [...paragraphs.values()].filter((p) => p.change === kind).length;
    box.append(el("summary", "", `${t("changes_title")}: ${t("changes_summary", { edited: count("edited"), added: count("added"), removed: removed.length })}`));
    const items = el("ul");
    for (const paragraph of changed) {
      const item = el("li", `change-${paragraphs.get(paragraph.id).change}`);
      item.append(button(`${ctx.paragraphName(paragraph)} — ${t(`change_${paragraphs.get(paragraph.id).change}`)}`, "link-button", () => {
        ctx.showParagraph(paragraph);
        open("thread", paragraph.id);
      }));
      items.append(item);
    }
    for (const paragraph of removed) {
      const item = el("li", "change-removed");
      item.append(el("span", "", `${t("removed_paragraph")}: ${paragraph.text}`));
      items.append(item);
    }
    box.append(items);
    return box;
  }

  function open(scope, paragraphId, quote) {
    state.scope = scope;
    state.paragraphId = paragraphId ?? null;
    state.quote = quote || "";
    state.replyTo = null;
    state.editing = null;
    ctx.openSheet(panel);
    render();
    if (scope !== "all" && !touching()) form.elements.body.focus({ preventScroll: true });
  }

  function close() {
    ctx.closeSheet(panel);
  }

  function visibleInScope() {
    if (state.scope === "all") return comments;
    return comments.filter((c) => groupOf(c) === state.paragraphId);
  }

  function commentNode(comment, { reply = false, orphan = false } = {}) {
    const mine = comment.author.id === me.id;
    const article = el("article", "comment");
    article.classList.toggle("reply", reply);
    article.classList.toggle("mine", mine);
    article.classList.toggle("pending", Boolean(comment.pending));
    article.classList.toggle("is-hidden", Boolean(comment.hidden));
    article.dataset.id = comment.id;

    const head = el("header", "comment-head");
    head.append(el("strong", "comment-author", mine ? t("you") : comment.author.name));
    // A guest's (khách mời) answer is theirs, with their office: not a delegate's opinion.
    if (comment.author.guest) {
      article.classList.add("by-guest");
      head.append(el("span", "tag guest-tag", t("guest")));
      if (comment.author.office) head.append(el("span", "comment-office", comment.author.office));
    }
    head.append(el("time", "comment-time", PH.formatDateTime(comment.created_at)));
    if (comment.visibility === "private") head.append(el("span", "tag", t("private")));
    if (comment.anchor && !reply) head.append(el("span", `tag carried-${comment.anchor.status}`, t(`carried_${comment.anchor.status}`)));
    if (comment.pending) head.append(el("span", "tag pending-tag", t("pending")));
    if (comment.hidden && !comment.redacted) head.append(el("span", "tag hidden-tag", t("hidden_mine")));
    article.append(head);
    if (orphan) article.append(el("p", "comment-hint", t("deleted_parent")));
    if (comment.target && comment.target.quote && !reply) article.append(el("blockquote", "comment-quote", comment.target.quote));

    if (state.editing && state.editing.id === comment.id) {
      article.append(editor(comment));
      return article;
    }
    if (comment.hidden && comment.redacted) article.append(el("p", "comment-body hidden-trace", t("hidden_for_others")));
    else article.append(el("p", "comment-body", comment.body));

    if (!comment.pending) {
      const actions = el("div", "comment-actions");
      actions.append(button(t("reply"), "link-button", () => startReply(comment)));
      if (mine) {
        actions.append(button(t("edit"), "link-button", () => {
          state.editing = { id: comment.id, draft: comment.body };
          render();
        }));
        actions.append(button(t("delete"), "link-button danger", async () => {
          if (await PH.confirm(t("confirm_delete"), t("delete"), true)) ctx.submit("annotation:delete", { id: comment.id });
        }));
      }
      if (config.can_moderate && comment.visibility === "shared") {
        actions.append(button(comment.hidden ? t("unhide") : t("hide"), "link-button moderate", () => {
          ctx.submit("annotation:hide", { id: comment.id, hidden: !comment.hidden });
        }));
      }
      article.append(actions);
    }
    return article;
  }

  function editor(comment) {
    const box = el("div", "comment-editor");
    const area = el("textarea");
    area.rows = 3;
    area.maxLength = config.max_body;
    area.value = state.editing.draft;
    area.setAttribute("aria-label", t("edit"));
    area.addEventListener("input", () => { state.editing.draft = area.value; });
    const actions = el("div", "comment-actions");
    actions.append(button(t("cancel"), "button small", () => { state.editing = null; render(); }));
    actions.append(button(t("save"), "button small primary", () => {
      const body = area.value.trim();
      if (!body) return;
      ctx.submit("annotation:update", { id: comment.id, body });
      state.editing = null;
      render();
    }));
    box.append(area, actions);
    requestAnimationFrame(() => area.focus());
    return box;
  }

  function threadNodes(items) {
    const fragment = document.createDocumentFragment();
    for (const { root, replies, orphan } of threads(items)) {
      const thread = el("div", "thread");
      thread.append(commentNode(root, { orphan }));
      for (const reply of replies) thread.append(commentNode(reply, { reply: true }));
      fragment.append(thread);
    }
    return fragment;
  }

  function sectionHeader(paragraphId, count) {
    const paragraph = ctx.paragraph(paragraphId);
    const head = el("button", "section-head");
    head.type = "button";
    head.append(el("span", "section-title", paragraphLabel(paragraphId)));
    if (paragraph) head.append(el("span", "section-page", t("page", { n: paragraph.page })));
    head.append(el("span", "section-count", t("comments_count", { n: count })));
    if (paragraph) head.append(el("span", "section-excerpt", paragraph.text ?? ""));
    head.addEventListener("click", () => {
      if (paragraph) ctx.showParagraph(paragraph);
      open("thread", paragraphId);
    });
    return head;
  }

  function render() {
    if (panel.hidden) return;
    const inScope = visibleInScope();
    back.hidden = state.scope === "all";
    if (state.scope === "all") {
      title.textContent = t("all_comments");
      const groups = new Map();
      for (const comment of inScope) {
        const key = groupOf(comment);
        if (!groups.has(key)) groups.set(key, []);
        groups.get(key).push(comment);
      }
      const keys = [...groups.keys()].sort((a, b) => {
        if (a === ORPHANED || b === ORPHANED) return a === ORPHANED ? 1 : -1;
        if (a === null || b === null) return a === null ? -1 : 1;
        return (ctx.paragraph(a)?.number ?? 0) - (ctx.paragraph(b)?.number ?? 0);
      });
      const fragment = document.createDocumentFragment();
      const changed = changesNode();
      if (changed) fragment.append(changed);
      for (const key of keys) {
        const section = el("section", "comment-section");
        section.append(sectionHeader(key, groups.get(key).length), threadNodes(groups.get(key)));
        fragment.append(section);
      }
      if (!keys.length) fragment.append(el("p", "empty", t("no_comments")));
      list.replaceChildren(fragment);
    } else {
      title.textContent = paragraphLabel(state.paragraphId);
      const fragment = document.createDocumentFragment();
      const paragraph = ctx.paragraph(state.paragraphId);
      if (paragraph) fragment.append(el("p", "paragraph-text", paragraph.text ?? "…"));
      const diff = paragraph && diffNode(paragraph.id);
      if (diff) fragment.append(diff);
      fragment.append(threadNodes(inScope));
      list.replaceChildren(fragment);
    }
    renderComposer();
  }

  function renderComposer() {
    const reply = state.replyTo;
    // Under the list of every paragraph's comments, a composer would read as "comment on this list":
    // a comment on the whole document is asked for by its own button there.
    const overview = state.scope === "all" && !reply;
    form.hidden = overview || (state.paragraphId === ORPHANED && !reply);  // a removed paragraph takes replies only
    general.parentElement.hidden = !overview;
    if (reply) context.textContent = t("reply_to", { name: reply.author.id === me.id ? t("you") : reply.author.name });
    else if (state.paragraphId === null) context.textContent = t("comment_on_document");
    else context.textContent = t("comment_on", { n: paragraphLabel(state.paragraphId) });
    quoteBox.hidden = !state.quote || Boolean(reply);
    quoteBox.textContent = state.quote;
    cancelReply.hidden = !reply;
    form.classList.toggle("replying", Boolean(reply));
    // A guest starts no shared thread (annotations/permissions.py): a new comment of theirs is
    // private, said so under the box; an answer in a delegate's thread is shared as anyone's.
    const guestOwn = Boolean(config.guest && !reply);
    if (guestOwn) form.elements.private.checked = true;
    if (guestNote) guestNote.hidden = !guestOwn;
    form.elements.private.disabled = Boolean(reply && reply.visibility === "private") || guestOwn;
    // Its draft, kept per paragraph (or reply) until sent or discarded: static/js/offline/drafts.js.
    form.dataset.draftParagraph = String((reply ? reply.paragraph_id : state.paragraphId) ?? "");
    form.dataset.draftKey = reply ? `comment:reply:${reply.id}` : `comment:${state.paragraphId ?? "document"}`;
  }

  function startReply(comment) {
    state.replyTo = comment;
    if (config.guest) form.elements.private.checked = false;  // the guest's answer, for all to read
    renderComposer();
    form.elements.body.focus();
  }

  cancelReply.addEventListener("click", () => {
    state.replyTo = null;
    renderComposer();
  });
  back.addEventListener("click", () => open("all"));
  general.addEventListener("click", () => open("thread", null));
  panel.querySelector("[data-close]").addEventListener("click", close);

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const body = form.elements.body.value.trim();
    if (!body) return;
    const reply = state.replyTo;
    const paragraphId = reply ? reply.paragraph_id ?? null : state.paragraphId;
    const priv = form.elements.private.checked || Boolean(reply && reply.visibility === "private") || Boolean(config.guest && !reply);
    ctx.submit("annotation:create", {
      kind: "comment",
      target: { paragraph_id: paragraphId, quote: reply ? "" : state.quote },
      body,
      visibility: priv ? "private" : "shared",
      ...(reply ? { reply_to: reply.id } : {}),
    });
    form.elements.body.value = "";
    state.replyTo = null;
    state.quote = "";
    renderComposer();
  });
  form.elements.body.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) form.requestSubmit();
  });

  function update(allComments) {
    comments = allComments;
    if (!state.editing) render();
  }

  return { open, close, update, isOpen: () => !panel.hidden, reader };
}
