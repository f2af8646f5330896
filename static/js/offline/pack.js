// A meeting pack: every published document of one meeting stored on this device (a Cache named
// `ph-pack-<meeting id>`), so the meeting page, the page view and reading mode open with no network;
// the service worker (static/js/offline/sw.js) serves from it. The record of what each pack holds
// and how big it is lives in IndexedDB ("packs"). docs/offline.md.
import { textChunks } from "../reader/chunks.js";
import { pagesOf } from "../reader/skeleton.js";
import * as store from "./store.js";

const PREFIX = "ph-pack-";
const RECENT = "ph-recent";
const PARALLEL = 4;
const MAX_FIT_WIDTH = 1200;  // as static/js/reader/zoom.js: the widest a page is fitted
// Used to make room before a download: what a page costs on average with its thumbnail (measured on
// the demo pack: docs/offline.md). Only an estimate; the real size is what was stored.
const ESTIMATED_PAGE_BYTES = 60_000;

export const cacheName = (meetingId) => `${PREFIX}${meetingId}`;

export class PackError extends Error {
  constructor(code, detail) {
    super(code);
    this.code = code;
    this.detail = detail;
  }
}

export async function packsOf(userId) {
  const packs = await store.all("packs").catch(() => []);
  return packs.filter((pack) => pack.user_id === userId);
}

export const packFor = (meetingId) => store.get("packs", meetingId).catch(() => null);

export async function markUsed(meetingId) {
  const pack = await packFor(meetingId);
  if (pack) await store.put("packs", meetingId, { ...pack, used_at: new Date().toISOString() });
}

async function fetchOk(url) {
  let response;
  try {
    response = await fetch(url, { credentials: "same-origin", headers: url.startsWith("/api/") ? { Accept: "application/json" } : {} });
  } catch (_) {
    throw new PackError("network", url);
  }
  if (!response.ok || response.redirected) throw new PackError(response.status === 404 ? "gone" : "server", url);
  return response;
}

/** The reader page carries the document's pages and the server's reader constants (no second copy). */
function readerData(html) {
  const node = new DOMParser().parseFromString(html, "text/html").getElementById("reader-data");
  if (!node) throw new PackError("server", "reader-data");
  return JSON.parse(node.textContent);
}

function deviceWidth(buckets) {
  const pixels = Math.min(window.innerWidth, MAX_FIT_WIDTH) * (window.devicePixelRatio || 1);
  return buckets.find((bucket) => bucket >= pixels) || buckets[buckets.length - 1];
}

/** Every URL of one document, in the order a reader would want them. Page files are immutable. */
function documentPlan(data) {
  const base = `/api/documents/${data.id}`;
  const changing = [
    `/documents/${data.id}`,
    `/documents/${data.id}?view=text`,
    base,
    `${base}/paragraphs`,
    `${base}/annotations?since=0`,
    `${base}/changes`,
  ];
  const fixed = [];
  const blocks = Math.ceil(data.page_count / data.glyph_block_pages);
  for (let block = 0; block < blocks; block += 1) fixed.push(`${base}/glyphs/${block}`);
  const width = deviceWidth(data.width_buckets);
  for (const page of pagesOf(data)) {
    fixed.push(page.scanned ? `${base}/pages/${page.number}/image?width=${width}` : `${base}/pages/${page.number}/view`);
    fixed.push(`${base}/pages/${page.number}/image?width=${data.thumbnail_width}`);
    fixed.push(`${base}/pages/${page.number}/text`);  // reading mode's selections become highlights
  }
  for (const [first, last] of textChunks(data.page_count)) fixed.push(`${base}/text?from=${first}&to=${last}`);
  return { changing, fixed, rasterUrl: (n) => `${base}/pages/${n}/image?width=${width}` };
}

function documentsOf(meeting) {
  return meeting.agenda.flatMap((item) => item.documents).filter((doc) => doc.status !== "withdrawn");
}

/** Old meetings go first: what the delegate needs today is the newest meeting. */
function evictionOrder(packs) {
  return [...packs].sort((a, b) => (a.starts_at || "").localeCompare(b.starts_at || "") || (a.used_at || "").localeCompare(b.used_at || ""));
}

export async function removePack(meetingId) {
  const pack = await packFor(meetingId);
  await caches.delete(cacheName(meetingId));
  if (pack) {
    // The copies of the same pages kept from visits go too: "removed" means the space comes back.
    const recent = await caches.open(RECENT);
    const ids = Object.keys(pack.documents || {});
    for (const request of await recent.keys()) {
      const path = new URL(request.url).pathname;
      if (path === `/meetings/${meetingId}` || path === `/api/meetings/${meetingId}`
        || ids.some((id) => path === `/documents/${id}` || path.startsWith(`/api/documents/${id}/`) || path === `/api/documents/${id}`)) {
        await recent.delete(request);
      }
    }
  }
  await store.remove("packs", meetingId);
  store.announce({ type: "packs" });
}

async function makeRoom(meetingId, userId, bytesNeeded) {
  if (!navigator.storage || !navigator.storage.estimate) return;
  const others = evictionOrder((await packsOf(userId)).filter((pack) => pack.meeting_id !== meetingId));
  let { usage = 0, quota = Infinity } = await navigator.storage.estimate();
  while (usage + bytesNeeded > quota * 0.9 && others.length) {
    const old = others.shift();
    await removePack(old.meeting_id);
    usage -= old.bytes || 0;
  }
}

