// Whose copies this device holds. What one person stored (meeting packs, and the copies of every
// page they visited, their private notes included) must never be served to the next person who
// signs in on the same phone, even when the first one never logged out (a session that expired,
// a tab closed). The service worker cannot know who is signed in (the cookie is HttpOnly), so the
// pages forget everything the moment the person changes: on the login form, before the request
// leaves (the first page after it may come from the stored copies on a weak link), and on every
// signed-in page, by user id.
import * as store from "./store.js";

const OWNER_NAME = "ph-device-owner";  // the username typed at the last login on this device
const OWNER_ID = "ph-device-owner-id";

/** Every stored copy (meeting packs and the pages kept from visits) and what the person was
 * writing: unsent operations (the outbox) and drafts. Nothing of theirs stays for the next person. */
export async function forgetStored() {
  if ("caches" in window) {
    for (const name of await caches.keys()) {
      if (name.startsWith("ph-pack-") || name === "ph-recent") await caches.delete(name);
    }
  }
  for (const name of ["packs", "outbox", "drafts"]) await store.clear(name).catch(() => {});
  // Where a browser without IndexedDB keeps the outbox (static/js/offline/outbox.js).
  Object.keys(localStorage).filter((name) => name.startsWith("ph.outbox.")).forEach((name) => localStorage.removeItem(name));
}

/** On the login form: a different username than the last one forgets the copies first. */
export function guardLogin(form) {
  form.addEventListener("submit", async (event) => {
    if (form.dataset.ownerChecked) return;
    const username = (form.elements.username.value || "").trim().toLowerCase();
    const previous = localStorage.getItem(OWNER_NAME);
    localStorage.setItem(OWNER_NAME, username);
    if (previous === null || previous === username) return;
    event.preventDefault();
    try {
      await forgetStored();
    } catch (_) {
      /* signing in matters more; the signed-in page checks again by id */
    }
    form.dataset.ownerChecked = "true";
    form.submit();
  });
}

/** On a signed-in page: copies stored for another user id are forgotten. */
export async function claimDevice(userId) {
  const previous = localStorage.getItem(OWNER_ID);
  localStorage.setItem(OWNER_ID, String(userId));
  if (previous !== null && previous !== String(userId)) await forgetStored();
}
