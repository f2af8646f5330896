// The delegate's phone: check in with the hall's code (typed, or from the QR's link), then vote with
// three large choices and one confirmation. A ballot goes through the device outbox with its own id
// (the op_id): kept in IndexedDB and resent until acknowledged, so a phone that drops its link
// after the tap and comes back is counted once, and shows "Đã ghi nhận · mã K7Q2".
import { openOutbox } from "../offline/outbox.js";
import { uuid } from "../annotate/live.js";
import { createSittingState, el } from "./state.js";
import * as PH from "../app.js";

const RETRY_MS = 3000;
const t = (key, params) => PH.t(key, params);
const CHOICES = ["for", "against", "abstain"];

const page = document.querySelector("[data-vote-page]");
if (page) {
  const meetingId = Number(page.dataset.meetingId);
  const box = openOutbox(Number(page.dataset.userId));
  const socket = PH.live();
  const sitting = createSittingState(meetingId, socket);
  const attendance = page.querySelector("[data-vote-attendance]");
  const checkinForm = page.querySelector("[data-checkin-form]");
  const ballotBox = page.querySelector("[data-ballot]");
  const results = page.querySelector("[data-vote-results]");
  const receipts = new Map();  // poll id -> {receipt, choice} acknowledged on this page
  let draining = false;

  const pendingFor = (pollId) => box.items().find((op) => op.event === "ballot:cast" && op.payload.poll_id === pollId);

  async function drain() {
    if (draining || !socket.connected) return;
    draining = true;
    try {
      await box.drain(socket, {
        onAcked: (op, ack) => { if (op.event === "ballot:cast") receipts.set(op.payload.poll_id, { receipt: ack.receipt, choice: op.payload.choice }); },
        onRefused: (op, ack) => { if (op.event === "ballot:cast") PH.toast(ack.message || ack.error, "error"); },
      });
    } finally {
      draining = false;
      draw();
      if (box.count()) setTimeout(drain, RETRY_MS);
    }
  }
  socket.on("connect", drain);

  async function vote(poll, choice) {
    const label = t(`choice_${choice}`);
    if (!(await PH.confirm(t("confirm_choice", { choice: label }), t("send")))) return;
    await box.push({ event: "ballot:cast", payload: { op_id: uuid(), poll_id: poll.id, choice } });
    draw();
    drain();
  }

  async function checkIn(code) {
    const s = sitting.get();
    if (!s || !s.sitting) return;
    try {
      await PH.api("POST", `/api/sittings/${s.sitting.id}/checkin`, { code });
      PH.toast(t("checked_in"));
      await sitting.reload();
    } catch (error) {
      PH.toast(error.message, "error");
    }
  }

  checkinForm.addEventListener("submit", (event) => {
    event.preventDefault();
    checkIn(new FormData(checkinForm).get("code"));
  });

  function drawBallot(s, poll, present) {
    const mine = receipts.get(poll.id) || poll.my_ballot;
    const pending = pendingFor(poll.id);
    const card = el("div", { class: "card ballot-card", "data-poll-id": poll.id },
      el("p", { class: "ballot-label" }, t("voting_on")),
      el("h2", { class: "ballot-title" }, poll.title));
    if (mine) {
      card.append(el("p", { class: "ballot-recorded", "data-ballot-recorded": "" }, t("recorded", { receipt: mine.receipt })),
        el("p", { class: "muted" }, t("your_choice", { choice: t(`choice_${mine.choice}`) })));
    } else if (pending) {
      card.append(el("p", { class: "ballot-pending", "data-ballot-pending": "" }, t("sending")),
        el("p", { class: "muted" }, t("your_choice", { choice: t(`choice_${pending.payload.choice}`) })));
    } else if (!present) {
      card.append(el("p", { class: "muted" }, t("not_present_yet")));
    } else {
      card.append(el("div", { class: "ballot-choices" }, ...CHOICES.map((choice) =>
        el("button", { type: "button", class: `button ballot-choice choice-${choice}`, "data-choice": choice, onclick: () => vote(poll, choice) },
          t(`choice_${choice}`)))));
    }
    return card;
  }

  function draw() {
    const s = sitting.get();
    if (!s) return;
    const open = Boolean(s.sitting && s.sitting.open);
    const me = s.attendance && s.attendance.me;
    const present = me === "present" || me === "late";
    if (!s.sitting) attendance.textContent = t("no_sitting");
    else if (!open) attendance.textContent = t("sitting_closed_now");
    else attendance.textContent = `${present ? `${t("you_are_present")} ` : ""}${s.attendance.text}`;
    checkinForm.hidden = !(open && s.entitled && !present);
    if (!s.entitled) {
      ballotBox.replaceChildren(el("p", { class: "muted" }, t("not_entitled_note")));
    } else {
      const openPolls = s.polls.filter((p) => p.state === "open");
      ballotBox.replaceChildren(...(openPolls.length
        ? openPolls.map((poll) => drawBallot(s, poll, present))
        : [el("p", { class: "muted" }, t("no_open_poll"))]));
    }
    results.replaceChildren(...s.polls.filter((p) => p.state === "closed").reverse().map((poll) =>
      el("div", { class: "card vote-result" }, el("strong", {}, poll.title), el("p", {}, poll.result_text),
        poll.my_ballot ? el("p", { class: "muted" }, t("recorded", { receipt: poll.my_ballot.receipt })) : null)));
  }

  sitting.subscribe(draw);
  box.ready.then(() => { draw(); drain(); });
  // Opened from the hall screen's QR: the code is in the link; check in once the sitting is known.
  const code = new URLSearchParams(location.search).get("code");
  sitting.ready().then((s) => {
    const me = s && s.attendance && s.attendance.me;
    if (code && s && s.entitled && s.sitting && s.sitting.open && me !== "present" && me !== "late") checkIn(code);
    history.replaceState(null, "", location.pathname);
  });
}
