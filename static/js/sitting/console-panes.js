// The chair's and secretary's sitting controls: open and close the sitting, the attendance list
// with the secretary's marks, polls to prepare, open and close. Closing a poll while present
// delegates have no acknowledged ballot names them first.
import { uuid } from "../annotate/live.js";
import { createSittingState, el } from "./state.js";
import * as PH from "../app.js";

const t = (key, params) => PH.t(key, params);
const MARKS = [
  ["mark_present", { status: "present" }],
  ["mark_late", { status: "late" }],
  ["mark_excused", { status: "absent", reason: "co_ly_do" }],
  ["mark_unexcused", { status: "absent", reason: "khong_ly_do" }],
];

export function mountSittingConsole(root, { meetingId, socket, state = null }) {
  const sitting = state || createSittingState(meetingId, socket);
  const stateLine = root.querySelector("[data-console-state]");
  const openButton = root.querySelector("[data-sitting-open]");
  const closeButton = root.querySelector("[data-sitting-close]");
  const attendanceText = root.querySelector("[data-console-attendance]");
  const people = root.querySelector("[data-attendance-list]");
  const polls = root.querySelector("[data-poll-list]");
  const form = root.querySelector("[data-poll-form]");
  const agendaSelect = root.querySelector("[data-agenda-select]");

  async function act(button, work) {
    if (button) button.dataset.busy = "";
    try {
      await work();
      await sitting.reload();
    } catch (error) {
      PH.toast(error.message, "error");
    } finally {
      if (button) delete button.dataset.busy;
    }
  }

  openButton.addEventListener("click", () => act(openButton, () => PH.api("POST", `/api/meetings/${meetingId}/sittings`)));
  closeButton.addEventListener("click", async () => {
    const s = sitting.get();
    if (!(await PH.confirm(t("close_sitting_confirm"), t("confirm"), true))) return;
    act(closeButton, () => PH.api("POST", `/api/sittings/${s.sitting.id}/close`));
  });

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const data = Object.fromEntries(new FormData(form));
    const body = { title: data.title, rule: data.rule, kind: data.kind };
    if (data.agenda_item_id) body.agenda_item_id = Number(data.agenda_item_id);
    act(form.querySelector("button"), async () => {
      await PH.api("POST", `/api/meetings/${meetingId}/polls`, body);
      form.reset();
    });
  });

  PH.api("GET", `/api/meetings/${meetingId}`).then((meeting) => {
    for (const item of meeting.agenda || []) agendaSelect.append(el("option", { value: item.id }, item.title));
  }).catch(() => {});

  function statusText(person) {
    if (person.status === "absent") return `${t("status_absent")}${person.reason ? ` (${t(`reason_${person.reason}`)})` : ""}`;
    return t(`status_${person.status}`);
  }

  function drawPeople(s) {
    const sittingId = s.sitting && s.sitting.open ? s.sitting.id : null;
    attendanceText.textContent = s.attendance ? s.attendance.text : "";
    people.replaceChildren(
      ...((s.attendance && s.attendance.people) || []).map((person) =>
        el("li", { class: `attendance-row status-${person.status}`, "data-user-id": person.user_id },
          el("span", { class: "attendance-name" }, person.full_name),
          el("span", { class: "attendance-status" }, statusText(person)),
          sittingId && s.can_manage ? el("span", { class: "attendance-marks" },
            ...MARKS.map(([label, body]) => el("button", {
              type: "button", class: "button small", onclick: (event) => act(event.currentTarget,
                () => PH.api("PUT", `/api/sittings/${sittingId}/attendance/${person.user_id}`, body)),
            }, t(label))),
            person.status !== "unmarked" ? el("button", {
              type: "button", class: "button small danger-outline", onclick: (event) => act(event.currentTarget,
                () => PH.api("DELETE", `/api/sittings/${sittingId}/attendance/${person.user_id}`)),
            }, t("mark_undo")) : null) : null)));
  }

  async function closePoll(button, poll) {
    const fresh = await PH.api("GET", `/api/polls/${poll.id}`).catch(() => poll);
    const waiting = fresh.not_voted || [];
    const message = waiting.length
      ? t("close_unacked", { n: waiting.length, names: waiting.map((p) => p.full_name).join(", ") })
      : t("close_confirm");
    if (!(await PH.confirm(message, t("poll_close_button"), waiting.length > 0))) return;
    act(button, () => PH.api("POST", `/api/polls/${poll.id}/close`));
  }

  function boardForm(poll) {
    const fields = ["for", "against", "abstain", "issued", "returned", "valid", "invalid"];
    const boardForm = el("form", { class: "board-form" },
      el("p", {}, t("board_enter")),
      ...fields.map((name) => el("label", {}, t(`board_${name}`),
        el("input", { name, type: "number", min: 0, inputmode: "numeric", required: ["for", "against", "abstain"].includes(name) }))),
      el("button", { type: "submit", class: "button primary" }, t("board_save")));
    boardForm.addEventListener("submit", (event) => {
      event.preventDefault();
      const body = {};
      for (const [name, value] of new FormData(boardForm)) if (value !== "") body[name] = Number(value);
      act(boardForm.querySelector("button"), () => PH.api("POST", `/api/polls/${poll.id}/result`, body));
    });
    return boardForm;
  }

  function handsList(poll, waiting) {
    return el("details", { class: "hands" },
      el("summary", {}, t("hands_title")),
      el("ul", { class: "hands-list" }, ...waiting.map((person) =>
        el("li", { class: "hands-row" }, el("span", { class: "attendance-name" }, person.full_name),
          ...["for", "against", "abstain"].map((choice) => el("button", {
            type: "button", class: "button small", "data-hands": choice,
            onclick: async (event) => {
              const button = event.currentTarget;
              if (!(await PH.confirm(t("hands_confirm", { name: person.full_name, choice: t(`board_${choice}`) })))) return;
              act(button, () => PH.api("POST", `/api/polls/${poll.id}/hands`, { user_id: person.user_id, ballot_id: uuid(), choice }));
            },
          }, t(`board_${choice}`)))))));
  }

  function drawPolls(s) {
    const sittingOpen = Boolean(s.sitting && s.sitting.open);
    polls.replaceChildren(...s.polls.map((poll) => {
      const row = el("li", { class: `poll-row poll-${poll.state}`, "data-poll-id": poll.id },
        el("p", { class: "poll-title" }, el("strong", {}, poll.title), " ", el("span", { class: "badge" }, t(`poll_${poll.state}`))));
      if (poll.state === "open") {
        row.append(el("p", { class: "poll-progress" }, t("poll_voted", { voted: poll.voted, entitled: poll.total })));
        const waiting = poll.not_voted || [];
        row.append(el("p", { class: "poll-waiting", "data-poll-waiting": "" },
          waiting.length ? t("poll_waiting", { names: waiting.map((p) => p.full_name).join(", ") }) : t("poll_all_voted")));
        // A delegate whose device failed votes by show of hands; the secretary records it, marked as such.
        if (s.can_manage && waiting.length) row.append(handsList(poll, waiting));
        row.append(el("button", { type: "button", class: "button primary big", onclick: (e) => closePoll(e.currentTarget, poll) }, t("poll_close_button")));
      } else if (poll.state === "draft" && poll.kind === "electronic") {
        row.append(el("button", {
          type: "button", class: "button primary big", disabled: !sittingOpen,
          onclick: (e) => act(e.currentTarget, () => PH.api("POST", `/api/polls/${poll.id}/open`)),
        }, t("poll_open_button")));
      } else if (poll.state === "draft") {
        row.append(boardForm(poll));
      } else {
        row.append(el("p", { class: "poll-result", "data-poll-result": "" }, poll.result_text));
        const c = poll.counts;
        row.append(el("p", { class: "muted small" },
          `${t("board_for")} ${c.for} · ${t("board_against")} ${c.against} · ${t("board_abstain")} ${c.abstain} · ${t("not_voted")} ${c.not_voted} · ${t("status_absent")} ${c.absent}`));
        if (poll.digest) row.append(el("p", { class: "muted small digest" }, `${t("digest")}: ${poll.digest.slice(0, 16)}…`));
      }
      return row;
    }));
  }

  sitting.subscribe((s) => {
    const open = Boolean(s.sitting && s.sitting.open);
    stateLine.textContent = open ? t("console_open") : t("console_closed");
    openButton.hidden = open || !s.can_run;
    closeButton.hidden = !open || !s.can_run;
    form.hidden = !s.can_manage;
    drawPeople(s);
    drawPolls(s);
  });
  sitting.ready();
  return sitting;
}
