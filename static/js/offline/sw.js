// The service worker's logic (a classic script: /sw.js imports it after Workbox; docs/offline.md).
// What it serves when the network is gone, and from where:
// - our static files: Workbox's precache, filled at install (URLs carry the build id, so they never go
//   stale); a page stored under an older build id gets today's file of the same name;
// - a document's pages, glyph sheets and thumbnails: immutable per document id, so from a stored meeting
//   pack first and the network only when no pack has them;
// - pages (HTML) and JSON that change (a meeting, a document's details, paragraphs, annotations): the
//   network first; without an answer, the latest copy kept on the device (a pack, or the last visit).
/* global workbox */
"use strict";

const { precacheAndRoute, cleanupOutdatedCaches, matchPrecache } = workbox.precaching;
const { registerRoute } = workbox.routing;
const { NetworkFirst } = workbox.strategies;

const CONFIG = self.PH_OFFLINE;
const PACK_PREFIX = "ph-pack-";
const RECENT = "ph-recent";
const RECENT_MAX_ENTRIES = 400;
const NETWORK_TIMEOUT_S = 8;  // a weak hall signal: after this long, the stored copy is better than nothing
const LOGIN_CHECK_TIMEOUT_MS = 2500;  // asking whether the login stands must not hold a stored page long

self.skipWaiting();
workbox.core.clientsClaim();
cleanupOutdatedCaches();
precacheAndRoute(CONFIG.precache.map((url) => ({ url, revision: null })));

/** A response from any stored pack (or the recent copies), whatever the Vary header says. */
async function stored(request, options = {}) {
  return caches.match(request, { ignoreVary: true, ...options });
}

/** Only a real, complete answer is kept: never a login page a redirect led to, never an error. */
const keepOnlyGood = {
  cacheWillUpdate: async ({ response }) => (response && response.ok && !response.redirected && response.type === "basic" ? response : null),
};

// Bounded, so the copies of pages visited once do not grow forever; packs are kept separately.
const trimRecent = {
  cacheDidUpdate: async () => {
    const cache = await caches.open(RECENT);
    const keys = await cache.keys();
    for (const old of keys.slice(0, Math.max(0, keys.length - RECENT_MAX_ENTRIES))) await cache.delete(old);
  },
};

/* ---------- answers made from the full paragraph list or the full annotation list ---------- */

function json(data) {
  return new Response(JSON.stringify(data), { headers: { "Content-Type": "application/json" } });
}

async function storedJson(path) {
  const response = await stored(new Request(path));
  return response ? response.json() : null;
}

/** `?page=N` and `?ids=` are slices of the full list the pack holds (documents/views.py api_paragraphs). */
async function paragraphsFromFullList(url) {
  const all = await storedJson(url.pathname);
  if (!all) return null;
  const page = url.searchParams.get("page");
  if (page !== null) {
    const n = Number(page);
    const onPage = all.filter((p) => p.page === n || (p.parts || []).some((part) => part.page === n));
    return json(onPage.map(({ text, ...layout }) => layout));
  }
  const ids = new Set((url.searchParams.get("ids") || "").split(",").map(Number));
  return json(all.filter((p) => ids.has(p.id)));
}

/** `?since=N` offline: what the stored full list holds after N (deletions learnt when back online). */
async function annotationsSince(url) {
  const since = Number(url.searchParams.get("since") || 0);
  const full = await storedJson(`${url.pathname}?since=0`);
  if (!full) return null;
  return json({ seq: full.seq, annotations: full.annotations.filter((a) => a.seq > since) });
}

function offlinePage() {
  const html = `<!doctype html><html lang="vi"><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Không có mạng</title><body style="font:18px/1.5 system-ui,sans-serif;margin:2rem;max-width:36rem">
<h1 style="font-size:1.4rem">Không có mạng</h1>
<p>Trang này chưa được lưu trên máy. Hãy mở lại khi có mạng, hoặc lưu kỳ họp để đọc khi mất mạng.</p>
<p lang="en" style="color:#555">No network. This page is not stored on this device: open it again when online, or save the meeting for offline reading.</p>
<p><a href="/">Danh sách kỳ họp · Meetings</a></p></body></html>`;
  return new Response(html, { status: 503, headers: { "Content-Type": "text/html; charset=utf-8" } });
}

/* ---------- a login ended elsewhere (logout on another device, password changed, account locked) ---------- */

/** Everything stored that belongs to the person: packs, the copies kept from visits, and the device's
 * records (packs, outbox, drafts: static/js/offline/store.js); the pages are told, to drop theirs. */
