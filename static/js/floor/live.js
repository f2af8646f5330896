// The floor as one client sees it: a snapshot from GET /api/meetings/<id>/floor, kept current by the
// `floor:changed` deltas of the meeting's room. Each delta carries the floor's `seq`; a gap (a dropped
// link, a missed delta) or a reconnect fetches the snapshot again, so a screen heals by itself.
//
// Countdowns run on this device's clock from `remaining_ms` as the server saw it when it sent the
// delta: a projector PC whose clock is wrong still shows the right time.
import * as PH from "../app.js";

const RETRY_MS = 3000;

export function connectFloor({ meetingId, onChange, onStatus = () => {} }) {
  const socket = PH.live();
  let floor = null;
  let deadline = null;  // Date.now() at which the current turn runs out
  let fetching = null;

  function setSpeaker(speaker) {
    floor.speaker = speaker;
    deadline = speaker && speaker.remaining_ms != null ? Date.now() + speaker.remaining_ms : null;
  }

  async function refresh() {
    if (fetching) return fetching;
    fetching = PH.api("GET", `/api/meetings/${meetingId}/floor`)
      .then((data) => {
        floor = data;
        setSpeaker(data.speaker);
        onChange(floor, { op: "snapshot" });
      })
      .catch(() => setTimeout(refresh, RETRY_MS))
      .finally(() => { fetching = null; });
    return fetching;
  }

  function apply(delta) {
    if (!floor || delta.meeting_id !== meetingId) return;
    if (delta.seq <= floor.seq) return;  // already in the snapshot
    if (delta.seq !== floor.seq + 1) { refresh(); return; }
    floor.seq = delta.seq;
    const queue = floor.queue;
    const here = floor.agenda_item && delta.agenda_item_id === floor.agenda_item.id;
    switch (delta.op) {
      case "speaker": {
        const ids = new Set([delta.done_id, delta.speaker && delta.speaker.id]);
        floor.queue = queue.filter((s) => !ids.has(s.id));
        setSpeaker(delta.speaker);
        break;
      }
      case "added":
        if (here) {
          queue.push(delta.speaker);
          queue.sort((a, b) => a.position - b.position || a.id - b.id);
        }
        break;
      case "removed":
        floor.queue = queue.filter((s) => s.id !== delta.speaker_id);
        break;
      case "order":
        if (!here) break;
        if (!delta.order) { refresh(); return; }
        {
          const byId = new Map(queue.map((s) => [s.id, s]));
          floor.queue = delta.order.map((id) => byId.get(id)).filter(Boolean);
        }
        break;
      case "item":
        refresh();  // a new item brings its own queue
        return;
      case "projected":
        floor.projected = delta.projected;
        break;
      default:
        refresh();
        return;
    }
    onChange(floor, delta);
  }

  function join() {
    socket.emit("meeting:join", { meeting_id: meetingId }, () => refresh());
  }

  if (socket) {
    socket.on("floor:changed", apply);
    socket.on("connect", () => { onStatus(true); join(); });
    socket.on("disconnect", () => onStatus(false));
    if (socket.connected) join();
  }
  refresh();

  return {
    socket,
    refresh,
    get floor() { return floor; },
    /** Milliseconds left in the current turn (negative: over time), or null. */
    remaining: () => (deadline == null ? null : deadline - Date.now()),
  };
}

/** The agenda item as the hall reads it: its number on today's agenda, then its title. */
/** A floor action from the console or a delegate's page: the refusal is shown, never thrown. */
export async function act(method, url, body) {
  try {
    return await PH.api(method, url, body);
  } catch (error) {
    PH.toast(error.message, "error");
    return null;
  }
}

export function itemLabel(floor) {
  const item = floor.agenda_item;
  if (!item) return "";
  const number = floor.agenda.findIndex((i) => i.id === item.id) + 1;
  return number ? `${number}. ${item.title}` : item.title;
}

/** A due date as councils write it: 30/06/2027. */
export function dueDate(iso) {
  const [year, month, day] = String(iso).split("-");
  return day ? `${day}/${month}/${year}` : iso;
}

/** "m:ss", with a minus sign once time is up. */
export function clock(ms) {
  const over = ms < 0;
  const total = Math.ceil(Math.abs(ms) / 1000);
  const text = `${Math.floor(total / 60)}:${String(total % 60).padStart(2, "0")}`;
  return over ? `−${text}` : text;
}

/** Who has the floor now: in a question's answer turn, the addressee. */
export function holder(speaker) {
  if (!speaker) return null;
  return speaker.phase === "answer" && speaker.addressee ? speaker.addressee.name : speaker.name;
}

/** Start the sittings' own panes where the page includes them; a branch without them still works. */
export async function mountSittings(path, exportName, root, options) {
  // The partial (sittings/*_panes.html) fills the slot; an empty slot means a build without it.
  if (!root || !root.children.length) return;
  try {
    const module = await import(path);
    if (typeof module[exportName] === "function") module[exportName](root, options);
  } catch (_) {
    /* The sittings package is not part of this build: the floor works alone. */
  }
}
