// The chair's and secretary's sitting page: the hall screen's panes above, the controls below,
// on one live state (the meeting's room).
import { mountSittingConsole } from "./console-panes.js";
import { mountSittingScreen } from "./screen-panes.js";
import { createSittingState } from "./state.js";
import * as PH from "../app.js";

const page = document.querySelector("[data-sitting-page]");
if (page) {
  const meetingId = Number(page.dataset.meetingId);
  const socket = PH.live();
  const state = createSittingState(meetingId, socket);
  mountSittingScreen(page.querySelector("[data-sitting-screen]"), { meetingId, socket, state });
  mountSittingConsole(page.querySelector("[data-sitting-console]"), { meetingId, socket, state });
}
