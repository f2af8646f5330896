// The hall screen's sitting panes: "Có mặt 18/25 · đủ điều kiện tiến hành", the check-in code and
// its QR (changing every 30 s, shown only to a screen signed in as chair or secretary), and the
// poll: how many voted while open, the official result once closed.
import { createSittingState } from "./state.js";
import * as PH from "../app.js";

const t = (key, params) => PH.t(key, params);

export function mountSittingScreen(root, { meetingId, socket, state = null }) {
  const sitting = state || createSittingState(meetingId, socket);
  const attendance = root.querySelector("[data-screen-attendance]");
  const checkinBox = root.querySelector("[data-screen-checkin]");
  const codeText = root.querySelector("[data-checkin-code]");
  const qr = root.querySelector("[data-checkin-qr]");
  const expires = root.querySelector("[data-checkin-expires]");
  const pollBox = root.querySelector("[data-screen-poll]");
  let codeTimer = 0;
  let countdown = 0;
  let codeFor = null;

  function drawAttendance(s) {
    if (!s.sitting) attendance.textContent = t("sitting_none");
    else if (!s.sitting.open) attendance.textContent = `${t("sitting_closed")} · ${s.attendance.text}`;
    else attendance.textContent = s.attendance.text;
  }

  function pollBlock(titleText, lineText, state) {
    const block = document.createElement("div");
    block.className = `screen-poll-block poll-${state}`;
    const title = document.createElement("p");
    title.className = "screen-poll-title";
    title.textContent = titleText;
    const line = document.createElement("p");
    line.className = "screen-poll-line";
    line.textContent = lineText;
    block.append(title, line);
    return block;
  }

  // The votes in progress with how many voted, and the last result announced.
  function drawPoll(s) {
    const open = s.polls.filter((p) => p.state === "open");
    const closed = s.polls.filter((p) => p.state === "closed" && p.closed_at)
      .sort((a, b) => (a.closed_at < b.closed_at ? 1 : -1))[0];
    pollBox.replaceChildren(
      ...open.map((p) => pollBlock(t("poll_voting", { title: p.title }), t("poll_voted", { voted: p.voted, entitled: p.total }), "open")),
      ...(closed ? [pollBlock(closed.title, closed.result_text, "closed")] : []));
    pollBox.hidden = !open.length && !closed;
  }

  async function refreshCode(sittingId) {
    clearTimeout(codeTimer);
    clearInterval(countdown);
    try {
      const shown = await PH.api("GET", `/api/sittings/${sittingId}/checkin-code`);
      codeText.textContent = shown.code;
      if (shown.qr) qr.src = shown.qr;
      qr.hidden = !shown.qr;
      checkinBox.hidden = false;
      let left = shown.expires_in;
      expires.textContent = t("code_changes", { s: left });
      countdown = setInterval(() => { left = Math.max(0, left - 1); expires.textContent = t("code_changes", { s: left }); }, 1000);
      codeTimer = setTimeout(() => refreshCode(sittingId), shown.expires_in * 1000 + 300);
    } catch (_) {
      checkinBox.hidden = true;  // not chair or secretary, or the sitting closed meanwhile
      codeTimer = setTimeout(() => refreshCode(sittingId), 10000);
    }
  }

  function drawCode(s) {
    const sittingId = s.sitting && s.sitting.open && s.can_run ? s.sitting.id : null;
    if (sittingId === codeFor) return;
    codeFor = sittingId;
    clearTimeout(codeTimer);
    clearInterval(countdown);
    checkinBox.hidden = true;
    if (sittingId) refreshCode(sittingId);
  }

  sitting.subscribe((s) => { drawAttendance(s); drawPoll(s); drawCode(s); });
  sitting.ready();
  return sitting;
}
