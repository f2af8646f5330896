// The meeting page's offline panel: one control (`data-offline-pack`, "ready" once every document is
// on the device) that stores the whole meeting with progress and size, keeps it current, removes it;
// how much space the stored meetings take; and the outbox count, sent from here when the link returns.
import { openOutbox } from "./outbox.js";
import { PackError, isCurrent, packFor, packsOf, removePack, syncPack } from "./pack.js";
import { supported } from "./register.js";
import * as store from "./store.js";
import { t, api, toast, confirm, live, formatDateTime } from "../app.js";

const SELECTOR = "[data-offline-panel]";
const QUIET_REFRESH_AFTER_MS = 10 * 60 * 1000;

const state = { phase: "none", progress: null, pack: null, error: null, outbox: 0 };
let meetingId = 0, userId = 0, running = null, again = false;

function megabytes(bytes) {
  const lang = document.documentElement.lang || "vi";
  const [value, unit] = bytes >= 1e9 ? [bytes / 1e9, "GB"] : [bytes / 1e6, "MB"];
  return `${new Intl.NumberFormat(lang, { maximumFractionDigits: value < 10 ? 1 : 0 }).format(value)} ${unit}`;
}

/** English counts its nouns: "1 document", "2 documents" (a `_one` string where one is needed). */
function counted(key, n, params = {}) {
  const one = `${key}_one`;
  return t(n === 1 && t(one) !== one ? one : key, { n, ...params });
}

function panel() {
  return document.querySelector(SELECTOR);
}

async function renderStorage(node) {
  const box = node.querySelector("[data-offline-storage]");
  const packs = await packsOf(userId);
  box.hidden = packs.length === 0;
  if (!packs.length) return;
  const total = packs.reduce((sum, pack) => sum + (pack.bytes || 0), 0);
  let line = t("offline_storage_total", { n: packs.length, size: megabytes(total) });
  if (navigator.storage && navigator.storage.estimate) {
    const { usage = 0, quota = 0 } = await navigator.storage.estimate().catch(() => ({}));
    if (quota) line += ` · ${t("offline_storage_free", { size: megabytes(Math.max(0, quota - usage)) })}`;
  }
  box.querySelector("summary").textContent = line;
  const list = box.querySelector("ul");
  list.replaceChildren(...packs.sort((a, b) => (b.starts_at || "").localeCompare(a.starts_at || "")).map((pack) => {
    const item = document.createElement("li");
    const name = document.createElement(pack.meeting_id === meetingId ? "strong" : "a");
    if (pack.meeting_id !== meetingId) name.href = `/meetings/${pack.meeting_id}`;
    name.textContent = pack.title;
    const size = document.createElement("span");
    size.className = "muted";
    size.textContent = ` · ${megabytes(pack.bytes || 0)}`;
    const remove = document.createElement("button");
    remove.type = "button";
    remove.className = "button small danger-outline";
    remove.dataset.offlineRemoveOther = pack.meeting_id;
    remove.textContent = t("offline_remove");
    remove.setAttribute("aria-label", t("offline_remove_named", { title: pack.title }));
    item.append(name, size, remove);
    return item;
  }));
}

function render() {
  const node = panel();
  if (!node) return;
  const button = node.querySelector("[data-offline-pack]");
  const label = node.querySelector("[data-offline-label]");
  const detail = node.querySelector("[data-offline-detail]");
  const bar = node.querySelector("[data-offline-progress]");
  const remove = node.querySelector("[data-offline-remove]");
  const { phase, pack, progress } = state;
  button.setAttribute("data-offline-pack", phase === "none" ? "" : phase);
  button.setAttribute("aria-busy", String(phase === "downloading"));
  button.disabled = phase === "downloading" || phase === "unsupported" || (phase === "none" && !navigator.onLine);
  node.classList.toggle("is-ready", phase === "ready");
  remove.hidden = !pack || phase === "downloading";
  bar.hidden = phase !== "downloading";
  if (progress && progress.total) {
    bar.max = progress.total;
    bar.value = progress.done;
  }
  const documents = pack ? Object.keys(pack.documents || {}).length : 0;
  if (phase === "unsupported") {
    label.textContent = t("offline_save");
    detail.textContent = t("offline_unsupported");
  } else if (phase === "downloading") {
    label.textContent = t("offline_saving", {
      done: progress ? progress.documentsDone : 0,
      total: progress ? progress.documents : "…",
    });
    detail.textContent = t("offline_saving_size", { size: megabytes(progress ? progress.bytes : 0) });
  } else if (phase === "ready") {
    label.textContent = t("offline_ready");
    detail.textContent = counted("offline_ready_detail", documents, { size: megabytes(pack.bytes), time: formatDateTime(pack.saved_at) });
  } else if (phase === "stale" || phase === "error") {
    label.textContent = t("offline_update");
    detail.textContent = state.error || t("offline_stale_detail", { size: megabytes(pack ? pack.bytes : 0) });
  } else {
    label.textContent = t("offline_save");
    detail.textContent = navigator.onLine ? t("offline_save_detail") : t("offline_needs_network");
  }
  const outbox = node.querySelector("[data-outbox]");
  outbox.hidden = state.outbox === 0;
  outbox.querySelector("[data-outbox-count]").textContent = counted("outbox_count", state.outbox);
  renderStorage(node).catch(() => {});
}

