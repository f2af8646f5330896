// The reader: continuous pages or reading mode, and `reader`, the extension point the annotation
// layer (static/js/annotate.js) imports (also `window.PHReader`, for tests and the console). Each module owns one concern and gets `ctx`:
// state.js owns the state; zoom.js the layout and zoom; pages.js the page images and the current page;
// textlayer.js the page views' markup and words; thumbnails.js the page drawer; reading.js reading
// mode (words.js matching its text to the printed words for selections and highlights);
// toolbar.js the controls and the switch between views; notice.js replaced/withdrawn notices.
//
// The page view's modules (zoom.js, pages.js, textlayer.js) are fetched only once it is shown: a
// phone opening in reading mode never downloads them unless the delegate switches. The socket library,
// the annotation layer and "follow the screen" come once the first page is drawn (later.js).
import { afterFirstScreen } from "./later.js";
import { watchStatus } from "./notice.js";
import { createReading } from "./reading.js";
import { buildSkeleton, pagesOf } from "./skeleton.js";
import { createState } from "./state.js";
import { createThumbnails } from "./thumbnails.js";
import { createToolbar } from "./toolbar.js";
import * as PH from "../app.js";

const data = JSON.parse(document.getElementById("reader-data").textContent);
data.pages = pagesOf(data);
const root = document.getElementById("reader");
buildSkeleton(data.pages, root, PH.t);
const viewer = document.getElementById("viewer");
const pagesBox = viewer.querySelector(".pages");
const indicator = document.getElementById("page-indicator");
const state = createState(data, pagesBox, indicator, PH.t);

const ctx = {
  state,
  root,
  viewer,
  pagesBox,
  indicator,
  base: `/api/documents/${data.id}`,
  t: PH.t,
};
let pageView = null;
/** The page view's modules, fetched and started once. */
ctx.pageView = () => {
  pageView = pageView || Promise.all([import("./zoom.js"), import("./pages.js")]).then(([zoom, pages]) => {
    ctx.zoom = zoom.createZoom(ctx);
    ctx.pages = pages.createPages(ctx);
    ctx.pages.observe();
  });
  return pageView;
};
/** Page n (and `fraction` of it further down) at the top of the screen, in the view shown. */
ctx.goToPage = (n, fraction) => {
  if (state.view === "text") return ctx.reading.goToPage(n, fraction);
  // A tap (or a link) that comes before the page view's bundle has arrived waits for it.
  return ctx.pages ? ctx.pages.goToPage(n, fraction) : ctx.pageView().then(() => ctx.pages.goToPage(n, fraction));
};
ctx.reading = createReading(ctx);
ctx.thumbnails = createThumbnails(ctx);
ctx.toolbar = createToolbar(ctx);

const byNumber = state.byNumber;

export const reader = {
  documentId: data.id,
  meetingId: Number(root.dataset.meetingId),
  title: data.title,
  pages: data.pages,
  viewer,
  /** "pages" or "text" (reading mode); `viewchange` tells when it changes. */
  view: () => state.view,
  setView: (view) => ctx.toolbar.setView(view),
  /** Reading mode: comment counts per paragraph id, selections as quads, the paragraphs it loaded. */
  reading: {
    element: ctx.reading.element,
    showCounts: ctx.reading.showCounts,
    showMarks: ctx.reading.showMarks,
    showHighlights: ctx.reading.showHighlights,
    selectionTargets: ctx.reading.selectionTargets,
    paragraph: ctx.reading.paragraph,
    paragraphs: ctx.reading.paragraphs,
  },
  /** The `.page[data-page=n]` container: image, `.text-layer`, `.annotation-layer`. */
  pageElement: (n) => (byNumber(n) ? byNumber(n).el : null),
  /** CSS px per PDF point of page n, as displayed now (pages fit the width one by one). */
  scale: (n) => (byNumber(n) || state.current).scale,
  zoom: () => state.zoom,
  rotation: (n) => (byNumber(n) ? byNumber(n).rotation : 0),
  currentPage: () => state.current.n,
  isRendered: (n) => Boolean(byNumber(n) && byNumber(n).rendered),
  goToPage: (n, fraction) => ctx.goToPage(n, fraction),
  /** Client (viewport) coordinates to PDF points of page n, whatever the zoom and rotation. */
  toPagePoint(n, clientX, clientY) {
    const page = byNumber(n);
    const box = page.slot.getBoundingClientRect();
    const s = box.width / (page.rotation % 180 ? page.meta.height : page.meta.width);
    const u = (clientX - box.left) / s, v = (clientY - box.top) / s;
    const { width: w, height: h } = page.meta;
    switch (page.rotation) {
      case 90: return [v, h - u];
      case 180: return [w - u, h - v];
      case 270: return [w - v, u];
      default: return [u, v];
    }
  },
  on: (name, handler) => state.on(name, handler),
  off: (name, handler) => state.off(name, handler),
};

/* ---------- start ---------- */

async function begin() {
  const fromHash = /page=(\d+)/.exec(window.location.hash);
  const start = fromHash ? Number(fromHash[1]) : Number(localStorage.getItem(`ph.lastpage.${data.id}`)) || 1;
  if (state.view === "pages") {
    await ctx.pageView();
    ctx.zoom.layout();
    if (start > 1) ctx.pages.goToPage(start);
    ctx.pages.updateCurrent();
  } else {
    ctx.reading.start();
    state.setCurrent(state.byNumber(Math.min(start, state.pages.length)) || state.pages[0]);
    if (start > 1) ctx.reading.goToPage(start);
    ctx.reading.updateCurrent();
  }
}
afterFirstScreen(state, root);
begin();
window.addEventListener("hashchange", () => {
  const match = /page=(\d+)/.exec(window.location.hash);
  if (match && Number(match[1]) !== state.current.n) ctx.goToPage(Number(match[1]));
});

// Toasts drop just below the top bar (app.css), clear of the tool bars at the bottom.
const topBar = document.querySelector(".reader-top");
new ResizeObserver(() => {
  document.body.style.setProperty("--reader-top", `${topBar.getBoundingClientRect().bottom}px`);
}).observe(topBar);

watchStatus(ctx);
window.PHReader = reader;
document.dispatchEvent(new CustomEvent("phreader:ready", { detail: reader }));
