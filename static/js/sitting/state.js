// The sitting as the server last told it (GET /api/meetings/<id>/sitting), kept current by the
// meeting room's events. One owner per page; panes subscribe and redraw from it.
import * as PH from "../app.js";

export function createSittingState(meetingId, socket) {
  const listeners = new Set();
  let state = null;
  let loading = null;

  const notify = () => listeners.forEach((listener) => listener(state));

  function reload() {
    loading = PH.api("GET", `/api/meetings/${meetingId}/sitting`)
      .then((fresh) => { state = fresh; notify(); return state; })
      .catch(() => state);
    return loading;
  }

  function join() {
    socket.emit("meeting:join", { meeting_id: meetingId }, () => reload());
  }

  if (socket) {
    socket.on("connect", join);
    if (socket.connected) join();
    socket.on("sitting:opened", reload);
    socket.on("sitting:closed", reload);
    socket.on("attendance:changed", (summary) => {
      // The counts come with the event; a console that lists people asks for the names again.
      if (!state || !state.attendance || state.attendance.sitting_id !== summary.sitting_id) return reload();
      Object.assign(state.attendance, summary);
      if (state.can_run) return reload();
      notify();
    });
    socket.on("poll:changed", (change) => {
      const poll = state && state.polls.find((p) => p.id === change.poll_id);
      // A new state (opened, closed) or a poll this page has not seen: ask for it whole.
      if (!poll || poll.state !== change.state || state.can_run) return reload();
      poll.voted = change.voted;
      poll.total = change.entitled;
      notify();
    });
  }

  return {
    get: () => state,
    reload,
    ready: () => loading || reload(),
    subscribe(listener) { listeners.add(listener); if (state) listener(state); },
  };
}

export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === false || value === null || value === undefined) continue;
    if (name === "class") node.className = value;
    else if (name.startsWith("on")) node.addEventListener(name.slice(2), value);
    else node.setAttribute(name, value === true ? "" : value);
  }
  for (const child of children.flat()) {
    if (child !== null && child !== undefined && child !== false) node.append(child);
  }
  return node;
}
