// The tablet reader: continuous pages, lazy images and text layers, zoom (buttons, pinch, ctrl+wheel),
// per-page rotation, thumbnails, and `window.PHReader` for the annotation layer built on top.
//
// Each `.page` is laid out in PDF points scaled by the CSS variable --s (CSS px per point), so the
// text layer and anything drawn in `.annotation-layer` in points lines up at every zoom and rotation.
(function () {
  "use strict";
  const { t, live, api } = window.PH;

  const ZOOM_STEPS = [0.5, 0.67, 0.8, 1, 1.25, 1.5, 2, 2.5, 3, 4];
  const MIN_ZOOM = 0.5, MAX_ZOOM = 4;
  const MAX_FIT_WIDTH = 1200;  // on a desktop monitor a full-width A4 page is too big to read
  const MAX_IN_FLIGHT = 3;  // leaves connections free for the socket and the text layers on 4G
  const TEXT_FONT = '"Noto Sans", "Segoe UI", Roboto, Arial, sans-serif';

  const data = JSON.parse(document.getElementById("reader-data").textContent);
  const WIDTH_BUCKETS = data.width_buckets;  // as storage/page_cache.py snaps widths
  const root = document.getElementById("reader");
  const viewer = document.getElementById("viewer");
  const pagesBox = viewer.querySelector(".pages");
  const indicator = document.getElementById("page-indicator");
  const base = `/api/documents/${data.id}`;
  const rotationKey = (n) => `ph.rotation.${data.id}.${n}`;

  const pages = data.pages.map((meta) => {
    const slot = pagesBox.querySelector(`.page-slot[data-page="${meta.number}"]`);
    const el = slot.querySelector(".page");
    const rotation = Number(localStorage.getItem(rotationKey(meta.number))) || 0;
    slot.dataset.rotation = String(rotation);
    return {
      n: meta.number,
      meta,
      slot,
      el,
      img: el.querySelector(".page-image"),
      textLayer: el.querySelector(".text-layer"),
      rotation,
      scale: 1,
      near: false,
      image: null,       // {url, width (requested bucket), raster, maxed}
      loading: null,     // AbortController of the image request in flight
      failed: false,
      rendered: false,
    };
  });
  const byNumber = (n) => pages[Number(n) - 1] || null;

  /* ---------- events for extensions ---------- */

  const handlers = {};
  function emit(name, detail) {
    (handlers[name] || []).slice().forEach((handler) => {
      try {
        handler(detail);
      } catch (error) {
        console.error(error);  // a faulty extension must not stop the reader
      }
    });
  }

  /* ---------- layout ---------- */

  let zoom = 1;
  let tops = [];

  function gutter() {
    return parseFloat(getComputedStyle(pagesBox).paddingLeft) || 0;
  }

  function displayedWidth(page) {
    return page.rotation % 180 ? page.meta.height : page.meta.width;
  }

  function layout() {
    const available = Math.min(viewer.clientWidth - 2 * gutter(), MAX_FIT_WIDTH);
    for (const page of pages) {
      page.scale = (zoom * available) / displayedWidth(page);
      page.slot.style.setProperty("--s", page.scale.toFixed(5));
    }
    tops = pages.map((page) => page.slot.offsetTop);
    const label = document.querySelector("[data-zoom-label]");
    if (label) label.textContent = zoom === 1 ? t("fit") : `${Math.round(zoom * 100)}%`;
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
    updateCurrent();
    emit("zoom", { scale: currentPage.scale, zoom });
    scheduleSharpen();
  }

  function setZoom(value, vx = viewer.clientWidth / 2, vy = viewer.clientHeight / 2) {
    const next = Math.min(MAX_ZOOM, Math.max(MIN_ZOOM, value));
    if (Math.abs(next - zoom) < 0.001) return;
    const anchor = anchorAt(vx, vy);
    zoom = next;
    relayout(anchor);
  }

  function stepZoom(direction) {
    const next = direction > 0
      ? ZOOM_STEPS.find((step) => step > zoom + 0.01)
      : [...ZOOM_STEPS].reverse().find((step) => step < zoom - 0.01);
    if (next !== undefined) setZoom(next);
  }

  function rotate(page) {
    const anchor = { page, fx: 0.5, fy: 0, vx: viewer.clientWidth / 2, vy: 8 };
    page.rotation = (page.rotation + 90) % 360;
    page.slot.dataset.rotation = String(page.rotation);
    if (page.rotation) localStorage.setItem(rotationKey(page.n), String(page.rotation));
    else localStorage.removeItem(rotationKey(page.n));
    relayout(anchor);
    emit("rotate", { number: page.n, rotation: page.rotation, scale: page.scale });
    window.PH.toast(t("rotated", { n: page.n }));
  }

  /* ---------- current page ---------- */

  let currentPage = pages[0];
  let scrollFrame = 0;
  let hashTimer = 0;

  function updateCurrent() {
    const page = pageAtOffset(viewer.scrollTop + viewer.clientHeight * 0.35 - pagesBox.offsetTop);
    if (page === currentPage && indicator.dataset.page === String(page.n)) return;
    currentPage = page;
    indicator.dataset.page = String(page.n);
    indicator.textContent = t("page_of", { n: page.n, total: pages.length });
    emit("pagechange", { number: page.n });
    clearTimeout(hashTimer);
    hashTimer = setTimeout(() => {
      history.replaceState(null, "", `#page=${page.n}`);
      localStorage.setItem(`ph.lastpage.${data.id}`, String(page.n));
    }, 400);
  }

  viewer.addEventListener("scroll", () => {
    if (scrollFrame) return;
    scrollFrame = requestAnimationFrame(() => {
      scrollFrame = 0;
      updateCurrent();
      pump();
    });
  }, { passive: true });

  function goToPage(n) {
    const page = byNumber(Math.min(pages.length, Math.max(1, Math.round(n))));
    if (!page) return;
    viewer.scrollTop = pagesBox.offsetTop + page.slot.offsetTop - 8;
    updateCurrent();
  }

  /* ---------- page images, loaded near the viewport ---------- */

  function wantedWidth(page) {
    const pixels = page.meta.width * page.scale * (window.devicePixelRatio || 1);
    return WIDTH_BUCKETS.find((bucket) => bucket >= pixels) || WIDTH_BUCKETS[WIDTH_BUCKETS.length - 1];
  }

  async function fetchImage(page, width, signal) {
    const response = await fetch(`${base}/pages/${page.n}/image?width=${width}`, { signal, credentials: "same-origin" });
    if (!response.ok) throw new Error(String(response.status));
    return imageFromBlob(await response.blob(), width);
  }

  async function imageFromBlob(blob, width) {
    const url = URL.createObjectURL(blob);
    const probe = new Image();
    probe.src = url;
    try {
      await probe.decode();
    } catch (error) {
      URL.revokeObjectURL(url);
      throw error;
    }
    const raster = !blob.type.includes("svg");
    // A scan is sent at its own resolution at most: asking for more would return the same pixels.
    return { url, width, raster, maxed: raster && probe.naturalWidth < width * 0.95 };
  }

  // Glyph outlines come once per block of pages (docs/rendering.md); each page view only places them.
  const glyphSheets = new Map();
  const blockOf = (page) => Math.floor((page.n - 1) / data.glyph_block_pages);

  function glyphSheet(block) {
    if (!glyphSheets.has(block)) {
      const loading = fetch(`${base}/glyphs/${block}`, { credentials: "same-origin" }).then(async (response) => {
        if (!response.ok) throw new Error(String(response.status));
        const paths = new Map();
        for (const match of (await response.text()).matchAll(/<path id='([^']+)' d='[^']*'\/>/g)) paths.set(match[1], match[0]);
        return paths;
      });
      loading.catch(() => glyphSheets.delete(block));
      glyphSheets.set(block, loading);
    }
    return glyphSheets.get(block);
  }

  async function fetchView(page, signal) {
    const response = await fetch(`${base}/pages/${page.n}/view`, { signal, credentials: "same-origin" });
    if (!response.ok) throw new Error(String(response.status));
    return response.json();
  }

  // A page view's markup comes as strings and runs of glyphs, `[transform, fill, [glyph, x step, ...]]`
  // (storage/pdf/vector.py): each run becomes one line's group of <use> elements.
  function viewMarkup(view) {
    return view.svg.map((part) => {
      if (typeof part === "string") return part;
      const [transform, fill, codes] = part;
      let x = 0;
      let out = `<g transform='${transform}'${fill ? ` fill='${fill}'` : ""}>`;
      for (let index = 0; index < codes.length; index += 2) {
        x += codes[index + 1];
        out += `<use xlink:href='#${view.glyph_ids[codes[index]]}' x='${x}'/>`;
      }
      return `${out}</g>`;
    }).join("");
  }

  // The page's markup with the outlines it places put back in: an ordinary SVG image, drawn again
  // at every zoom like before, but whose glyphs crossed the network once per block.
  async function vectorImage(view) {
    const sheet = await glyphSheet(view.glyphs);
    const markup = viewMarkup(view);
    const defs = view.glyph_ids.map((id) => sheet.get(id) || "").join("");
    const opening = markup.indexOf(">") + 1;
    const image = `${markup.slice(0, opening)}<defs>${defs}</defs>${markup.slice(opening)}`;
    return imageFromBlob(new Blob([image], { type: "image/svg+xml" }), 0);
  }

  // The text layer travels as lines: [top, height, "word word", [x0, width, x0, width, ...]], in 0.1 pt.
  function wordsFromLines(lines) {
    const words = [];
    for (const [top, height, text, positions] of lines) {
      text.split(" ").forEach((word, index) => {
        const x0 = positions[2 * index], width = positions[2 * index + 1];
        words.push([x0 / 10, top / 10, (x0 + width) / 10, (top + height) / 10, word]);
      });
    }
    return words;
  }

  async function pageImage(page, signal) {
    if (page.meta.scanned) return fetchImage(page, wantedWidth(page), signal);
    glyphSheet(blockOf(page)).catch(() => {});  // in parallel with the view, not after it
    const view = await fetchView(page, signal);
    buildTextLayer(page, { words: wordsFromLines(view.lines || []) });
    return view.raster ? fetchImage(page, wantedWidth(page), signal) : vectorImage(view);
  }

  let inFlight = 0;

  function distance(page) {
    return Math.abs(page.n - currentPage.n);
  }

  // Nearest pages first, a few at a time; pages flung past are never fetched.
  function pump() {
    while (inFlight < MAX_IN_FLIGHT) {
      const next = pages
        .filter((page) => page.near && !page.image && !page.loading && !page.failed)
        .sort((a, b) => distance(a) - distance(b))[0];
      if (!next) return;
      loadPage(next);
    }
  }

  async function loadPage(page) {
    const controller = new AbortController();
    page.loading = controller;
    inFlight += 1;
    page.slot.classList.add("loading");
    try {
      const image = await pageImage(page, controller.signal);
      page.image = image;
      page.img.src = image.url;
      page.slot.classList.add("ready");
      if (!page.rendered) {
        page.rendered = true;
        emit("pagerendered", { number: page.n, element: page.el });
      }
    } catch (error) {
      if (error.name !== "AbortError") showFailure(page);
    } finally {
      page.loading = null;
      inFlight -= 1;
      page.slot.classList.remove("loading");
      pump();
    }
  }

  function showFailure(page) {
    page.failed = true;
    page.slot.classList.add("failed");
    const box = document.createElement("div");
    box.className = "page-failure";
    const message = document.createElement("p");
    message.textContent = t("page_failed", { n: page.n });
    const retry = document.createElement("button");
    retry.type = "button";
    retry.className = "button";
    retry.textContent = t("retry");
    retry.addEventListener("click", () => {
      box.remove();
      page.failed = false;
      page.slot.classList.remove("failed");
      pump();
    });
    box.append(message, retry);
    page.el.append(box);
  }

  const nearObserver = new IntersectionObserver((entries) => {
    for (const entry of entries) {
      const page = byNumber(entry.target.dataset.page);
      page.near = entry.isIntersecting;
      if (!page.near && page.loading && !page.image) page.loading.abort();
    }
    pump();
  }, { root: viewer, rootMargin: "100% 0px" });

  // After zooming in, rasters are replaced by sharper ones; SVG pages are crisp at any size already.
  let sharpenTimer = 0;
  function scheduleSharpen() {
    clearTimeout(sharpenTimer);
    sharpenTimer = setTimeout(sharpen, 350);
  }

  async function sharpen() {
    for (const page of pages) {
      const image = page.image;
      if (!page.near || !image || !image.raster || image.maxed || page.loading) continue;
      const width = wantedWidth(page);
      if (width <= image.width) continue;
      const controller = new AbortController();
      page.loading = controller;
      try {
        const sharper = await fetchImage(page, width, controller.signal);
        page.img.src = sharper.url;
        URL.revokeObjectURL(image.url);
        page.image = sharper;
      } catch (_) {
        /* the blurrier image stays: still readable */
      } finally {
        page.loading = null;
      }
    }
  }

  /* ---------- text layer ---------- */

  const measure = document.createElement("canvas").getContext("2d");
  measure.font = `100px ${TEXT_FONT}`;

  // A page stored with /Rotate shows its text turned: read each word box in the text's own frame
  // (u along the line, v across it), then turn the span back, so selection follows the words.
  function readingFrame(rotation, pageWidth, pageHeight) {
    switch (((rotation % 360) + 360) % 360) {
      case 90: return ([x0, y0, x1, y1]) => [y0, pageWidth - x1, y1, pageWidth - x0];
      case 180: return ([x0, y0, x1, y1]) => [pageWidth - x1, pageHeight - y1, pageWidth - x0, pageHeight - y0];
      case 270: return ([x0, y0, x1, y1]) => [pageHeight - y1, x0, pageHeight - y0, x1];
      default: return (box) => box.slice(0, 4);
    }
  }

  function placeSpan(span, rotation, [x0, y0, x1, y1]) {
    const corner = { 90: [x1, y0], 180: [x1, y1], 270: [x0, y1] }[rotation] || [x0, y0];
    span.style.left = `${corner[0]}px`;
    span.style.top = `${corner[1]}px`;
    return rotation ? `rotate(${rotation}deg) ` : "";
  }

  // One transparent span per word, stretched to the word's box, so selection follows the real words.
  function buildTextLayer(page, layer) {
    const words = layer.words || [];
    const sx = layer.width ? page.meta.width / layer.width : 1;
    const sy = layer.height ? page.meta.height / layer.height : 1;
    const rotation = ((page.meta.rotation || 0) % 360 + 360) % 360;
    const frame = readingFrame(rotation, page.meta.width, page.meta.height);
    const boxes = words.map(([x0, y0, x1, y1]) => [x0 * sx, y0 * sy, x1 * sx, y1 * sy]);
    const framed = boxes.map(frame);
    const fragment = document.createDocumentFragment();
    words.forEach((word, index) => {
      const text = word[4];
      const [u0, v0, u1, v1] = framed[index];
      const length = u1 - u0, height = v1 - v0;
      if (!text || length <= 0 || height <= 0) return;
      const span = document.createElement("span");
      const next = framed[index + 1];
      const lineEnds = !next || Math.abs((next[1] + next[3]) / 2 - (v0 + v1) / 2) > height / 2 || next[0] <= u1;
      // Inside a line the span also covers the gap to the next word, so a selection reads as one band.
      const content = lineEnds ? text : text + " ";
      const reach = lineEnds ? length : next[0] - u0;
      span.textContent = content;
      const natural = (measure.measureText(content).width * height) / 100;
      const turn = placeSpan(span, rotation, boxes[index]);
      span.style.fontSize = `${height}px`;
      if (natural > 0) span.style.transform = `${turn}scaleX(${(reach / natural).toFixed(4)})`;
      else if (turn) span.style.transform = turn.trim();
      fragment.append(span);
      if (lineEnds) fragment.append(document.createElement("br"));
    });
    page.textLayer.replaceChildren(fragment);
  }

  /* ---------- pinch, ctrl+wheel and keyboard zoom ---------- */

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
    pinch.ratio = Math.min(MAX_ZOOM / zoom, Math.max(MIN_ZOOM / zoom, now.d / pinch.start.d));
    pinch.now = now;
    pagesBox.style.transform = `translate(${now.x - pinch.start.x}px, ${now.y - pinch.start.y}px) scale(${pinch.ratio})`;
  }

  function endPinch() {
    const { anchor, ratio, box } = pinch;
    const end = pinch.now || pinch.start;
    pinch = null;
    pagesBox.style.transform = "";
    pagesBox.classList.remove("pinching");
    zoom = Math.min(MAX_ZOOM, Math.max(MIN_ZOOM, zoom * ratio));
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
      setZoom(zoom * factor, x, y);
    });
  }, { passive: false });

  document.addEventListener("keydown", (event) => {
    if (event.ctrlKey || event.metaKey || event.altKey || event.target.closest("input, textarea, select, [contenteditable]")) return;
    if (event.key === "+" || event.key === "=") stepZoom(1);
    else if (event.key === "-") stepZoom(-1);
    else if (event.key === "0") setZoom(1, viewer.clientWidth / 2, 0);
    else return;
    event.preventDefault();
  });

  /* ---------- thumbnails ---------- */

  const drawer = document.getElementById("thumbs");
  const backdrop = root.querySelector(".thumbs-backdrop");
  const thumbList = drawer.querySelector(".thumb-list");
  const wideScreen = window.matchMedia("(min-width: 1100px)");

  const thumbObserver = new IntersectionObserver((entries) => {
    for (const entry of entries) {
      if (!entry.isIntersecting) continue;
      const button = entry.target;
      // At this width the server answers a thumbnail: a small JPEG, a text page in at most 12 KB.
      button.querySelector("img").src = `${base}/pages/${button.dataset.goto}/image?width=${data.thumbnail_width}`;
      thumbObserver.unobserve(button);
    }
  }, { root: thumbList, rootMargin: "200px 0px" });

  function toggleDrawer(open) {
    drawer.hidden = !open;
    backdrop.hidden = !open || wideScreen.matches;
    root.classList.toggle("with-thumbs", open);
    document.body.classList.toggle("thumbs-open", open);
    document.querySelectorAll('[data-reader="thumbs"]').forEach((b) => b.setAttribute("aria-expanded", String(open)));
    if (!open) return;
    drawer.querySelectorAll(".thumb").forEach((button) => {
      const here = Number(button.dataset.goto) === currentPage.n;
      if (here) button.setAttribute("aria-current", "page"); else button.removeAttribute("aria-current");
      if (!button.querySelector("img").getAttribute("src")) thumbObserver.observe(button);
    });
    const here = drawer.querySelector('[aria-current="page"]');
    if (here) {
      here.scrollIntoView({ block: "center" });
      here.focus({ preventScroll: true });
    }
  }

  drawer.addEventListener("click", (event) => {
    const button = event.target.closest("[data-goto]");
    if (!button) return;
    goToPage(Number(button.dataset.goto));
    if (!wideScreen.matches) {
      toggleDrawer(false);
      viewer.focus({ preventScroll: true });
    } else {
      drawer.querySelectorAll("[aria-current]").forEach((b) => b.removeAttribute("aria-current"));
      button.setAttribute("aria-current", "page");
    }
  });
  drawer.addEventListener("keydown", (event) => {
    if (event.key === "Escape") toggleDrawer(false);
  });

  // Typing a page number beats flicking through a hundred thumbnails on a slow link.
  drawer.querySelector("[data-goto-form]").addEventListener("submit", (event) => {
    event.preventDefault();
    const field = event.target.elements.page;
    const number = Math.round(Number(field.value));
    if (!byNumber(number)) {
      field.setCustomValidity(t("page_out_of_range", { total: pages.length }));
      field.reportValidity();
      return;
    }
    field.value = "";
    goToPage(number);
    if (!wideScreen.matches) toggleDrawer(false);
    viewer.focus({ preventScroll: true });
  });
  drawer.querySelector("[data-goto-form] input").addEventListener("input", (event) => event.target.setCustomValidity(""));

  /* ---------- toolbar ---------- */

  document.addEventListener("click", (event) => {
    const button = event.target.closest("[data-reader]");
    if (!button) return;
    switch (button.dataset.reader) {
      case "thumbs": toggleDrawer(drawer.hidden); break;
      case "thumbs-close": toggleDrawer(false); break;
      case "zoom-in": stepZoom(1); break;
      case "zoom-out": stepZoom(-1); break;
      case "fit": setZoom(1, viewer.clientWidth / 2, 0); break;
      case "rotate": rotate(currentPage); break;
      default:
    }
  });

  /* ---------- when the secretary replaces or withdraws this document ---------- */

  const notice = document.getElementById("reader-notice");

  /** The active version that took this one's place, following a chain of replacements; null if none. */
  async function successorOf(item) {
    for (const candidate of item ? item.documents.filter((doc) => doc.version > data.version) : []) {
      let id = candidate.id;
      for (let step = 0; id && step < 5; step += 1) {
        const detail = await api("GET", `/api/documents/${id}`);
        if (detail.replaces_id === data.id) return candidate;
        id = detail.replaces_id;
      }
    }
    return null;
  }

  async function checkStillCurrent() {
    let meeting, mine;
    try {
      meeting = await api("GET", `/api/meetings/${root.dataset.meetingId}`);
    } catch (_) {
      return;  // gone or unreachable: meeting:removed or the next update will tell
    }
    const item = meeting.agenda.find((entry) => entry.id === data.agenda_item_id);
    if (item && item.documents.some((doc) => doc.id === data.id)) {
      notice.hidden = true;
      return;
    }
    try {
      mine = await api("GET", base);
    } catch (_) {
      mine = { status: "withdrawn" };  // members no longer see a withdrawn document at all
    }
    const replaced = mine.status === "replaced";
    const successor = replaced ? await successorOf(item).catch(() => null) : null;
    notice.querySelector('[data-notice="replaced"]').hidden = !replaced;
    notice.querySelector('[data-notice="withdrawn"]').hidden = replaced;
    const link = notice.querySelector("[data-notice-successor]");
    link.hidden = !successor;
    if (successor) link.href = `/documents/${successor.id}`;
    notice.hidden = false;
  }

  if (data.status !== "active") checkStillCurrent();

  // The socket library loads after this script (see reader.html).
  document.addEventListener("DOMContentLoaded", () => {
    const socket = live();
    if (!socket) return;
    socket.on("meeting:updated", ({ id }) => {
      if (String(id) === root.dataset.meetingId) checkStillCurrent();
    });
    socket.on("meeting:removed", ({ id }) => {
      if (String(id) === root.dataset.meetingId) window.location.assign("/");
    });
  });

  /* ---------- the extension point ---------- */

  window.PHReader = {
    documentId: data.id,
    meetingId: Number(root.dataset.meetingId),
    title: data.title,
    pages: data.pages,
    viewer,
    /** The `.page[data-page=n]` container: image, `.text-layer`, `.annotation-layer`. */
    pageElement: (n) => (byNumber(n) ? byNumber(n).el : null),
    /** CSS px per PDF point of page n, as displayed now (pages fit the width one by one). */
    scale: (n) => (byNumber(n) || currentPage).scale,
    zoom: () => zoom,
    rotation: (n) => (byNumber(n) ? byNumber(n).rotation : 0),
    currentPage: () => currentPage.n,
    isRendered: (n) => Boolean(byNumber(n) && byNumber(n).rendered),
    goToPage,
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
    on(name, handler) {
      (handlers[name] = handlers[name] || []).push(handler);
      return () => this.off(name, handler);
    },
    off(name, handler) {
      handlers[name] = (handlers[name] || []).filter((h) => h !== handler);
    },
  };

  /* ---------- start ---------- */

  layout();
  const fromHash = /page=(\d+)/.exec(window.location.hash);
  const start = fromHash ? Number(fromHash[1]) : Number(localStorage.getItem(`ph.lastpage.${data.id}`)) || 1;
  if (start > 1) goToPage(start);
  updateCurrent();
  pages.forEach((page) => nearObserver.observe(page.slot));
  window.addEventListener("hashchange", () => {
    const match = /page=(\d+)/.exec(window.location.hash);
    if (match && Number(match[1]) !== currentPage.n) goToPage(Number(match[1]));
  });

  // Toasts drop just below the top bar (app.css), clear of the tool bars at the bottom.
  const topBar = document.querySelector(".reader-top");
  new ResizeObserver(() => {
    document.body.style.setProperty("--reader-top", `${topBar.getBoundingClientRect().bottom}px`);
  }).observe(topBar);

  let lastWidth = viewer.clientWidth;
  new ResizeObserver(() => {
    if (viewer.clientWidth === lastWidth) return;
    lastWidth = viewer.clientWidth;
    relayout(anchorAt(viewer.clientWidth / 2, 0));
  }).observe(viewer);

  document.dispatchEvent(new CustomEvent("phreader:ready", { detail: window.PHReader }));
})();
