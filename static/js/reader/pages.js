// The pages: which one is being read, and their images and text layers, loaded near the viewport a
// few at a time (nearest first), sharpened after zooming in, with a retry where one failed.
import { buildTextLayer, vectorImage, wordsFromLines } from "./textlayer.js";
// Not used here, but a module imported when asked that reaches app.js shares its chunk (esbuild puts
// a module in one chunk with the modules the same entry points reach): one request fewer before page 1.
import "../app.js";

const MAX_IN_FLIGHT = 3;  // leaves connections free for the socket and the text layers on 4G

export function createPages(ctx) {
  const { state, viewer, pagesBox, base, t } = ctx;
  const { pages, data } = state;
  const WIDTH_BUCKETS = data.width_buckets;  // as storage/page_cache.py snaps widths

  /* ---------- the current page ---------- */

  function updateCurrent() {
    if (state.view !== "pages" || !viewer.clientHeight) return;
    state.setCurrent(ctx.zoom.pageAtOffset(viewer.scrollTop + viewer.clientHeight * 0.35 - pagesBox.offsetTop));
  }

  let scrollFrame = 0;
  viewer.addEventListener("scroll", () => {
    if (scrollFrame) return;
    scrollFrame = requestAnimationFrame(() => {
      scrollFrame = 0;
      updateCurrent();
      pump();
    });
  }, { passive: true });

  /** Page n at the top of the screen; `fraction` of its height further down when given. */
  function goToPage(n, fraction = 0) {
    const page = state.byNumber(Math.min(pages.length, Math.max(1, Math.round(n))));
    if (!page) return;
    viewer.scrollTop = pagesBox.offsetTop + page.slot.offsetTop + fraction * page.slot.offsetHeight - 8;
    updateCurrent();
  }

  /* ---------- page images ---------- */

  function wantedWidth(page) {
    const pixels = page.meta.width * page.scale * (window.devicePixelRatio || 1);
    return WIDTH_BUCKETS.find((bucket) => bucket >= pixels) || WIDTH_BUCKETS[WIDTH_BUCKETS.length - 1];
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

  async function fetchImage(page, width, signal) {
    const response = await fetch(`${base}/pages/${page.n}/image?width=${width}`, { signal, credentials: "same-origin" });
    if (!response.ok) throw new Error(String(response.status));
    return imageFromBlob(await response.blob(), width);
  }

  async function fetchView(page, signal) {
    const response = await fetch(`${base}/pages/${page.n}/view`, { signal, credentials: "same-origin" });
    if (!response.ok) throw new Error(String(response.status));
    return response.json();
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

  /** The page's image and, but for a scan, its words (for the text layer). */
  async function pageImage(page, signal) {
    if (page.meta.scanned) return { image: await fetchImage(page, wantedWidth(page), signal) };
    glyphSheet(blockOf(page)).catch(() => {});  // in parallel with the view, not after it
    const view = await fetchView(page, signal);
    const words = wordsFromLines(view.lines || []);
    if (view.raster) return { image: await fetchImage(page, wantedWidth(page), signal), words };
    return { image: await imageFromBlob(vectorImage(view, await glyphSheet(view.glyphs)), 0), words };
  }

  // After the frame that shows what was just put on screen (a hidden tab waits until it is shown).
  const afterPaint = () => new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0)));

  let inFlight = 0;

  function distance(page) {
    return Math.abs(page.n - state.current.n);
  }

  // Nearest pages first, a few at a time; pages flung past are never fetched. Until the first page is
  // drawn it has the link (and the processor) to itself: on a slow link the next page only delays it.
  let drawnAny = false;
  function pump() {
    if (state.view !== "pages") return;
    while (inFlight < (drawnAny ? MAX_IN_FLIGHT : 1)) {
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
      const { image, words } = await pageImage(page, controller.signal);
      page.image = image;
      page.img.src = image.url;
      // The page the delegate is waiting for shows at once; pages scrolled to later fade in (app.css).
      if (!drawnAny) page.slot.classList.add("at-once");
      page.slot.classList.add("ready");
      drawnAny = true;
      // Its words (transparent, for selecting) once it is on screen: they need not delay that frame.
      if (words) {
        await afterPaint();
        buildTextLayer(page, { words });
      }
      if (!page.rendered) {
        page.rendered = true;
        state.emit("pagerendered", { number: page.n, element: page.el });
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
      const page = state.byNumber(entry.target.dataset.page);
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

  function observe() {
    pages.forEach((page) => nearObserver.observe(page.slot));
  }

  /** Where the top of the screen is: a page and how far down it, for reading mode to take over. */
  function place() {
    const y = viewer.scrollTop + 8 - pagesBox.offsetTop;
    const page = ctx.zoom.pageAtOffset(y);
    return { page: page.n, fraction: Math.max(0, Math.min(1, (y - page.slot.offsetTop) / page.slot.offsetHeight)) };
  }

  return { updateCurrent, goToPage, pump, scheduleSharpen, observe, place };
}
