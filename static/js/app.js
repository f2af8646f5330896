// Shared page behaviour: font size, strings, toasts, dialogs, JSON and upload calls, the live connection.
// An ES module the other modules import from; `window.PH` stays as a handle for tests and the console.
// It brings the offline layer (service worker, logout clearing) to every signed-in page: one entry for
// base.html, so the bundles of a page share fewer, larger chunks (docs/architecture.md).
import "./offline/register.js";
const MIN_SCALE = 0.85, MAX_SCALE = 1.6, STEP = 0.15;

function setFontScale(scale) {
  const clamped = Math.min(MAX_SCALE, Math.max(MIN_SCALE, Math.round(scale * 100) / 100));
  document.documentElement.style.setProperty("--font-scale", String(clamped));
  document.documentElement.classList.toggle("font-large", clamped > 1);  // phones drop tool names (annotate.css)
  localStorage.setItem("fontScale", String(clamped));
  document.dispatchEvent(new CustomEvent("fontscale", { detail: clamped }));
}
document.addEventListener("click", (event) => {
  const button = event.target.closest("[data-font-step]");
  if (!button) return;
  const current = parseFloat(localStorage.getItem("fontScale") || "1");
  setFontScale(current + STEP * Number(button.dataset.fontStep));
});

// Translated strings come from the templates (<script type="application/json" class="ph-strings">);
// their placeholders are {name}: Jinja's gettext would try to fill %(name)s itself.
const strings = {};
document.querySelectorAll("script.ph-strings").forEach((node) => {
  try { Object.assign(strings, JSON.parse(node.textContent)); } catch (_) { /* a bad block only loses its strings */ }
});
// A counted string comes in plural forms ({one, other}, from plural_forms() in core/i18n.py): the
// form is picked by the number filled in as `count`, else as `n`.
const plurals = new Intl.PluralRules(document.documentElement.lang || "vi");
function pick(text, params) {
  if (!text || typeof text !== "object") return text;
  const count = Number(params && (params.count !== undefined ? params.count : params.n));
  return text[plurals.select(Number.isFinite(count) ? count : 0)] || text.other;
}
function t(key, params) {
  let text = pick(strings[key] !== undefined ? strings[key] : key, params);
  if (params) {
    text = text.replace(/\{(\w+)\}/g, (whole, name) => (params[name] !== undefined ? String(params[name]) : whole));
  }
  return text;
}

let toastTimer = null;
function toast(message, kind) {
  const box = document.getElementById("toast");
  if (!box) return;
  box.textContent = message;
  box.className = "toast" + (kind ? " " + kind : "");
  box.hidden = false;
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => { box.hidden = true; }, kind === "error" ? 8000 : 4000);
}

function failure(response, data) {
  const error = new Error((data && data.message) || response.statusText || t("network_error"));
  error.code = data && data.error;
  error.status = response.status;
  return error;
}

async function api(method, url, body) {
  const options = { method, headers: { Accept: "application/json" }, credentials: "same-origin" };
  if (body instanceof FormData) options.body = body;
  else if (body !== undefined) {
    options.headers["Content-Type"] = "application/json";
    options.body = JSON.stringify(body);
  }
  let response;
  try {
    response = await fetch(url, options);
  } catch (_) {
    const error = new Error(t("network_error"));
    error.code = "network";
    throw error;
  }
  const data = await response.json().catch(() => ({}));
  if (!response.ok) throw failure(response, data);
  return data;
}

// fetch() cannot report upload progress; a 20 MB PDF over rural 4G needs a visible bar.
function upload(url, formData, onProgress) {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open("POST", url);
    xhr.setRequestHeader("Accept", "application/json");
    xhr.responseType = "json";
    xhr.upload.addEventListener("progress", (event) => {
      if (event.lengthComputable && onProgress) onProgress(event.loaded / event.total);
    });
    xhr.addEventListener("load", () => {
      const data = xhr.response || {};
      if (xhr.status >= 200 && xhr.status < 300) resolve(data);
      else reject(failure({ status: xhr.status, statusText: xhr.statusText }, data));
    });
    xhr.addEventListener("error", () => reject(Object.assign(new Error(t("network_error")), { code: "network" })));
    xhr.send(formData);
  });
}

