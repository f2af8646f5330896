// The meeting list and the meeting page stay current while open: a published meeting appears,
// a changed one is re-read, a removed one disappears, without the delegate reloading.
import { api, t, toast, formatDateTime, live } from "./app.js";

/** The meeting page this module keeps current, for the secretary's tools (manage.js); null elsewhere. */
export let meetingPage = null;


/* ---------- meeting list (/) ---------- */

function roleText(role) {
  return t("role_" + (role || "admin"));
}

function fillCard(node, meeting) {
  node.dataset.meetingId = meeting.id;
  node.dataset.startsAt = meeting.starts_at;
  node.querySelector("a").href = "/meetings/" + meeting.id;
  const when = node.querySelector('[data-field="when"]');
  when.textContent = formatDateTime(meeting.starts_at);
  when.setAttribute("datetime", meeting.starts_at);
  node.querySelector('[data-field="title"]').textContent = meeting.title;
  const place = node.querySelector('[data-field="location"]');
  place.textContent = meeting.location || "";
  place.hidden = !meeting.location;
  node.querySelector('[data-field="role"]').textContent = roleText(meeting.role);
  node.querySelector('[data-field="draft"]').hidden = meeting.status !== "draft";
}

function upsertCard(list, meeting) {
  let node = list.querySelector(`[data-meeting-id="${meeting.id}"]`);
  const isNew = !node;
  if (isNew) {
    node = document.getElementById("meeting-card-template").content.firstElementChild.cloneNode(true);
  }
  fillCard(node, meeting);
  // Newest first, as the server orders them.
  const later = [...list.children].find((other) => other !== node && other.dataset.startsAt < meeting.starts_at);
  if (isNew || node.nextElementSibling !== later) list.insertBefore(node, later || null);
  if (isNew) {
    node.classList.add("arrived");
    setTimeout(() => node.classList.remove("arrived"), 4000);
  }
  document.getElementById("no-meetings").hidden = true;
  return isNew;
}

function removeCard(list, id) {
  const node = list.querySelector(`[data-meeting-id="${id}"]`);
  if (node) node.remove();
  document.getElementById("no-meetings").hidden = list.children.length > 0;
}

function setUpList(list) {
  const socket = live();
  if (socket) {
    socket.on("meeting:published", (meeting) => {
      if (upsertCard(list, meeting)) toast(t("meeting_published", { title: meeting.title }));
    });
    socket.on("meeting:updated", async ({ id }) => {
      try {
        upsertCard(list, await api("GET", `/api/meetings/${id}`));
      } catch (error) {
        if (error.status === 404) removeCard(list, id);
      }
    });
    socket.on("meeting:removed", ({ id }) => removeCard(list, id));
    // Whatever was published while the connection was down.
    socket.on("connect", async () => {
      if (!socket.recovered && socket.wasConnected) {
        try {
          const meetings = await api("GET", "/api/meetings");
          const ids = new Set(meetings.map((m) => String(m.id)));
          [...list.children].forEach((node) => { if (!ids.has(node.dataset.meetingId)) node.remove(); });
          meetings.forEach((m) => upsertCard(list, m));
        } catch (_) { /* the next reconnect tries again */ }
      }
      socket.wasConnected = true;
    });
  }
  setUpCreateForm();
}

function setUpCreateForm() {
  const toggle = document.getElementById("new-meeting-toggle");
  const form = document.getElementById("new-meeting");
  if (!toggle || !form) return;
  const open = (shown) => {
    form.hidden = !shown;
    toggle.setAttribute("aria-expanded", String(shown));
    if (shown) {
      if (!form.elements.date.value) {
        const tomorrow = new Date(Date.now() + 24 * 3600 * 1000 + 7 * 3600 * 1000);
        form.elements.date.value = tomorrow.toISOString().slice(0, 10);
      }
      form.elements.title.focus();
    } else {
      toggle.focus();
    }
  };
  toggle.addEventListener("click", () => open(form.hidden));
  form.querySelector("[data-close]").addEventListener("click", () => open(false));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const error = form.querySelector(".form-error");
    const submit = form.querySelector('[type="submit"]');
    error.hidden = true;
    submit.disabled = true;
    try {
      const { id } = await api("POST", "/api/meetings", {
        title: form.elements.title.value,
        // The office types Vietnam time, whatever the device's own clock zone is.
        starts_at: `${form.elements.date.value}T${form.elements.time.value}:00+07:00`,
        location: form.elements.location.value,
        // The council chosen (preselected when the secretary runs one); none offered: none.
        ...(form.elements.council_id ? { council_id: Number(form.elements.council_id.value) } : {}),
      });
      sessionStorage.setItem("ph.flash", t("meeting_created"));
      window.location.assign(`/meetings/${id}`);
    } catch (failure) {
      error.textContent = failure.message;
      error.hidden = false;
      submit.disabled = false;
    }
  });
}

