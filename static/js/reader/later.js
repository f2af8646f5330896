// What the reader brings in once the delegate has text on screen: the socket library (~15 KB), the
// annotation layer (~20 KB with its chunks) and "follow the screen". Loaded with the page, they shared a
// 1.6 Mbit/s link and its six connections with the first page's view and glyphs (docs/rendering.md).
import { loadSocketLibrary } from "../app.js";

// A first page that never comes (no network, a failed view) must not keep the annotations away for good.
const AT_THE_LATEST_MS = 8000;

/** Starts the rest of the reader page after the first page (or reading mode's first page) is drawn. */
export function afterFirstScreen(state, root) {
  let started = false;
  const stops = [];
  const start = () => {
    if (started) return;
    started = true;
    stops.forEach((stop) => stop());
    clearTimeout(timer);
    // The annotations connect once the socket library is here (whenLive); "follow the screen" asks
    // for the connection at once, so it waits for the library.
    if (document.getElementById("annotate-data")) import("../annotate.js");
    // Failed (offline, a dropped link): again when the browser says it is back, or after a while,
    // whichever comes first ("online" is a weak signal, and may never fire on a flaky link).
    let retryMs = 5000;
    const bring = () => loadSocketLibrary(root.dataset.socketLibrary).then(
      () => import("./follow.js"),
      () => {
        const again = () => {
          clearTimeout(timer);
          window.removeEventListener("online", again);
          bring();
        };
        const timer = setTimeout(again, retryMs);
        retryMs = Math.min(retryMs * 2, 60000);
        window.addEventListener("online", again, { once: true });
      },
    );
    bring();
  };
  stops.push(state.on("pagerendered", start), state.on("paragraphs", start));
  const timer = setTimeout(start, AT_THE_LATEST_MS);
}
