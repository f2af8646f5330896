// On every signed-in page: the service worker that makes stored meetings readable offline
// (registered with Workbox's window module), the logout that leaves nothing readable behind, and
// the reader's part in keeping a stored meeting current. docs/offline.md.
import { Workbox } from "../../vendor/workbox/workbox-window.prod.mjs";
import { openOutbox } from "./outbox.js";
import { claimDevice, forgetStored } from "./owner.js";
import { markUsed, packFor, removePack, syncPack } from "./pack.js";
import * as store from "./store.js";
import * as PH from "../app.js";

// Service workers need a secure context: HTTPS, or localhost. A council LAN on plain http has none.
export const supported = "serviceWorker" in navigator && window.isSecureContext && "caches" in window;

// Imported by app.js on every page: only a signed-in page registers the worker and claims the device.
const signedIn = document.querySelector('meta[name="ph-user"]');

export const registered = supported && signedIn
  ? new Workbox("/sw.js", { scope: "/" }).register().catch(() => null)
  : Promise.resolve(null);

// The worker found the login ended elsewhere and forgot what was stored: this page goes too.
if (supported && signedIn) {
  navigator.serviceWorker.addEventListener("message", (event) => {
    if (event.data && event.data.type === "ph:login-ended") window.location.assign("/login");
  });
}

/** Everything stored for reading offline, for the next person who signs in on this device. */
const clearStored = forgetStored;

// Someone else signed in on this device without logging out first (a session that expired): what
// the previous person stored (packs, and the pages kept from their visits) must not be readable by
// this one, offline or not. The login form already checked by username (owner.js).
if (supported && signedIn) {
  const userId = Number(signedIn.content);
  claimDevice(userId)
    .then(() => store.all("packs"))
    .then((packs) => (packs.some((pack) => pack.user_id !== userId) ? clearStored() : null))
    .catch(() => {});
}

// Logging out leaves nothing of the person on the device: stored meetings, and their unsent drafts
// and outbox (kept in IndexedDB whether or not this browser runs service workers).
document.addEventListener("submit", async (event) => {
  const form = event.target;
  if (!form.matches('form[action$="/logout"]') || form.dataset.cleared) return;
  event.preventDefault();
  try {
    await clearStored();
  } catch (_) {
    /* logging out matters more */
  }
  form.dataset.cleared = "true";
  form.submit();
}, true);

// The reader: opening a stored document counts as using its meeting (eviction takes the least used
// of equally old meetings); a replaced or withdrawn document updates the stored meeting at once.
const reader = document.getElementById("reader");
if (supported && reader && reader.dataset.meetingId) {
  const meetingId = Number(reader.dataset.meetingId);
  packFor(meetingId).then(async (pack) => {
    if (!pack) return;
    await markUsed(meetingId);
    const socket = await PH.whenLive();  // the reader loads the socket library after its first page
    if (!socket) return;
    const refresh = () => syncPack(meetingId, pack.user_id).catch(() => {});
    socket.on("document:replaced", refresh);
    socket.on("document:withdrawn", refresh);
  });
}

// Outside the meeting page (which has its own line), a badge under the top bar counts what waits in
// the outbox: on a phone the reader's status line may be off screen, and a delegate should know.
// (outbox.js comes with app.js's chunk: imported when asked, it cost every page two more requests.)
if (signedIn && !document.querySelector("[data-offline-panel]")) {
  const box = openOutbox(Number(signedIn.content));
  const badge = document.createElement("p");
  badge.className = "outbox-badge";
  badge.dataset.outboxBadge = "";
  badge.setAttribute("role", "status");
  badge.hidden = true;
  document.body.append(badge);
  const place = () => {
    const bar = document.querySelector(".topbar");
    badge.style.top = `${Math.round(bar ? bar.getBoundingClientRect().bottom : 0) + 6}px`;
  };
  const show = () => {
    badge.hidden = box.count() === 0;
    badge.textContent = PH.t("outbox_badge", { n: box.count() });
    place();
  };
  box.watch(show);
  box.ready.then(show);
  window.addEventListener("resize", place);
  document.addEventListener("fontscale", () => requestAnimationFrame(place));
}

export { removePack };