/**
 * Download or bring up to date the pack of one meeting. Files already stored and immutable are kept;
 * pages and JSON that change are fetched again; documents no longer in the meeting (withdrawn,
 * replaced by a new version) are dropped. `onProgress({done, total, bytes, documents, documentsDone})` as
 * it goes: files for the bar, documents for what a delegate reads ("3/5 tài liệu").
 */
export async function syncPack(meetingId, userId, onProgress = () => {}) {
  if (!("caches" in window)) throw new PackError("unsupported");
  if ("serviceWorker" in navigator) await navigator.serviceWorker.ready;  // its install stored the static files
  const cache = await caches.open(cacheName(meetingId));
  const previous = (await packFor(meetingId)) || { documents: {} };
  const meetingResponse = await fetchOk(`/api/meetings/${meetingId}`);
  const meeting = await meetingResponse.clone().json();
  const documents = documentsOf(meeting);
  const estimated = documents.reduce((sum, doc) => sum + doc.page_count * ESTIMATED_PAGE_BYTES, 0)
    - Object.values(previous.documents).reduce((sum, doc) => sum + (doc.bytes || 0), 0);
  await makeRoom(meetingId, userId, Math.max(0, estimated));
  if (navigator.storage && navigator.storage.persist) navigator.storage.persist().catch(() => {});

  let done = 0, total = 0, bytes = 0, documentsDone = 0;
  const report = () => onProgress({ done, total, bytes, documents: documents.length, documentsDone });

  /** Store a response under its URL; when the device is full, the oldest other meeting makes room. */
  async function keep(url, response) {
    const body = await response.blob();
    const headers = new Headers(response.headers);
    headers.delete("Content-Encoding");  // the body read here is already decoded
    headers.delete("Content-Length");
    const copy = () => new Response(body, { status: response.status, statusText: response.statusText, headers });
    try {
      await cache.put(url, copy());
    } catch (error) {
      if (error.name !== "QuotaExceededError") throw error;
      const older = evictionOrder((await packsOf(userId)).filter((pack) => pack.meeting_id !== meetingId));
      if (!older.length) throw new PackError("quota");
      await removePack(older[0].meeting_id);
      await cache.put(url, copy());
    }
    return body.size;
  }

  /** Fetch and store one URL; an immutable one already stored is only counted. */
  async function store1(url, immutable) {
    let size;
    const have = immutable ? await cache.match(url) : null;
    if (have) size = (await have.blob()).size;
    else size = await keep(url, await fetchOk(url));
    done += 1;
    bytes += size;
    report();
    return size;
  }

  async function pool(urls, immutable, after = async () => {}) {
    let next = 0, sum = 0;
    async function worker() {
      while (next < urls.length) {
        const url = urls[next++];
        const size = await store1(url, immutable);  // not `sum += await`: workers run in between
        sum += size;
        await after(url);
      }
    }
    await Promise.all(Array.from({ length: Math.min(PARALLEL, urls.length) }, worker));
    return sum;
  }

  const shared = ["/", `/meetings/${meetingId}`];
  total = shared.length + 1;
  report();
  let sharedBytes = await keep(`/api/meetings/${meetingId}`, meetingResponse);
  done += 1;
  sharedBytes += await pool(shared, false);

  const record = {
    meeting_id: meetingId,
    user_id: userId,
    title: meeting.title,
    starts_at: meeting.starts_at,
    documents: {},
    bytes: 0,
    state: "partial",
    saved_at: previous.saved_at || null,
    used_at: previous.used_at || new Date().toISOString(),
  };
  for (const doc of documents) {
    let readerResponse;
    try {
      readerResponse = await fetchOk(`/documents/${doc.id}`);
    } catch (error) {
      if (error.code === "gone") {  // withdrawn or replaced since the meeting was read: not stored
        documentsDone += 1;
        continue;
      }
      throw error;
    }
    const data = readerData(await readerResponse.clone().text());
    const plan = documentPlan(data);
    total += plan.changing.length + plan.fixed.length;
    report();
    let docBytes = await keep(`/documents/${doc.id}`, readerResponse);
    done += 1;
    docBytes += await pool(plan.changing.slice(1), false);
    const rasters = [];
    docBytes += await pool(plan.fixed, true, async (url) => {
      const match = url.match(/\/pages\/(\d+)\/view$/);
      if (!match) return;
      const view = await (await cache.match(url)).json();
      if (view.raster) rasters.push(plan.rasterUrl(Number(match[1])));
    });
    total += rasters.length;
    docBytes += await pool(rasters, true);
    record.documents[doc.id] = {
      title: doc.title,
      version: doc.version,
      pages: doc.page_count,
      bytes: docBytes,
      files: [...plan.changing, ...plan.fixed, ...rasters],
    };
    record.bytes += docBytes;
    documentsDone += 1;
    report();
    // A first download is listed (and removable) as it goes; a stored one stays as it was until done.
    if (!previous.meeting_id) await store.put("packs", meetingId, record);
  }

  // Withdrawn or replaced documents: their files leave the pack.
  for (const [id, old] of Object.entries(previous.documents)) {
    if (record.documents[id]) continue;
    for (const url of old.files || []) await cache.delete(url);
  }
  record.bytes += sharedBytes;
  record.state = "ready";
  record.saved_at = new Date().toISOString();
  await store.put("packs", meetingId, record);
  store.announce({ type: "packs" });
  return record;
}

/** Whether the pack still matches the meeting as the server lists it now (ids and versions). */
export function isCurrent(pack, meeting) {
  if (!pack || pack.state !== "ready") return false;
  const ids = documentsOf(meeting).map((doc) => String(doc.id)).sort();
  return JSON.stringify(ids) === JSON.stringify(Object.keys(pack.documents).sort());
}

export { documentsOf };
