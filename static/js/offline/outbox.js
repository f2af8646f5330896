// The durable outbox: operations (highlights, ink, notes, comments, their edits) waiting for the
// server's ack, one list per user in IndexedDB, so they survive a reload, a closed tab and a phone
// that restarts the browser. Each has its op_id from the moment it is made; the server answers a
// resent op_id with its first ack, so sending twice (two tabs, a lost ack) never doubles anything.
// docs/realtime.md ("no edit is lost") and docs/offline.md.
import * as store from "./store.js";

const ACK_TIMEOUT_MS = 15000;
// Answers that say "not now", not "never": the operation stays queued and is sent again after a
// back-off (a busy or failed-over server, a time-out). Any other refusal cannot change by
// resending, so the operation is dropped and the delegate told (`onRefused`).
export const TRANSIENT = new Set(["server_busy", "internal_error", "timeout", "request_timeout", "rate_limited"]);
const FIRST_RETRY_MS = 1000;
const LAST_RETRY_MS = 30000;
const boxes = new Map();

/** The wait before the next try after `failures` transient answers in a row: doubling, with
 * jitter so a hall of tablets does not come back in the same second. */
export function backoffMs(failures) {
  const ceiling = Math.min(LAST_RETRY_MS, FIRST_RETRY_MS * 2 ** Math.max(0, failures - 1));
  return Math.round(ceiling / 2 + Math.random() * (ceiling / 2));
}

/** The same outbox object for every caller on this page (the reader's live channel, the badges). */
export function openOutbox(userId) {
  if (!boxes.has(userId)) boxes.set(userId, createOutbox(userId));
  return boxes.get(userId);
}

function createOutbox(userId) {
  const key = `u${userId}`;
  const legacyKey = `ph.outbox.${userId}`;  // where earlier versions kept it; moved over once
  let items = readLegacy();
  let writing = Promise.resolve();
  let failures = 0;  // transient answers or time-outs in a row
  const watchers = new Set();

  function readLegacy() {
    try {
      const saved = JSON.parse(localStorage.getItem(legacyKey) || "[]");
      return Array.isArray(saved) ? saved : [];
    } catch (_) {
      return [];
    }
  }

  const idOf = (operation) => operation.payload.op_id;

  function merged(first, second) {
    const seen = new Set(first.map(idOf));
    return [...first, ...second.filter((operation) => !seen.has(idOf(operation)))];
  }

  function notify() {
    for (const watcher of watchers) watcher(items.length);
  }

  function persist() {
    const snapshot = items;
    writing = writing
      .then(() => store.put("outbox", key, snapshot))
      .then(() => {
        localStorage.removeItem(legacyKey);
        store.announce({ type: "outbox", user: userId });
      })
      .catch(() => {
        // No IndexedDB (blocked, private mode): localStorage still keeps it through a reload.
        try { localStorage.setItem(legacyKey, JSON.stringify(snapshot)); } catch (_) { /* the page still holds it */ }
      });
    notify();
    return writing;
  }

  const ready = store.get("outbox", key)
    .then((saved) => {
      items = merged(Array.isArray(saved) ? saved : [], items);
      return persist();
    })
    .catch(() => {})
    .then(() => items);

  // Another tab of this device sent or queued something: read the list again.
  store.listen(async (message) => {
    if (message.type !== "outbox" || message.user !== userId) return;
    const saved = await store.get("outbox", key).catch(() => null);
    // Merged, never replaced: an operation this page queued a moment ago may not be written yet.
    // One the other tab already sent may come back; resending it only gets its first ack again.
    if (Array.isArray(saved)) {
      items = merged(saved, items);
      notify();
    }
  });

  function push(operation) {
    items = [...items, operation];
    return persist();
  }

  function remove(operation) {
    items = items.filter((item) => idOf(item) !== idOf(operation));
    return persist();
  }

  function emitAck(socket, event, payload) {
    return new Promise((resolve, reject) => {
      socket.timeout(ACK_TIMEOUT_MS).emit(event, payload, (error, ack) => (error ? reject(error) : resolve(ack)));
    });
  }

  /** Send in order, one at a time, while the socket is up; false when an ack did not come in time
   * or the server said "not now": then `retryInMs()` says when to try again. */
  async function drain(socket, { onAcked = () => {}, onRefused = () => {} } = {}) {
    await ready;
    while (items.length && socket && socket.connected) {
      const operation = items[0];
      let ack;
      try {
        ack = await emitAck(socket, operation.event, operation.payload);
      } catch (_) {
        failures += 1;
        return false;
      }
      if (ack && !ack.ok && TRANSIENT.has(ack.error)) {
        failures += 1;  // kept, same op_id: the server acks a resend once
        return false;
      }
      failures = 0;
      await remove(operation);
      if (!ack || !ack.ok) onRefused(operation, ack || {});
      else onAcked(operation, ack);
    }
    return true;
  }

  return {
    ready,
    items: () => items,
    count: () => items.length,
    push,
    remove,
    drain,
    retryInMs: () => backoffMs(failures),
    watch: (watcher) => watchers.add(watcher),
  };
}
