// The login page: whoever signs in as someone else first makes the device forget the copies the
// previous person stored (owner.js).
import { guardLogin } from "./owner.js";
// Like every page's script (base.html loads app.js anyway): so owner.js and store.js share app.js's
// chunk instead of two chunks of their own, one request each on every page (scripts/build_static.mjs).
import "../app.js";

const form = document.querySelector("form.login-form");
if (form && "localStorage" in window) guardLogin(form);

// A hall logging in at once queues at the server: say so, and about how long, instead of a
// spinner that seems stuck (GET /api/login/queue).
const note = form && form.querySelector(".login-queue");
if (note) {
  form.addEventListener("submit", () => {
    note.hidden = false;
    note.textContent = note.dataset.waiting;
    const ask = async () => {
      try {
        const response = await fetch("/api/login/queue", { cache: "no-store" });
        const { waiting, estimate_s: seconds } = await response.json();
        if (waiting > 0) note.textContent = note.dataset.queued.replace("{seconds}", Math.max(1, seconds));
      } catch (_) { /* the login itself will answer */ }
    };
    setTimeout(ask, 1000);
    setInterval(ask, 3000);
  });
}