async function forgetPrivate() {
  for (const name of await caches.keys()) if (name.startsWith(PACK_PREFIX) || name === RECENT) await caches.delete(name);
  await new Promise((resolve) => {
    const opening = indexedDB.open("ph-offline", 1);
    opening.onupgradeneeded = () => {
      for (const store of ["packs", "outbox", "drafts"]) opening.result.createObjectStore(store);
    };
    opening.onerror = () => resolve();
    opening.onsuccess = () => {
      const database = opening.result;
      const transaction = database.transaction(["packs", "outbox", "drafts"], "readwrite");
      for (const store of ["packs", "outbox", "drafts"]) transaction.objectStore(store).clear();
      transaction.oncomplete = transaction.onerror = transaction.onabort = () => { database.close(); resolve(); };
    };
  });
  for (const client of await self.clients.matchAll({ includeUncontrolled: true })) client.postMessage({ type: "ph:login-ended" });
}

/** The server's answer says nobody is signed in: the stored copies are not theirs to read any more. */
const endedLogin = (response) => response && (response.status === 401 || (response.redirected && new URL(response.url).pathname === "/login"));

/** Whether the login still stands: "ok", "ended", or "unknown" (no network: the stored copies serve). */
async function loginStands() {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), LOGIN_CHECK_TIMEOUT_MS);
  try {
    const response = await fetch("/api/me", { credentials: "same-origin", cache: "no-store", signal: controller.signal });
    if (response.status === 401) return "ended";
    return response.ok ? "ok" : "unknown";
  } catch (_) {
    return "unknown";
  } finally {
    clearTimeout(timer);
  }
}

const watchLogin = {
  fetchDidSucceed: async ({ response }) => {
    if (endedLogin(response)) await forgetPrivate();
    return response;
  },
  // A slow link's stored copy (the network timed out) is served only to a login that still stands.
  cachedResponseWillBeUsed: async ({ cachedResponse }) => {
    if (!cachedResponse || (await loginStands()) !== "ended") return cachedResponse;
    await forgetPrivate();
    return null;
  },
};

/** When the network gave nothing: a pack's copy, a slice of a stored full list, or the offline page;
 * but first, where the server can still be asked, whether the login stands. */
const fromPacks = {
  handlerDidError: async ({ request }) => {
    const url = new URL(request.url);
    if ((await loginStands()) === "ended") {
      await forgetPrivate();
      return request.mode === "navigate" ? Response.redirect("/login", 303) : Response.error();
    }
    const exact = await stored(request);
    if (exact) return exact;
    if (/\/paragraphs$/.test(url.pathname) && url.search) return (await paragraphsFromFullList(url)) || Response.error();
    if (/\/annotations$/.test(url.pathname)) return (await annotationsSince(url)) || Response.error();
    if (request.mode === "navigate") {
      // `/documents/5?view=text` is the same page as `/documents/5` (the reader picks the view).
      const page = await stored(new Request(url.pathname), { ignoreSearch: true });
      return page || offlinePage();
    }
    return Response.error();
  },
};

const changing = new NetworkFirst({
  cacheName: RECENT,
  networkTimeoutSeconds: NETWORK_TIMEOUT_S,
  plugins: [watchLogin, keepOnlyGood, trimRecent, fromPacks],
});

const PAGES = /^\/(meetings\/\d+|documents\/\d+)?$/;
const CHANGING_API = /^\/api\/(meetings\/\d+|documents\/\d+(\/(paragraphs|annotations|changes))?)$/;
// A document id names fixed content: its pages, glyphs, and the text reading mode reads.
const IMMUTABLE = /^\/api\/documents\/\d+\/(pages\/\d+\/(view|image|text)|glyphs\/\d+|text)$/;

registerRoute(({ url, request }) => url.origin === location.origin && request.mode === "navigate" && PAGES.test(url.pathname), changing);
registerRoute(({ url }) => url.origin === location.origin && CHANGING_API.test(url.pathname), changing);

/** Stored first: a document id names fixed content. A page image at another width is better than none. */
registerRoute(({ url }) => url.origin === location.origin && IMMUTABLE.test(url.pathname), async ({ request, url }) => {
  const cached = await stored(request);
  if (cached) return cached;
  try {
    return await fetch(request);
  } catch (error) {
    if (url.pathname.endsWith("/image")) {
      const any = await stored(new Request(url.pathname), { ignoreSearch: true });
      if (any) return any;
    }
    throw error;
  }
});

/** A page kept from an earlier build names its scripts under the old build id: give today's file. */
registerRoute(({ url }) => url.origin === location.origin && url.pathname.startsWith("/static/") && !url.pathname.startsWith(CONFIG.static_prefix), async ({ request, url }) => {
  try {
    return await fetch(request);
  } catch (error) {
    const rest = url.pathname.split("/").slice(3).join("/");
    const today = await matchPrecache(CONFIG.static_prefix + rest);
    if (today) return today;
    throw error;
  }
});

// The pages ask which packs' caches exist and to clear everything at logout.
self.addEventListener("message", (event) => {
  if (event.data && event.data.type === "ph:clear") {
    event.waitUntil((async () => {
      for (const name of await caches.keys()) if (name.startsWith(PACK_PREFIX) || name === RECENT) await caches.delete(name);
      if (event.ports[0]) event.ports[0].postMessage({ ok: true });
    })());
  }
});
