// The client half of "no edit is lost". Every change is an operation with a random op_id, kept in a
// durable outbox (IndexedDB, static/js/offline/outbox.js) until the server acks it, which it does only
// after commit. On every
// (re)connect the client joins the document, asks `?since=<seq>` for what it missed and resends the
// outbox in order; the server answers a resent op_id with the first ack, so nothing doubles.
//
// What the UI shows is `view()`: the server's annotations with the outbox laid over them, so a change
// appears at once, stays through a reload while offline, and disappears by itself if refused.

import { openOutbox } from "../offline/outbox.js";
import * as PH from "../app.js";

const ACK_TIMEOUT_MS = 15000;

export function uuid() {
  if (window.crypto && crypto.randomUUID) return crypto.randomUUID().replace(/-/g, "");
  // crypto.randomUUID needs a secure context; a council LAN served over plain http is not one.
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  bytes[6] = (bytes[6] & 15) | 64;
  bytes[8] = (bytes[8] & 63) | 128;
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

export function createLive({ documentId, me, page = 1, onChange, onStatus, onPresence, onRefused, onReplaced = () => {} }) {
  let socket = null;  // once the socket library is on the page (the reader loads it after page 1)
  const confirmed = new Map();  // id -> the server's latest version, or {id, seq, deleted: true}
  const box = openOutbox(me.id);
  let synced = 0;
  let flushing = null;
  let resyncing = Promise.resolve();
  let retryTimer = 0;
  let changeFrame = 0;

  function redraw() {
    if (changeFrame) return;
    changeFrame = requestAnimationFrame(() => {
      changeFrame = 0;
      onChange();
    });
  }

  function changed() {
    redraw();
    status();
  }

  function status() {
    onStatus({ connected: Boolean(socket && socket.connected), pending: box.count() });
  }

  /** Newer seq wins; at the same seq a version with the text beats its redacted twin. */
  function applyConfirmed(annotation) {
    if (annotation.document_id !== documentId) return;
    const current = confirmed.get(annotation.id);
    if (current && current.seq > annotation.seq) return;
    if (current && current.seq === annotation.seq && annotation.redacted && !current.redacted) return;
    confirmed.set(annotation.id, annotation);
    changed();
  }

  function local(payload) {
    const now = new Date().toISOString();
    const target = payload.target || {};
    return {
      id: `op:${payload.op_id}`,
      document_id: payload.document_id,
      author: { id: me.id, name: me.name },
      kind: payload.kind,
      target,
      body: payload.body || "",
      visibility: payload.visibility,
      reply_to: payload.reply_to || null,
      paragraph_id: payload.kind === "comment" ? target.paragraph_id ?? null : null,
      page: target.page ?? null,
      seq: Infinity,
      created_at: now,
      updated_at: now,
      hidden: false,
      redacted: false,
      pending: true,
    };
  }

  /** The annotations to draw: confirmed ones with every unacked operation applied on top. */
  function view() {
    const result = new Map();
    for (const [id, annotation] of confirmed) if (!annotation.deleted) result.set(id, annotation);
    for (const { event, payload } of box.items()) {
      if (payload.document_id !== documentId) continue;
      const current = result.get(payload.id);
      if (event === "annotation:create") result.set(`op:${payload.op_id}`, local(payload));
      else if (event === "annotation:delete") result.delete(payload.id);
      else if (current && event === "annotation:update") {
        const changes = {};
        for (const key of ["body", "target", "visibility"]) if (payload[key] !== undefined) changes[key] = payload[key];
        result.set(payload.id, { ...current, ...changes, pending: true });
      } else if (current && event === "annotation:hide") {
        result.set(payload.id, { ...current, hidden: payload.hidden, pending: true });
      }
    }
    return result;
  }

  function emitAck(event, payload) {
    return new Promise((resolve, reject) => {
      socket.timeout(ACK_TIMEOUT_MS).emit(event, payload, (error, ack) => (error ? reject(error) : resolve(ack)));
    });
  }

  /** Queue one operation; it is shown at once and sent as soon as the line allows. */
  function submit(event, payload) {
    const operation = { event, payload: { ...payload, document_id: documentId, op_id: uuid() } };
    box.push(operation);
    changed();
    flush();
    return operation.payload.op_id;
  }

  function flush() {
    if (flushing || !socket || !socket.connected) return flushing;
    flushing = (async () => {
      let missing = false;
      const done = await box.drain(socket, {
        onRefused: (operation, ack) => {
          onRefused(operation, ack);
          changed();
        },
        onAcked: (_operation, ack) => {
          if (!confirmed.has(ack.id) || confirmed.get(ack.id).seq < ack.seq) missing = true;
          changed();
        },
      });
      if (!done) {
        clearTimeout(retryTimer);
        // No answer in time, or "busy": the same op_id again after a growing, jittered wait.
        retryTimer = setTimeout(flush, box.retryInMs());
      }
      if (missing) await catchUp().catch(() => {});
    })().finally(() => {
      flushing = null;
      status();
    });
    return flushing;
  }

  async function catchUp() {
    const changes = await PH.api("GET", `/api/documents/${documentId}/annotations?since=${synced}`);
    changes.annotations.forEach(applyConfirmed);
    synced = Math.max(synced, changes.seq);
    changed();
  }

  async function resync() {
    const joined = await emitAck("document:join", { document_id: documentId });
    if (!joined.ok) {
      onRefused({ event: "document:join" }, joined);
      return;
    }
    await catchUp();
    presence(lastPage);
    await flush();
  }

  let lastPage = page;
  function presence(number) {
    lastPage = number;
    if (socket && socket.connected) socket.emit("presence:update", { document_id: documentId, page: number });
  }

  function attach(connection) {
    socket = connection;
    if (!socket) return;
    socket.on("connect", () => {
      resyncing = resyncing.then(resync).catch(() => {});
      status();
    });
    socket.on("disconnect", status);
    socket.on("annotation:created", applyConfirmed);
    socket.on("annotation:updated", applyConfirmed);
    socket.on("annotation:deleted", applyConfirmed);
    socket.on("presence", (message) => {
      if (message.document_id === documentId) onPresence(message.users);
    });
    socket.on("document:replaced", (message) => {
      if (message.document_id === documentId) onReplaced(message);
    });
    if (socket.connected) resyncing = resync().catch(() => {});
  }
  PH.whenLive().then(attach);
  window.addEventListener("online", () => flush());
  // What waited in the outbox from before the reload; the line says so only when something waits.
  const outboxChanged = () => (box.count() || (socket && socket.connected) ? changed() : redraw());
  box.ready.then(() => {
    outboxChanged();
    flush();
  });
  box.watch(outboxChanged);  // another tab of this device queued or sent something

  return { view, submit, presence, pendingCount: () => box.count() };
}