function describe(error) {
  if (error instanceof PackError) {
    if (error.code === "network") return t("offline_failed_network");
    if (error.code === "quota") return t("offline_failed_quota");
  }
  return t("offline_failed");
}

/** Store or update the meeting. Quiet: a stored, current meeting refreshes its changing parts
 * (annotations, pages' HTML) in the background and stays "ready" meanwhile. */
async function download({ quiet = false } = {}) {
  if (running) return running;
  if (!quiet) {
    state.phase = "downloading";
    state.error = null;
    state.progress = null;
    render();
  }
  running = syncPack(meetingId, userId, (progress) => {
    state.progress = progress;
    if (!quiet) render();
  }).then((pack) => {
    state.pack = pack;
    state.phase = "ready";
    state.error = null;
  }, async (error) => {
    state.pack = await packFor(meetingId);
    if (quiet && state.pack && state.pack.state === "ready" && error.code === "network") return;  // still readable
    state.phase = state.pack ? "error" : "none";
    state.error = describe(error);
    if (!quiet) toast(describe(error), "error");
  }).finally(() => {
    running = null;
    render();
    if (again) {  // the meeting changed again while this ran
      again = false;
      recheck();
    }
  });
  return running;
}

/** On load and whenever the meeting changed: a stored meeting that no longer matches is brought up to date. */
async function recheck() {
  if (running) {
    again = true;
    return null;
  }
  state.pack = await packFor(meetingId);
  if (!state.pack) return render();
  state.phase = state.pack.state === "ready" ? "ready" : "stale";
  render();
  if (!navigator.onLine) return null;
  let current = false;
  try {
    current = isCurrent(state.pack, await api("GET", `/api/meetings/${meetingId}`));
  } catch (_) {
    return render();
  }
  if (!current) state.phase = "stale";
  // Annotations and pages' HTML change even when the documents stay the same; on a weak link,
  // not on every visit.
  const age = Date.now() - Date.parse(state.pack.saved_at || 0);
  if (current && age < QUIET_REFRESH_AFTER_MS) return render();
  return download({ quiet: current });
}

async function removeOne(id) {
  const pack = id === meetingId ? state.pack : (await packsOf(userId)).find((p) => p.meeting_id === id);
  if (!pack || !(await confirm(t("offline_confirm_remove", { title: pack.title, size: megabytes(pack.bytes || 0) }), t("offline_remove"), true))) return;
  await removePack(id);
  if (id === meetingId) {
    state.pack = null;
    state.phase = "none";
  }
  toast(t("offline_removed", { size: megabytes(pack.bytes || 0) }));
  render();
}

function sendOutbox(box) {
  const socket = live();
  if (!socket) return;
  const drain = () => box.drain(socket, {
    onRefused: (_operation, ack) => toast(t("outbox_refused", { message: ack.message || ack.error || "" }), "error"),
  });
  socket.on("connect", drain);
  if (socket.connected) drain();
}

function start() {
  const node = panel();
  if (!node) return;
  meetingId = Number(node.dataset.meetingId);
  userId = Number(node.dataset.userId);

  const box = openOutbox(userId);
  state.outbox = box.count();
  box.watch((count) => {
    state.outbox = count;
    render();
  });
  box.ready.then(() => {
    state.outbox = box.count();
    render();
  });
  sendOutbox(box);

  document.addEventListener("click", (event) => {
    if (!event.target.closest(SELECTOR)) return;
    if (event.target.closest("[data-offline-pack]")) download();
    else if (event.target.closest("[data-offline-remove]")) removeOne(meetingId);
    else {
      const other = event.target.closest("[data-offline-remove-other]");
      if (other) removeOne(Number(other.dataset.offlineRemoveOther));
    }
  });
  // meetings.js re-renders the page from the server when the meeting changes (a document replaced,
  // withdrawn, added): the panel is new markup, and the stored meeting may need updating.
  document.addEventListener("meeting:rendered", () => {
    render();
    recheck();
  });
  window.addEventListener("online", render);
  window.addEventListener("offline", render);
  // Another tab stored or removed a meeting: show it (not sync again, or two tabs would take turns).
  store.listen(async (message) => {
    if (message.type !== "packs" || running) return;
    state.pack = await packFor(meetingId);
    state.phase = !state.pack ? "none" : state.pack.state === "ready" ? "ready" : "stale";
    render();
  });

  if (!supported) {
    state.phase = "unsupported";
    render();
    return;
  }
  recheck();
}

start();
