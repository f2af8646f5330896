// A delegate's floor page (/meetings/<id>/floor): ask to speak (with an optional topic), raise a
// point of order, file a question to a guest (optionally on a paragraph), follow one's place in the
// queue and the countdown, and read what was promised at earlier meetings ("việc đã hứa").
import { act, clock, connectFloor, dueDate, holder, itemLabel } from "./live.js";
import * as PH from "../app.js";

const root = document.getElementById("delegate-floor");
const meetingId = Number(root.dataset.meetingId);
const me = Number(root.dataset.userId);
const warningS = Number(root.dataset.warningS) || 30;
const { t, toast } = PH;
const $ = (name) => root.querySelector(`[data-floor-${name}]`);

function render(floor) {
  $("item").textContent = itemLabel(floor);
  const agenda = $("agenda");
  if (agenda && floor.agenda_item && !agenda.dataset.touched) agenda.value = String(floor.agenda_item.id);
  const speaker = floor.speaker;
  $("speaker").textContent = holder(speaker) || t("floor_nobody");
  $("phase").textContent = speaker ? t(`floor_phase_${speaker.phase}`) : "";
  const list = $("queue");
  list.replaceChildren(
    ...floor.queue.map((s, index) => {
      const li = document.createElement("li");
      li.classList.toggle("mine", s.user_id === me);
      const who = document.createElement("span");
      who.className = "who";
      who.textContent = `${index + 1}. ${s.name}`;
      if (s.kind !== "speech") {
        const tag = document.createElement("span");
        tag.className = `floor-kind ${s.kind}`;
        tag.textContent = t(`floor_kind_${s.kind}`);
        who.append(tag);
      }
      li.append(who);
      if (s.user_id === me) {
        const withdraw = document.createElement("button");
        withdraw.type = "button";
        withdraw.className = "button";
        withdraw.textContent = t("floor_strike");
        withdraw.addEventListener("click", async () => {
          if (await act("DELETE", `/api/speakers/${s.id}`)) toast(t("floor_withdrawn"));
        });
        li.append(withdraw);
      }
      return li;
    }),
  );
  if (!floor.queue.length) {
    const li = document.createElement("li");
    li.textContent = t("floor_queue_empty");
    list.append(li);
  }
  const mine = floor.queue.findIndex((s) => s.user_id === me);
  $("mine").textContent = mine >= 0 ? t("floor_you_wait", { n: mine + 1 }) : "";
  tick();
}

function tick() {
  const left = live.remaining();
  const timer = $("timer");
  timer.hidden = left == null;
  if (left == null) return;
  timer.textContent = clock(left);
  timer.classList.toggle("warning", left > 0 && left <= warningS * 1000);
  timer.classList.toggle("over", left <= 0);
}

async function register(body) {
  const item = Number($("agenda").value);
  const made = await act("POST", `/api/agenda/${item}/speakers`, body);
  if (made) toast(t("floor_registered"));
  return made;
}

async function loadPromised() {
  const found = await act("GET", `/api/meetings/${meetingId}/commitments`);
  if (!found) return;
  const rows = [...found.earlier, ...found.this_meeting];
  $("promised").replaceChildren(
    ...rows.map((c) => {
      const li = document.createElement("li");
      const due = c.due_on ? ` (${t("floor_due", { date: dueDate(c.due_on) })})` : "";
      li.textContent = `${c.made_by || ""}: ${c.text}${due} — ${c.meeting_title}`;
      return li;
    }),
  );
  if (!rows.length) {
    const li = document.createElement("li");
    li.textContent = t("floor_no_commitments");
    $("promised").append(li);
  }
}

const live = connectFloor({ meetingId, onChange: render });
setInterval(tick, 250);
loadPromised();

if ($("register")) {
  $("agenda").addEventListener("change", () => { $("agenda").dataset.touched = "1"; });
  $("register").addEventListener("click", async () => {
    if (await register({ kind: "speech", topic: $("topic").value })) $("topic").value = "";
  });
  $("point").addEventListener("click", () => register({ kind: "point_of_order", topic: $("topic").value }));
}
if ($("ask")) {
  $("document").addEventListener("change", async () => {
    const select = $("paragraph");
    const documentId = Number($("document").value);
    select.hidden = !documentId;
    select.replaceChildren();
    if (!documentId) return;
    const paragraphs = (await act("GET", `/api/documents/${documentId}/paragraphs`)) || [];
    for (const p of paragraphs) {
      const option = document.createElement("option");
      option.value = p.id;
      option.textContent = `${p.label ? p.label + ". " : ""}${p.text.slice(0, 80)}`;
      select.append(option);
    }
  });
  $("ask").addEventListener("click", async () => {
    const body = { kind: "question", addressee: $("addressee").value, topic: $("question").value };
    if (Number($("document").value) && $("paragraph").value) body.paragraph_id = Number($("paragraph").value);
    if (await register(body)) $("question").value = "";
  });
}