// A styled, touch-sized confirmation; window.confirm() is tiny on tablets and blocks the socket.
function confirmAction(message, confirmLabel, danger, cancelLabel) {
  return new Promise((resolve) => {
    const dialog = document.createElement("dialog");
    dialog.className = "confirm-dialog";
    const text = document.createElement("p");
    text.textContent = message;
    const actions = document.createElement("div");
    actions.className = "dialog-actions";
    const cancel = document.createElement("button");
    cancel.type = "button";
    cancel.className = "button";
    cancel.textContent = cancelLabel || t("cancel");  // better: what staying means ("Giữ phiên bản này")
    const ok = document.createElement("button");
    ok.type = "button";
    ok.className = "button " + (danger ? "danger" : "primary");
    ok.textContent = confirmLabel || t("confirm");
    actions.append(cancel, ok);
    dialog.append(text, actions);
    document.body.append(dialog);
    let answer = false;
    cancel.addEventListener("click", () => dialog.close());
    ok.addEventListener("click", () => { answer = true; dialog.close(); });
    dialog.addEventListener("close", () => { dialog.remove(); resolve(answer); });
    dialog.showModal();
    cancel.focus();
  });
}

// Times are stored as naive UTC; the councils are all in Asia/Ho_Chi_Minh (UTC+7, no DST since 1975).
function formatDateTime(iso) {
  if (!iso) return "";
  const utc = Date.parse(/[zZ]|[+-]\d\d:\d\d$/.test(iso) ? iso : iso + "Z");
  if (Number.isNaN(utc)) return iso;
  const local = new Date(utc + 7 * 3600 * 1000);
  const two = (n) => String(n).padStart(2, "0");
  return `${two(local.getUTCDate())}/${two(local.getUTCMonth() + 1)}/${local.getUTCFullYear()} ${two(local.getUTCHours())}:${two(local.getUTCMinutes())}`;
}

let socket = null;
function live() {
  if (!socket && window.io) {
    socket = window.io({
      transports: ["websocket", "polling"],
      // A process that died drops hundreds of tablets at once: spread their return over seconds.
      reconnectionDelay: 1000 + Math.random() * 2000,
      reconnectionDelayMax: 15000,
      randomizationFactor: 0.5,
    });
    socket.on("connect_error", () => { if (!socket.active) refused(); });
    // The server closed the line itself (the login ended, or a roster change): not retried by the
    // client on its own either.
    socket.on("disconnect", (reason) => { if (reason === "io server disconnect") refused(); });
    socket.on("connect", () => { refusals = 0; });
  }
  return socket;
}

// The server refused the connection itself (the client does not try again by itself): either this
// login was ended elsewhere (logged out, password changed, account disabled), which the delegate is
// told with a way back in, or the server could not tell at that moment, and the line is tried again.
let refusals = 0;
async function refused() {
  let status = 0;
  try {
    status = (await fetch("/api/me", { credentials: "same-origin", cache: "no-store" })).status;
  } catch (_) { /* offline: try again below */ }
  if (status === 401) {
    const notice = document.getElementById("login-ended");
    if (notice) {
      notice.querySelector("[data-login-again]").href = `/login?next=${encodeURIComponent(location.pathname + location.search)}`;
      notice.hidden = false;
    }
    return;
  }
  refusals += 1;
  setTimeout(() => socket.connect(), Math.min(30000, 2000 * refusals) * (0.5 + Math.random() / 2));
}

// Most pages load the socket library with their scripts; the reader brings it in once its first page is
// on screen (reader/later.js), so code that may run before then asks for the connection with whenLive().
let libraryArrived = () => {};
const libraryHere = new Promise((resolve) => { libraryArrived = resolve; });
let libraryLoading = null;
/** Brings the socket library (a classic script, `src`) onto a page that did not load it with its scripts. */
function loadSocketLibrary(src) {
  if (window.io) {
    libraryArrived();
    return libraryHere;
  }
  libraryLoading = libraryLoading || new Promise((resolve, reject) => {
    const script = document.createElement("script");
    script.src = src;
    script.addEventListener("load", () => { libraryArrived(); resolve(); });
    script.addEventListener("error", () => {
      script.remove();
      libraryLoading = null;  // a weak signal: the next call tries again
      reject(new Error("socket library"));
    });
    document.head.append(script);
  });
  return libraryLoading;
}
/** The live connection once the socket library is on the page: at once where it came with the page. */
function whenLive() {
  return window.io ? Promise.resolve(live()) : libraryHere.then(live);
}

// The network gone is said at once, on every page: what is stored on the device still reads.
function showNetwork() {
  const banner = document.getElementById("offline-banner");
  if (banner) banner.hidden = navigator.onLine !== false;
  document.documentElement.classList.toggle("is-offline", navigator.onLine === false);
}
window.addEventListener("offline", showNetwork);
window.addEventListener("online", showNetwork);
if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", showNetwork);
else showNetwork();

export { api, upload, toast, t, pick, confirmAction as confirm, formatDateTime, live, whenLive, loadSocketLibrary, setFontScale };
window.PH = { api, upload, toast, t, pick, confirm: confirmAction, formatDateTime, live, whenLive, loadSocketLibrary, setFontScale };
