// "Follow the screen": with the toggle on, the reader turns to the page the chair projects on the
// hall screen (and opens the projected document if it is another one), so the whole hall looks at
// the same page without searching. The choice lasts for this tab and meeting (sessionStorage).
import * as PH from "../app.js";
const button = document.querySelector("[data-follow-screen]");
const root = document.getElementById("reader");

function start(reader) {
  const meetingId = Number(root.dataset.meetingId);
  const key = `ph.follow-screen.${meetingId}`;
  let on = sessionStorage.getItem(key) === "1";
  let floorLive = null;

  function turnTo(projected, attempt = 0) {
    if (!on || !projected) return;
    if (projected.document_id !== reader.documentId) {
      window.location.href = `/documents/${projected.document_id}#page=${projected.page}`;
      return;
    }
    if (reader.currentPage() === projected.page) return;
    try {
      reader.goToPage(projected.page);
    } catch (_) {
      if (attempt < 10) setTimeout(() => turnTo(projected, attempt + 1), 300);  // page view still loading
    }
  }

  async function connect() {
    if (floorLive) {
      turnTo(floorLive.floor && floorLive.floor.projected);
      return;
    }
    const { connectFloor } = await import("../floor/live.js");
    floorLive = connectFloor({
      meetingId,
      onChange: (floor, delta) => {
        if (delta.op === "snapshot" || delta.op === "projected") turnTo(floor.projected);
      },
    });
  }

  function show() {
    button.setAttribute("aria-pressed", on ? "true" : "false");
    button.title = PH.t(on ? "floor_follow_on" : "floor_follow_off");
  }

  button.hidden = false;
  button.addEventListener("click", () => {
    on = !on;
    sessionStorage.setItem(key, on ? "1" : "0");
    show();
    if (on) connect();
  });
  show();
  if (on) connect();
}

if (button && root) {
  if (window.PHReader) start(window.PHReader);
  else document.addEventListener("phreader:ready", (event) => start(event.detail), { once: true });
}