/* ---------- meeting page (/meetings/<id>) ---------- */

// Re-render from the server's own template, so the page has one source of markup.
const HOLDERS = ["data-document-id", "data-user-id", "data-action-form", "data-item-id"];

function setUpMeetingPage(root) {
  const meetingId = Number(root.dataset.meetingId);
  let pending = null;
  let again = false;

  function focusKey(element) {
    if (!element || !root.contains(element)) return null;
    const holder = element.closest(HOLDERS.map((name) => `[${name}]`).join(","));
    const name = holder && HOLDERS.find((candidate) => holder.hasAttribute(candidate));
    return {
      action: element.dataset.action || element.name || null,
      holder: holder ? `[${name}="${CSS.escape(holder.getAttribute(name))}"]` : null,
    };
  }

  function restoreFocus(key) {
    if (!key || !key.action) return;
    const scope = key.holder ? root.querySelector(key.holder) : root;
    if (!scope) return;
    const target = scope.querySelector(`[data-action="${key.action}"],[name="${key.action}"]`);
    // A moved item's arrow may now be disabled (it reached the top): stay within its tools.
    const fallback = target && target.disabled ? target.parentElement.querySelector("[data-action]:not(:disabled)") : null;
    (fallback || target)?.focus({ preventScroll: true });
  }

  function busyTyping() {
    const active = document.activeElement;
    return active && root.contains(active) && active.matches("input[type=text],input:not([type]),textarea") && active.value;
  }

  function deferWhileTyping() {
    if (!busyTyping()) return false;
    document.activeElement.addEventListener("blur", () => setTimeout(refresh), { once: true });
    return true;
  }

  async function refresh() {
    if (pending) { again = true; return pending; }
    if (deferWhileTyping()) return null;
    pending = (async () => {
      let response;
      try {
        response = await fetch(window.location.pathname, { headers: { Accept: "text/html" }, credentials: "same-origin" });
      } catch (_) {
        return;
      }
      if (response.status === 404 || response.status === 403) {
        gone();
        return;
      }
      if (!response.ok) return;
      const html = new DOMParser().parseFromString(await response.text(), "text/html");
      const fresh = html.getElementById("meeting-live");
      if (!fresh || deferWhileTyping()) return;
      const key = focusKey(document.activeElement);
      root.replaceChildren(...fresh.childNodes);
      restoreFocus(key);
      root.dispatchEvent(new CustomEvent("meeting:rendered", { bubbles: true }));
    })();
    try {
      await pending;
    } finally {
      pending = null;
      if (again) { again = false; refresh(); }
    }
    return null;
  }

  function gone() {
    sessionStorage.setItem("ph.flash", t("meeting_gone"));
    window.location.assign("/");
  }

  const socket = live();
  if (socket) {
    socket.on("meeting:updated", ({ id }) => { if (id === meetingId) refresh(); });
    socket.on("meeting:published", (meeting) => { if (meeting.id === meetingId) refresh(); });
    socket.on("meeting:removed", ({ id }) => { if (id === meetingId) gone(); });
    socket.on("connect", () => {
      if (socket.wasConnected) refresh();
      socket.wasConnected = true;
    });
  }
  meetingPage = { id: meetingId, root, refresh };
}

const flash = sessionStorage.getItem("ph.flash");
if (flash) {
  sessionStorage.removeItem("ph.flash");
  toast(flash);
}
const list = document.getElementById("meeting-list");
if (list) setUpList(list);
const meetingRoot = document.getElementById("meeting-live");
if (meetingRoot) setUpMeetingPage(meetingRoot);
