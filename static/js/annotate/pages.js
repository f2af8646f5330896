// What is drawn on each page, in PDF points inside the reader's `.annotation-layer` (which the reader
// scales and rotates with the page): highlights, ink, note pins and the paragraph numbers in the
// margin; and the pen, eraser and note tools that turn pointers into operations.
import { getStroke } from "../../vendor/perfect-freehand.mjs";
import { markText, placeMarks } from "./marks.js";
import * as PH from "../app.js";

const SVG = "http://www.w3.org/2000/svg";
const PEN_GRACE_MS = 800;  // a palm landing right after the pen lifts is still a palm

function svg(name, attributes) {
  const node = document.createElementNS(SVG, name);
  for (const [key, value] of Object.entries(attributes || {})) node.setAttribute(key, value);
  return node;
}

function outlinePath(points) {
  if (!points.length) return "";
  const parts = ["M", points[0][0], points[0][1], "Q"];
  points.forEach(([x0, y0], index) => {
    const [x1, y1] = points[(index + 1) % points.length];
    parts.push(x0, y0, (x0 + x1) / 2, (y0 + y1) / 2);
  });
  parts.push("Z");
  return parts.map((part) => (typeof part === "number" ? part.toFixed(2) : part)).join(" ");
}

export function strokePath(path, pressures, width) {
  const points = path.map(([x, y], index) => [x, y, pressures ? pressures[index] : 0.5]);
  return outlinePath(getStroke(points, {
    size: width * 2,
    thinning: pressures ? 0.6 : 0,
    smoothing: 0.5,
    streamline: 0.45,
    simulatePressure: false,
    last: true,
  }));
}

