// The hall screen (/meetings/<id>/screen): the agenda item, who has the floor with a running
// countdown (a warning colour in the last `warning_s`), the queue, a projected document page, and
// the sittings' attendance and poll panes when that package is present.
import { clock, connectFloor, holder, itemLabel, mountSittings } from "./live.js";
import * as PH from "../app.js";

const root = document.getElementById("hall");
const meetingId = Number(root.dataset.meetingId);
const t = PH.t;
const $ = (name) => root.querySelector(`[data-screen-${name}]`);

let warningS = Number(root.dataset.warningS) || 30;

function render(floor) {
  warningS = floor.warning_s || warningS;
  $("item").textContent = itemLabel(floor) || t("floor_agenda");
  const speaker = floor.speaker;
  $("speaker").textContent = holder(speaker) || t("floor_nobody");
  root.classList.toggle("has-speaker", Boolean(speaker));
  $("phase").textContent = speaker
    ? t(speaker.kind === "point_of_order" ? "floor_kind_point_of_order" : `floor_phase_${speaker.phase}`)
    : "";
  $("topic").textContent = speaker
    ? [speaker.topic, speaker.addressee && speaker.phase !== "answer" ? t("floor_asks", { name: speaker.addressee.name }) : ""]
        .filter(Boolean).join(" — ")
    : "";
  const queue = $("queue");
  queue.replaceChildren(
    ...floor.queue.slice(0, 8).map((s) => {
      const li = document.createElement("li");
      li.textContent = s.name;
      if (s.kind !== "speech") {
        const tag = document.createElement("span");
        tag.className = `hall-tag ${s.kind}`;
        tag.textContent = t(`floor_kind_${s.kind}`);
        li.append(" ", tag);
      }
      return li;
    }),
  );
  if (!floor.queue.length) {
    const li = document.createElement("li");
    li.className = "muted";
    li.textContent = t("floor_queue_empty");
    queue.append(li);
  }
  const projected = floor.projected;
  $("projected").hidden = !projected;
  root.classList.toggle("is-projecting", Boolean(projected));
  if (projected) {
    const src = `/api/documents/${projected.document_id}/pages/${projected.page}/image?width=1600`;
    if ($("page").getAttribute("src") !== src) $("page").src = src;
    $("page-caption").textContent = t("floor_page_n", { n: projected.page });
  }
  tick();
}

function tick() {
  const left = live.remaining();
  const timer = $("timer");
  timer.hidden = left == null;
  if (left == null) return;
  timer.textContent = left <= 0 ? `${t("floor_time_up")} ${clock(left)}` : clock(left);
  timer.classList.toggle("warning", left > 0 && left <= warningS * 1000);
  timer.classList.toggle("over", left <= 0);
}

const live = connectFloor({
  meetingId,
  onChange: render,
  onStatus: (up) => { $("offline").hidden = up; },
});
setInterval(tick, 250);
mountSittings("../sitting/screen-panes.js", "mountSittingScreen", root.querySelector("[data-sitting-screen]"), {
  meetingId,
  socket: live.socket,
});
