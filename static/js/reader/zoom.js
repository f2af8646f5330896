// Page layout and zoom: pages fit the width one by one (--s, CSS px per PDF point), zoom by buttons,
// pinch, ctrl+wheel and keys, quarter turns per page; the point under the finger stays put.
import * as PH from "../app.js";

const ZOOM_STEPS = [0.5, 0.67, 0.8, 1, 1.25, 1.5, 2, 2.5, 3, 4];
const MIN_ZOOM = 0.5, MAX_ZOOM = 4;
const MAX_FIT_WIDTH = 1200;  // on a desktop monitor a full-width A4 page is too big to read

export function createZoom(ctx) {
  const { state, viewer, pagesBox, t } = ctx;
  const { pages } = state;
  let tops = [];

  function gutter() {
    return parseFloat(getComputedStyle(pagesBox).paddingLeft) || 0;
  }

  function displayedWidth(page) {
    return page.rotation % 180 ? page.meta.height : page.meta.width;
  }

  function layout() {
    if (!viewer.clientWidth) return;  // hidden behind reading mode: laid out when shown
    const available = Math.min(viewer.clientWidth - 2 * gutter(), MAX_FIT_WIDTH);
    for (const page of pages) {
      page.scale = (state.zoom * available) / displayedWidth(page);
      page.slot.style.setProperty("--s", page.scale.toFixed(5));
    }
    tops = pages.map((page) => page.slot.offsetTop);
    const label = document.querySelector("[data-zoom-label]");
    if (label) label.textContent = state.zoom === 1 ? t("fit") : `${Math.round(state.zoom * 100)}%`;
  }

  function pageAtOffset(y) {
    let low = 0, high = tops.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if (tops[mid] <= y) low = mid; else high = mid - 1;
    }
    return pages[low];
  }

  // A point of the content that must stay under the same spot of the screen across a relayout.
  function anchorAt(vx, vy) {
    const x = viewer.scrollLeft + vx - pagesBox.offsetLeft;
    const y = viewer.scrollTop + vy - pagesBox.offsetTop;
    const page = pageAtOffset(y);
    return {
      page,
      fx: (x - page.slot.offsetLeft) / page.slot.offsetWidth,
      fy: (y - page.slot.offsetTop) / page.slot.offsetHeight,
      vx,
      vy,
    };
  }

  function restoreAnchor(anchor, vx = anchor.vx, vy = anchor.vy) {
    const slot = anchor.page.slot;
    viewer.scrollLeft = pagesBox.offsetLeft + slot.offsetLeft + anchor.fx * slot.offsetWidth - vx;
    viewer.scrollTop = pagesBox.offsetTop + slot.offsetTop + anchor.fy * slot.offsetHeight - vy;
  }

  function relayout(anchor, vx, vy) {
    layout();
    if (anchor) restoreAnchor(anchor, vx, vy);
    ctx.pages.updateCurrent();
    state.emit("zoom", { scale: state.current.scale, zoom: state.zoom });
    ctx.pages.scheduleSharpen();
  }

  function setZoom(value, vx = viewer.clientWidth / 2, vy = viewer.clientHeight / 2) {
    const next = Math.min(MAX_ZOOM, Math.max(MIN_ZOOM, value));
    if (Math.abs(next - state.zoom) < 0.001) return;
    const anchor = anchorAt(vx, vy);
    state.zoom = next;
    relayout(anchor);
  }

  function stepZoom(direction) {
    const zoom = state.zoom;
    const next = direction > 0
      ? ZOOM_STEPS.find((step) => step > zoom + 0.01)
      : [...ZOOM_STEPS].reverse().find((step) => step < zoom - 0.01);
    if (next !== undefined) setZoom(next);
  }

  function rotate(page) {
    const anchor = { page, fx: 0.5, fy: 0, vx: viewer.clientWidth / 2, vy: 8 };
    state.setRotation(page, (page.rotation + 90) % 360);
    relayout(anchor);
    state.emit("rotate", { number: page.n, rotation: page.rotation, scale: page.scale });
    PH.toast(t("rotated", { n: page.n }));
  }

  /* ---------- pinch, ctrl+wheel and keyboard ---------- */

  const touches = new Map();
  let pinch = null;

  function midpoint() {
    const [a, b] = [...touches.values()];
    return { x: (a.x + b.x) / 2, y: (a.y + b.y) / 2, d: Math.hypot(a.x - b.x, a.y - b.y) || 1 };
  }

  function startPinch() {
    const box = viewer.getBoundingClientRect();
    const start = midpoint();
    const pagesRect = pagesBox.getBoundingClientRect();
    pinch = {
      start,
      ratio: 1,
      box,
      anchor: anchorAt(start.x - box.left, start.y - box.top),
      origin: `${start.x - pagesRect.left}px ${start.y - pagesRect.top}px`,
    };
    pagesBox.style.transformOrigin = pinch.origin;
    pagesBox.classList.add("pinching");
  }

  function movePinch() {
    const now = midpoint();
    pinch.ratio = Math.min(MAX_ZOOM / state.zoom, Math.max(MIN_ZOOM / state.zoom, now.d / pinch.start.d));
    pinch.now = now;
    pagesBox.style.transform = `translate(${now.x - pinch.start.x}px, ${now.y - pinch.start.y}px) scale(${pinch.ratio})`;
  }

  function endPinch() {
    const { anchor, ratio, box } = pinch;
    const end = pinch.now || pinch.start;
    pinch = null;
    pagesBox.style.transform = "";
    pagesBox.classList.remove("pinching");
    state.zoom = Math.min(MAX_ZOOM, Math.max(MIN_ZOOM, state.zoom * ratio));
    relayout(anchor, end.x - box.left, end.y - box.top);
  }

  viewer.addEventListener("pointerdown", (event) => {
    if (event.pointerType !== "touch") return;
    touches.set(event.pointerId, { x: event.clientX, y: event.clientY });
    if (touches.size === 2 && !pinch) startPinch();
  });
  viewer.addEventListener("pointermove", (event) => {
    if (!touches.has(event.pointerId)) return;
    touches.set(event.pointerId, { x: event.clientX, y: event.clientY });
    if (pinch && touches.size >= 2) movePinch();
  });
  for (const type of ["pointerup", "pointercancel"]) {
    viewer.addEventListener(type, (event) => {
      touches.delete(event.pointerId);
      if (pinch && touches.size < 2) endPinch();
    });
  }
  // Two fingers belong to our zoom: keep the browser from scrolling (and cancelling the pointers).
  const holdTwoFingers = (event) => { if (event.touches.length > 1) event.preventDefault(); };
  viewer.addEventListener("touchstart", holdTwoFingers, { passive: false });
  viewer.addEventListener("touchmove", holdTwoFingers, { passive: false });

  let wheelZoom = null;
  viewer.addEventListener("wheel", (event) => {
    if (!event.ctrlKey) return;  // trackpad pinch and ctrl+wheel on desktops
    event.preventDefault();
    const box = viewer.getBoundingClientRect();
    wheelZoom = wheelZoom || { factor: 1, x: event.clientX - box.left, y: event.clientY - box.top };
    wheelZoom.factor *= Math.exp(-event.deltaY / 300);
    requestAnimationFrame(() => {
      if (!wheelZoom) return;
      const { factor, x, y } = wheelZoom;
      wheelZoom = null;
      setZoom(state.zoom * factor, x, y);
    });
  }, { passive: false });

  document.addEventListener("keydown", (event) => {
    if (state.view !== "pages") return;
    if (event.ctrlKey || event.metaKey || event.altKey || event.target.closest("input, textarea, select, [contenteditable]")) return;
    if (event.key === "+" || event.key === "=") stepZoom(1);
    else if (event.key === "-") stepZoom(-1);
    else if (event.key === "0") setZoom(1, viewer.clientWidth / 2, 0);
    else return;
    event.preventDefault();
  });

  let lastWidth = viewer.clientWidth;
  new ResizeObserver(() => {
    if (viewer.clientWidth === lastWidth || !viewer.clientWidth) return;
    const wasHidden = !lastWidth;
    lastWidth = viewer.clientWidth;
    relayout(wasHidden ? null : anchorAt(viewer.clientWidth / 2, 0));
  }).observe(viewer);

  return { layout, relayout, pageAtOffset, anchorAt, setZoom, stepZoom, rotate };
}
