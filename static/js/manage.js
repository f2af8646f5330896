// The secretary's tools on the meeting page: agenda, documents, members and publishing.
// Every change goes through the JSON API; the page then re-renders from the server (meetings.js).
import { api, upload, t, toast, confirm } from "./app.js";
import { meetingPage } from "./meetings.js";

(function start() {
  const meeting = meetingPage;
  if (!meeting) return;
  const root = meeting.root;
  const base = `/api/meetings/${meeting.id}`;

  function itemOf(element) {
    const node = element.closest("[data-item-id]");
    return node ? { id: Number(node.dataset.itemId), node, title: node.querySelector(".agenda-title").textContent.trim() } : null;
  }

  // The button is marked busy rather than disabled: disabling would drop the keyboard focus.
  async function run(work, button) {
    if (button) {
      if (button.dataset.busy) return;
      button.dataset.busy = "true";
      button.setAttribute("aria-busy", "true");
    }
    try {
      await work();
      await meeting.refresh();
    } catch (error) {
      toast(error.message, "error");
    } finally {
      if (button) {
        delete button.dataset.busy;
        button.removeAttribute("aria-busy");
      }
    }
  }

  /* ---------- uploads, with a tray that survives re-renders ---------- */

  const tray = document.getElementById("upload-tray");
  const trayList = tray.querySelector(".uploads");
  const trayTitle = tray.querySelector("#upload-tray-title");

  // The page grows by the tray's height (and toasts rise above it), so the tray never hides a form.
  function reserveTraySpace() {
    const space = tray.hidden ? 0 : tray.offsetHeight + 16;
    document.documentElement.style.setProperty("--tray-space", `${space}px`);
  }
  new ResizeObserver(reserveTraySpace).observe(tray);

  let batches = 0;  // files of one pick go one after another: the tray reads "uploading" until the last

  function updateTray() {
    const running = batches > 0 || trayList.querySelector(".upload-row:not(.done):not(.failed)");
    trayTitle.textContent = t(running ? "uploads_running" : "uploads_finished");
    tray.hidden = !trayList.children.length;
    reserveTraySpace();
  }

  function trayRow(name) {
    const row = document.createElement("li");
    row.className = "upload-row";
    row.innerHTML = '<span class="upload-name"></span><progress max="1" value="0"></progress><span class="upload-state"></span>';
    row.querySelector(".upload-name").textContent = name;
    row.querySelector(".upload-state").textContent = t("uploading");
    trayList.append(row);
    updateTray();
    return row;
  }

  function settleRow(row, message, kind) {
    row.classList.add(kind);
    row.querySelector("progress").remove();
    const state = row.querySelector(".upload-state");
    state.textContent = message;
    if (kind === "failed" || kind === "warned") {
      // Stays until the secretary has read it: a refusal, or what was taken out of the file.
      state.setAttribute("role", "alert");
    } else {
      setTimeout(() => { row.remove(); updateTray(); }, 5000);
    }
    updateTray();
  }

  // Refusals stay until read; closing the tray clears every finished row, uploads in flight stay.
  tray.querySelector("[data-tray-close]").addEventListener("click", () => {
    trayList.querySelectorAll(".done, .failed").forEach((row) => row.remove());
    updateTray();
  });

  async function sendFile(url, file, title) {
    const row = trayRow(file.name);
    const bar = row.querySelector("progress");
    const form = new FormData();
    form.append("file", file, file.name);
    if (title) form.append("title", title);
    try {
      const doc = await upload(url, form, (share) => {
        bar.value = share;
        if (share >= 1) row.querySelector(".upload-state").textContent = t("processing");
      });
      const done = t(doc.page_count === 1 ? "uploaded_one" : "uploaded", { title: doc.title, n: doc.page_count });
      settleRow(row, doc.notice ? `${done} ${doc.notice}` : done, doc.notice ? "warned" : "done");
      return true;
    } catch (error) {
      settleRow(row, error.message, "failed");
      return false;
    }
  }

  async function uploadFiles(form, files) {
    const title = files.length === 1 ? form.elements.title.value.trim() : "";
    const url = `/api/agenda/${form.dataset.itemId}/documents`;
    // One at a time: rural uplinks are narrow, and each file finishes visibly.
    batches += 1;
    try {
      for (const file of files) await sendFile(url, file, title);
    } finally {
      batches -= 1;
      updateTray();
    }
    if (form.isConnected) form.reset();
    await meeting.refresh();
  }

  root.addEventListener("change", (event) => {
    const input = event.target;
    if (input.matches('.upload-form input[type="file"]') && input.files.length) {
      uploadFiles(input.form, [...input.files]);
    } else if (input.matches(".role-select")) {
      const row = input.closest("[data-user-id]");
      run(async () => {
        await api("POST", `${base}/members`, { username: row.dataset.username, role: input.value });
        toast(t("role_changed"));
      }, input);
    }
  });

  const replaceInput = document.getElementById("replace-input");
  let replacing = null;
  replaceInput.addEventListener("change", async () => {
    const file = replaceInput.files[0];
    const documentId = replacing;
    replacing = null;
    replaceInput.value = "";
    if (!file || !documentId) return;
    await sendFile(`/api/documents/${documentId}/replace`, file, "");
    await meeting.refresh();
  });

  /* ---------- buttons ---------- */

  function currentOrder() {
    return [...root.querySelectorAll(".agenda > [data-item-id]")].map((node) => Number(node.dataset.itemId));
  }

  function move(itemId, step) {
    const order = currentOrder();
    const from = order.indexOf(itemId);
    const to = from + step;
    if (from < 0 || to < 0 || to >= order.length) return Promise.resolve();
    [order[from], order[to]] = [order[to], order[from]];
    return api("PUT", `${base}/agenda/order`, { item_ids: order });
  }

  function startRename(item) {
    const heading = item.node.querySelector(".agenda-title");
    if (item.node.querySelector(".rename-form")) return;
    const form = document.createElement("form");
    form.className = "rename-form inline-form";
    form.innerHTML = '<input name="title" required maxlength="500" autocomplete="off"><button type="submit" class="button primary"></button><button type="button" class="button" data-cancel></button>';
    const input = form.elements.title;
    input.value = item.title;
    input.setAttribute("aria-label", t("rename_label"));
    form.querySelector('[type="submit"]').textContent = t("save");
    form.querySelector("[data-cancel]").textContent = t("cancel");
    heading.hidden = true;
    heading.after(form);
    input.focus();
    input.select();
    const close = () => { form.remove(); heading.hidden = false; };
    form.querySelector("[data-cancel]").addEventListener("click", close);
    form.addEventListener("keydown", (event) => { if (event.key === "Escape") close(); });
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      run(async () => {
        await api("PATCH", `/api/agenda/${item.id}`, { title: input.value.trim() });
        input.value = "";  // an input holding text keeps the page from re-rendering under the typist
      }, form.querySelector('[type="submit"]'));
    });
  }

  root.addEventListener("click", async (event) => {
    const button = event.target.closest("[data-action]");
    if (!button || !root.contains(button)) return;
    const item = itemOf(button);
    const row = button.closest("[data-document-id]");
    switch (button.dataset.action) {
      case "publish": {
        // Publishing early is allowed, but the secretary should know who would see nothing yet.
        const warnings = [
          button.dataset.delegates === "0" ? t("publish_no_delegates") : "",
          button.dataset.documents === "0" ? t("publish_no_documents") : "",
        ].filter(Boolean);
        if (await confirm([t("confirm_publish"), ...warnings].join("\n\n"), t("publish"))) {
          run(async () => { await api("POST", `${base}/publish`); toast(t("published")); }, button);
        }
        break;
      }
      case "move-up":
        run(() => move(item.id, -1), button);
        break;
      case "move-down":
        run(() => move(item.id, 1), button);
        break;
      case "rename":
        startRename(item);
        break;
      case "delete-item":
        if (await confirm(t("confirm_delete_item", { title: item.title }), t("delete"), true)) {
          run(() => api("DELETE", `/api/agenda/${item.id}`), button);
        }
        break;
      case "replace":
        replacing = Number(row.dataset.documentId);
        replaceInput.click();
        break;
      case "withdraw": {
        const title = row.querySelector(".doc-title").textContent.trim();
        if (await confirm(t("confirm_withdraw", { title }), t("withdraw"), true)) {
          run(async () => { await api("DELETE", `/api/documents/${row.dataset.documentId}`); toast(t("withdrawn")); }, button);
        }
        break;
      }
      case "invite-roster":
        run(async () => {
          const result = await api("POST", `${base}/members/roster`);
          toast(t("roster_invited", { n: result.added.length }));
        }, button);
        break;
      case "remove-member": {
        const member = button.closest("[data-user-id]");
        const name = member.querySelector(".member-name strong").textContent.trim();
        if (await confirm(t("confirm_remove_member", { name }), t("remove"), true)) {
          run(() => api("DELETE", `${base}/members/${member.dataset.userId}`), button);
        }
        break;
      }
      default:
    }
  });

  root.addEventListener("submit", (event) => {
    const form = event.target.closest("[data-action-form]");
    if (!form) return;
    event.preventDefault();
    const submit = form.querySelector('[type="submit"]');
    if (form.dataset.actionForm === "add-item") {
      run(async () => {
        await api("POST", `${base}/agenda`, { title: form.elements.title.value.trim() });
        form.elements.title.value = "";
      }, submit);
    } else if (form.dataset.actionForm === "invite") {
      const username = form.elements.username.value.trim();
      const role = form.elements.role.value;
      run(async () => {
        await api("POST", `${base}/members`, { username, role });
        form.elements.username.value = "";
        toast(t("invited", { username }));
      }, submit);
    }
  });
})();