/** `state`: the tools' settings (tool, ink colour, pen only, shared ink), kept by annotate.js. */
export function createPages(ctx, state = { tool: "read", color: "", penOnly: false, shareInk: false }) {
  const { reader, config, me, t } = ctx;
  const layers = new Map();

  function layerFor(number) {
    if (layers.has(number)) return layers.get(number);
    const page = reader.pages[number - 1];
    const element = reader.pageElement(number);
    if (!page || !element) return null;
    const layer = element.querySelector(".annotation-layer");
    const root = svg("svg", { viewBox: `0 0 ${page.width} ${page.height}`, width: page.width, height: page.height });
    root.classList.add("annot-svg");
    const highlights = svg("g", { class: "annot-highlights" });
    const ink = svg("g", { class: "annot-ink" });
    const live = svg("g", { class: "annot-live" });
    root.append(highlights, ink, live);
    const marks = document.createElement("div");
    marks.className = "annot-marks";
    layer.replaceChildren(root, marks);
    const entry = { number, layer, root, highlights, ink, live, marks };
    layers.set(number, entry);
    return entry;
  }

  /* ---------- drawing ---------- */

  function drawHighlight(entry, annotation) {
    const color = config.highlight_colors[annotation.target.color] || config.highlight_colors.yellow;
    const group = svg("g", { "data-id": annotation.id, fill: color });
    group.classList.toggle("pending", Boolean(annotation.pending));
    group.classList.toggle("private", annotation.visibility === "private");
    for (const [x0, y0, x1, y1] of annotation.target.quads) {
      group.append(svg("rect", { x: x0, y: y0, width: x1 - x0, height: y1 - y0, rx: 1.5 }));
    }
    entry.highlights.append(group);
  }

  function drawInk(entry, annotation) {
    const { paths, pressures, color, width } = annotation.target;
    const group = svg("g", { "data-id": annotation.id, fill: config.ink_colors[color] || config.ink_colors.red });
    group.classList.toggle("pending", Boolean(annotation.pending));
    paths.forEach((path, index) => {
      group.append(svg("path", { d: strokePath(path, pressures && pressures[index], width || 2) }));
    });
    entry.ink.append(group);
  }

  function drawNote(entry, annotation) {
    const [x, y] = annotation.target.point;
    const pin = document.createElement("button");
    pin.type = "button";
    pin.className = "npin";
    pin.classList.toggle("mine", annotation.author.id === me.id);
    pin.classList.toggle("private", annotation.visibility === "private");
    pin.classList.toggle("pending", Boolean(annotation.pending));
    pin.style.left = `${x}px`;
    pin.style.top = `${y}px`;
    pin.dataset.id = annotation.id;
    pin.setAttribute("aria-label", t("note_by", { name: annotation.author.id === me.id ? t("you") : annotation.author.name }));
    pin.addEventListener("click", (event) => {
      event.stopPropagation();
      ctx.openNote(annotation, pin);
    });
    entry.marks.append(pin);
  }

  function drawParagraphMark(entry, paragraph, count, place) {
    const mark = document.createElement("button");
    mark.type = "button";
    mark.className = "pmark";
    mark.classList.toggle("inside", place.inside);
    mark.classList.toggle("count-corner", Boolean(place.corner));
    mark.classList.toggle("has-comments", count > 0);
    mark.classList.toggle("unlabelled", paragraph.label == null);  // its rank, not a printed number
    if (paragraph.change === "edited" || paragraph.change === "added") mark.classList.add(`changed-${paragraph.change}`);
    mark.style.left = `${place.x}px`;
    mark.style.top = `${place.y}px`;
    if (place.quarter) mark.style.setProperty("--q", `${place.quarter * 90}deg`);
    const reach = { "--hit-up": place.hitUp, "--hit-down": place.hitDown, "--hit-right": place.hitRight, "--hit-width": place.hitWidth };
    for (const [name, value] of Object.entries(reach)) if (value) mark.style.setProperty(name, `${value.toFixed(2)}px`);
    mark.dataset.paragraph = paragraph.id;
    const number = document.createElement("span");
    number.className = "pmark-number";
    number.textContent = markText(paragraph);
    mark.append(number);
    if (count > 0) {
      const bubble = document.createElement("span");
      bubble.className = "pmark-count";
      bubble.textContent = String(count);
      mark.append(bubble);
    }
    const name = ctx.paragraphName(paragraph);
    const change = paragraph.change === "edited" || paragraph.change === "added" ? ` (${t(`change_${paragraph.change}`)})` : "";
    mark.setAttribute("aria-label", (count > 0
      ? t("paragraph_badge", { n: name, count })
      : t("paragraph_badge_empty", { n: name })) + change);
    mark.addEventListener("click", (event) => {
      event.stopPropagation();
      ctx.openThread(paragraph.id);
    });
    entry.marks.append(mark);
  }

  /** Redraw every page from the current view; a few hundred shapes take a couple of milliseconds. */
  function render(annotations, paragraphs, commentCounts) {
    for (const entry of layers.values()) {
      entry.highlights.replaceChildren();
      entry.ink.replaceChildren();
      entry.marks.replaceChildren();
    }
    const places = placeMarks(reader, paragraphs, commentCounts);
    for (const paragraph of paragraphs) {
      const entry = layerFor(paragraph.page);
      const place = places.get(paragraph.id);
      if (entry && place) drawParagraphMark(entry, paragraph, commentCounts.get(paragraph.id) || 0, place);
    }
    if (ctx.onCrowdedMargins) ctx.onCrowdedMargins(places.dropped);
    for (const annotation of annotations) {
      const entry = annotation.page ? layerFor(annotation.page) : null;
      if (!entry) continue;
      if (annotation.kind === "highlight") drawHighlight(entry, annotation);
      else if (annotation.kind === "ink") drawInk(entry, annotation);
      else if (annotation.kind === "note") drawNote(entry, annotation);
    }
  }

  function flash(number, bbox) {
    const entry = layerFor(number);
    if (!entry) return;
    const [x0, y0, x1, y1] = bbox;
    const box = svg("rect", { x: x0 - 3, y: y0 - 3, width: x1 - x0 + 6, height: y1 - y0 + 6, rx: 4, class: "annot-flash" });
    entry.live.append(box);
    setTimeout(() => box.remove(), 1800);
  }

  /* ---------- tools ---------- */

  const viewer = reader.viewer;
  let stroke = null;
  let penSeenAt = 0;
  let pan = null;
  const erased = new Set();

  function setTool(tool) {
    state.tool = tool;
    for (const name of ["pen", "erase", "note"]) viewer.classList.toggle(`annot-mode-${name}`, tool === name);
    viewer.classList.toggle("annot-pen-only", state.penOnly);
    cancelStroke();
  }

  function pageAt(event) {
    const element = event.target.closest && event.target.closest(".page");
    return element ? Number(element.dataset.page) : null;
  }

  function penIsActive() {
    return performance.now() - penSeenAt < PEN_GRACE_MS;
  }

  function cancelStroke() {
    if (stroke) stroke.entry.live.replaceChildren();
    stroke = null;
  }

  function addPoints(event) {
    const events = event.getCoalescedEvents ? event.getCoalescedEvents() : [];
    for (const sample of events.length ? events : [event]) {
      const [x, y] = reader.toPagePoint(stroke.number, sample.clientX, sample.clientY);
      const page = reader.pages[stroke.number - 1];
      stroke.path.push([
        Math.round(Math.min(page.width, Math.max(0, x)) * 10) / 10,
        Math.round(Math.min(page.height, Math.max(0, y)) * 10) / 10,
      ]);
      if (stroke.pressures) stroke.pressures.push(Math.round((sample.pressure || 0.5) * 100) / 100);
    }
    stroke.shape.setAttribute("d", strokePath(stroke.path, stroke.pressures, stroke.width));
  }

  function ownInkAt(number, point, radius) {
    return ctx.annotations().filter((annotation) => annotation.kind === "ink" && annotation.page === number
      && annotation.author.id === me.id && !annotation.pending
      && annotation.target.paths.some((path) => path.some(([x, y]) => Math.hypot(x - point[0], y - point[1]) <= radius + (annotation.target.width || 2))));
  }

  function erase(event, number) {
    const point = reader.toPagePoint(number, event.clientX, event.clientY);
    for (const annotation of ownInkAt(number, point, 10 / reader.scale(number))) {
      if (erased.has(annotation.id)) continue;
      erased.add(annotation.id);
      ctx.submit("annotation:delete", { id: annotation.id });
      PH.toast(t("stroke_deleted"));
    }
  }

  function onPointerDown(event) {
    if (state.tool === "read" || state.tool === "note") return;
    const number = pageAt(event);
    if (event.pointerType === "pen") penSeenAt = performance.now();
    if (!number) return;
    if (event.pointerType === "touch") {
      if (stroke && stroke.pointerId !== event.pointerId) cancelStroke();  // a second finger: pinch
      if (penIsActive() || stroke) return;  // palm rejection
      if (state.penOnly) {
        pan = { pointerId: event.pointerId, x: event.clientX, y: event.clientY };
        return;
      }
    }
    if (stroke) return;
    event.preventDefault();
    if (state.tool === "erase") {
      stroke = { pointerId: event.pointerId, number, erasing: true, entry: layerFor(number) };
      erase(event, number);
      return;
    }
    const entry = layerFor(number);
    const width = 2;
    const shape = svg("path", { fill: config.ink_colors[state.color] });
    entry.live.append(shape);
    stroke = {
      pointerId: event.pointerId, number, entry, shape, width, path: [],
      pressures: event.pointerType === "pen" ? [] : null,
    };
    event.target.setPointerCapture?.(event.pointerId);
    addPoints(event);
  }

  function onPointerMove(event) {
    if (event.pointerType === "pen") penSeenAt = performance.now();
    if (pan && event.pointerId === pan.pointerId) {
      if (penIsActive()) return;
      viewer.scrollBy(pan.x - event.clientX, pan.y - event.clientY);
      pan.x = event.clientX;
      pan.y = event.clientY;
      return;
    }
    if (!stroke || event.pointerId !== stroke.pointerId) return;
    event.preventDefault();
    if (stroke.erasing) {
      const number = pageAt(event);
      if (number) erase(event, number);
    } else {
      addPoints(event);
    }
  }

  function onPointerUp(event) {
    if (event.pointerType === "pen") penSeenAt = performance.now();
    if (pan && event.pointerId === pan.pointerId) pan = null;
    if (!stroke || event.pointerId !== stroke.pointerId) return;
    const finished = stroke;
    stroke = null;
    finished.entry.live.replaceChildren();
    if (finished.erasing || event.type === "pointercancel" || !finished.path.length) return;
    const target = { page: finished.number, paths: [finished.path], color: state.color, width: finished.width };
    if (finished.pressures) target.pressures = [finished.pressures];
    ctx.submit("annotation:create", {
      kind: "ink", target, body: "", visibility: state.shareInk ? "shared" : "private",
    });
  }

  function onClick(event) {
    if (state.tool !== "note") return;
    const number = pageAt(event);
    if (!number || event.target.closest(".npin, .pmark")) return;
    const point = reader.toPagePoint(number, event.clientX, event.clientY).map((v) => Math.round(v * 10) / 10);
    ctx.newNote(number, point, event.clientX, event.clientY);
  }

  viewer.addEventListener("pointerdown", onPointerDown);
  viewer.addEventListener("pointermove", onPointerMove, { passive: false });
  viewer.addEventListener("pointerup", onPointerUp);
  viewer.addEventListener("pointercancel", onPointerUp);
  viewer.addEventListener("click", onClick);

  return { render, setTool, state, flash, layerFor };
}
