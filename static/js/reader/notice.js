// When the secretary replaces or withdraws this document while it is open: say so, and link the
// version that took its place.
import * as PH from "../app.js";

export function watchStatus(ctx) {
  const { state, root, base } = ctx;
  const { data } = state;
  const { api, whenLive } = PH;
  const notice = document.getElementById("reader-notice");

  /** The active version that took this one's place, following a chain of replacements; null if none. */
  async function successorOf(item) {
    for (const candidate of item ? item.documents.filter((doc) => doc.version > data.version) : []) {
      let id = candidate.id;
      for (let step = 0; id && step < 5; step += 1) {
        const detail = await api("GET", `/api/documents/${id}`);
        if (detail.replaces_id === data.id) return candidate;
        id = detail.replaces_id;
      }
    }
    return null;
  }

  async function checkStillCurrent() {
    let meeting, mine;
    try {
      meeting = await api("GET", `/api/meetings/${root.dataset.meetingId}`);
    } catch (_) {
      return;  // gone or unreachable: meeting:removed or the next update will tell
    }
    const item = meeting.agenda.find((entry) => entry.id === data.agenda_item_id);
    if (item && item.documents.some((doc) => doc.id === data.id)) {
      notice.hidden = true;
      return;
    }
    try {
      mine = await api("GET", base);
    } catch (_) {
      mine = { status: "withdrawn" };  // members no longer see a withdrawn document at all
    }
    const replaced = mine.status === "replaced";
    const successor = replaced ? await successorOf(item).catch(() => null) : null;
    notice.querySelector('[data-notice="replaced"]').hidden = !replaced;
    notice.querySelector('[data-notice="withdrawn"]').hidden = replaced;
    const link = notice.querySelector("[data-notice-successor]");
    link.hidden = !successor;
    if (successor) link.href = `/documents/${successor.id}`;
    notice.hidden = false;
  }

  if (data.status !== "active") checkStillCurrent();

  // The socket library comes once the first page is on screen (reader/later.js).
  whenLive().then((socket) => {
    if (!socket) return;
    // What was sent while the page had no socket (before the library came, or offline) is not
    // sent again: look once the line is up, and after each reconnect.
    socket.on("connect", checkStillCurrent);
    if (socket.connected) checkStillCurrent();
    socket.on("meeting:updated", ({ id }) => {
      if (String(id) === root.dataset.meetingId) checkStillCurrent();
    });
    socket.on("meeting:removed", ({ id }) => {
      if (String(id) === root.dataset.meetingId) window.location.assign("/");
    });
  });
}
