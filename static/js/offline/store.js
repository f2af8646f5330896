// The device's own records (IndexedDB "ph-offline"): which meeting packs are stored, the outbox of
// operations not yet acked, and drafts of comments and notes. Caches hold the responses themselves.

const DB_NAME = "ph-offline";
const STORES = ["packs", "outbox", "drafts"];
let opening = null;

function db() {
  if (!opening) {
    opening = new Promise((resolve, reject) => {
      const request = indexedDB.open(DB_NAME, 1);
      request.onupgradeneeded = () => {
        for (const name of STORES) if (!request.result.objectStoreNames.contains(name)) request.result.createObjectStore(name);
      };
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
      request.onblocked = () => reject(new Error("IndexedDB blocked"));
    });
    opening.catch(() => { opening = null; });
  }
  return opening;
}

async function run(store, mode, work) {
  const database = await db();
  return new Promise((resolve, reject) => {
    const transaction = database.transaction(store, mode);
    const request = work(transaction.objectStore(store));
    transaction.oncomplete = () => resolve(request ? request.result : undefined);
    transaction.onerror = () => reject(transaction.error);
    transaction.onabort = () => reject(transaction.error);
  });
}

export const get = (store, key) => run(store, "readonly", (s) => s.get(key));
export const put = (store, key, value) => run(store, "readwrite", (s) => s.put(value, key));
export const remove = (store, key) => run(store, "readwrite", (s) => s.delete(key));
export const all = (store) => run(store, "readonly", (s) => s.getAll());
export const keys = (store) => run(store, "readonly", (s) => s.getAllKeys());
export const clear = (store) => run(store, "readwrite", (s) => s.clear());

/** Other tabs and pages of this device hear about outbox and pack changes (not this page itself). */
const channel = "BroadcastChannel" in window ? new BroadcastChannel("ph-offline") : null;
export function announce(message) {
  if (channel) channel.postMessage(message);
}
export function listen(listener) {
  if (channel) channel.addEventListener("message", (event) => listener(event.data));
}
