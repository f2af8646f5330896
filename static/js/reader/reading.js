// Reading mode (Chế độ đọc): the document as its paragraphs, in reading order, at the reader's own type
// size. Headings stay headings, printed numbers stay in the text, table rows read as blocks (with the
// printed table one tap away), and what has no text (a scan, a figure) shows as the page's image.
// Pages of text come a few at a time as they near the screen (GET /api/documents/<id>/text).
//
// A paragraph's number in the margin shows its comment count and opens its thread; selections and
// highlights are matched to the printed words by words.js.

import { textChunk } from "./chunks.js";
import { createWords } from "./words.js";
import * as PH from "../app.js";

export { textChunks } from "./chunks.js";

const FIGURE_GAP_PT = 90;  // this much empty height between two paragraphs of a page is a figure

function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

export function createReading(ctx) {
  const { state, base, t } = ctx;
  const { pages, data } = state;
  const box = document.getElementById("reading");
  const sections = new Map([...box.querySelectorAll(".reading-page")].map((node) => [Number(node.dataset.page), node]));
  const loaded = new Map();   // page number -> promise of its data
  const paragraphs = new Map();  // id -> paragraph with text
  let counts = new Map();
  const words = createWords(ctx, box, paragraphs);

  /* ---------- loading and drawing ---------- */

  function imageWidth(pageWidthPt, zoom = 1) {
    const pixels = box.clientWidth * zoom * (window.devicePixelRatio || 1);
    const buckets = data.width_buckets;
    return buckets.find((bucket) => bucket >= pixels) || buckets[buckets.length - 1];
  }

  function pageImage(number, label, zoom = 1) {
    const img = el("img", "reading-image");
    img.loading = "lazy";
    img.decoding = "async";
    img.alt = label;
    const meta = state.byNumber(number).meta;
    img.width = meta.width;
    img.height = meta.height;
    img.src = `${base}/pages/${number}/image?width=${imageWidth(meta.width, zoom)}`;
    return img;
  }

  /** The box [x0, y0, x1, y1] of page `number` (points), cut out of its image: a figure, a printed table. */
  function pageBand(number, box, label) {
    const meta = state.byNumber(number).meta;
    const x0 = Math.max(0, box[0]), y0 = Math.max(0, box[1]);
    const x1 = Math.min(meta.width, box[2]), y1 = Math.min(meta.height, box[3]);
    const frame = el("figure", "reading-band");
    frame.style.aspectRatio = `${x1 - x0} / ${Math.max(1, y1 - y0)}`;
    const zoom = meta.width / (x1 - x0);
    const img = pageImage(number, label, zoom);
    img.style.width = `${(100 * zoom).toFixed(2)}%`;
    img.style.transform = `translate(${((-100 * x0) / meta.width).toFixed(3)}%, ${((-100 * y0) / meta.height).toFixed(3)}%)`;
    frame.append(img);
    return frame;
  }

  function markButton(paragraph) {
    const button = el("button", "rp-mark");
    button.type = "button";
    button.dataset.paragraphComments = paragraph.id;
    button.classList.toggle("unlabelled", paragraph.label == null);  // its rank, not a printed number
    button.append(el("span", "rp-number", paragraph.label ?? String(paragraph.number)));
    return button;
  }

  function paragraphNode(paragraph) {
    const heading = paragraph.kind === "heading";
    const node = el("div", `rp rp-${paragraph.kind}`);
    node.dataset.paragraph = paragraph.id;
    node.dataset.page = paragraph.page;
    const text = el(heading ? "h2" : "p", "rp-text", paragraph.text);
    text.lang = "vi";  // the documents are Vietnamese whatever the language of the interface
    node.append(markButton(paragraph), text);
    return node;
  }

  function tableNode(rows) {
    const group = el("div", "rp-table-group");
    for (const row of rows) group.append(paragraphNode(row));
    const page = rows[0].page;
    const onPage = rows.flatMap((row) => (row.parts.length ? row.parts : [{ page: row.page, bbox: row.bbox }]))
      .filter((part) => part.page === page);
    const edge = (index, pick, pad) => pick(...onPage.map((part) => part.bbox[index])) + pad;
    const band = [edge(0, Math.min, -8), edge(1, Math.min, -8), edge(2, Math.max, 8), edge(3, Math.max, 8)];
    const show = el("button", "button small rp-table-toggle", t("show_table"));
    show.type = "button";
    show.setAttribute("aria-expanded", "false");
    show.addEventListener("click", () => {
      const open = show.getAttribute("aria-expanded") !== "true";
      show.setAttribute("aria-expanded", String(open));
      show.textContent = t(open ? "hide_table" : "show_table");
      const shown = group.querySelector(".reading-band");
      if (shown) shown.remove();
      if (open) show.after(pageBand(page, band, t("table_on_page", { n: page })));
    });
    group.append(show);
    return group;
  }

  function drawPage(info) {
    const section = sections.get(info.number);
    const label = t("page_n", { n: info.number });
    const children = [el("p", "reading-page-label", label)];
    if (!info.has_text) {
      children.push(pageImage(info.number, label));
    } else {
      const list = info.paragraphs;
      let previous = null;
      for (let index = 0; index < list.length; index += 1) {
        const paragraph = list[index];
        paragraphs.set(paragraph.id, paragraph);
        if (previous && previous.page === paragraph.page && paragraph.bbox[1] - previous.bbox[3] > FIGURE_GAP_PT) {
          const x0 = Math.min(previous.bbox[0], paragraph.bbox[0]), x1 = Math.max(previous.bbox[2], paragraph.bbox[2]);
          const figure = [x0 - 4, previous.bbox[3] + 2, x1 + 4, paragraph.bbox[1] - 2];
          children.push(pageBand(paragraph.page, figure, t("figure_on_page", { n: paragraph.page })));
        }
        if (paragraph.kind === "table") {
          const rows = [paragraph];
          while (list[index + 1] && list[index + 1].kind === "table") rows.push(list[(index += 1)]);
          rows.forEach((row) => paragraphs.set(row.id, row));
          children.push(tableNode(rows));
          previous = rows[rows.length - 1];
        } else {
          children.push(paragraphNode(paragraph));
          previous = paragraph;
        }
      }
    }
    section.replaceChildren(...children);
    section.classList.add("ready");
    applyCounts(section);
    placeMarks(info.number);
    state.emit("paragraphs", { list: info.paragraphs });
    words.repaintNear(info.number);
  }

  /** The chunk of pages holding page `number`, fetched once; resolves when it is drawn. */
  function load(number) {
    if (loaded.has(number)) return loaded.get(number);
    const [first, last] = textChunk(number, pages.length);
    number = first;
    const request = PH.api("GET", `${base}/text?from=${first}&to=${last}`).then((answer) => {
      answer.pages.forEach(drawPage);
    });
    for (let n = number; n <= last; n += 1) loaded.set(n, request);
    request.catch(() => {
      for (let n = number; n <= last; n += 1) loaded.delete(n);
      const section = sections.get(number);
      if (!section || section.querySelector(".reading-failure")) return;
      // Weak signal: say so where the text should be, and let the delegate ask again.
      const failure = el("div", "reading-failure");
      const retry = el("button", "button", t("retry"));
      retry.type = "button";
      retry.addEventListener("click", () => {
        failure.remove();
        load(number).catch(() => {});
      });
      failure.append(el("p", "", t("page_failed", { n: number })), retry);
      section.append(failure);
    });
    return request;
  }

  const nearObserver = new IntersectionObserver((entries) => {
    for (const entry of entries) {
      if (entry.isIntersecting) load(Number(entry.target.dataset.page)).catch(() => {});
    }
  }, { root: box, rootMargin: "100% 0px" });

  /* ---------- comment counts and taps ---------- */

  function applyCounts(scope) {
    for (const button of scope.querySelectorAll("[data-paragraph-comments]")) {
      const id = Number(button.dataset.paragraphComments);
      const paragraph = paragraphs.get(id);
      const count = counts.get(id) || 0;
      let bubble = button.querySelector(".rp-count");
      if (count && !bubble) button.append((bubble = el("span", "rp-count")));
      if (bubble && !count) bubble.remove();
      if (bubble) bubble.textContent = String(count);
      button.classList.toggle("has-comments", count > 0);
      const name = paragraph ? (paragraph.citation || t("paragraph_n", { n: paragraph.label ?? paragraph.number })) : "";
      button.setAttribute("aria-label", count
        ? PH.t("comments_on", { name, count, n: count })
        : t("comment_on_paragraph", { name }));
    }
  }

  /* ---------- notes and ink, where they are on the page ---------- */

  let marks = [];
  const markPage = (mark) => (mark.target && mark.target.page) || mark.page;
  /** Where on its page a note or a stroke is, in points from the top. */
  function markTop(mark) {
    const target = mark.target || {};
    if (target.point) return target.point[1];
    const ys = (target.paths || []).flat().map((point) => point[1]);
    return ys.length ? Math.min(...ys) : 0;
  }

  /** Each note and stroke of a drawn page, after the paragraph it sits beside (or atop the page). */
  function placeMarks(number) {
    const section = sections.get(number);
    if (!section || !section.classList.contains("ready")) return;
    section.querySelectorAll(".reading-mark").forEach((node) => node.remove());
    for (const mark of marks.filter((m) => markPage(m) === number).sort((a, b) => markTop(b) - markTop(a))) {
      const top = markTop(mark);
      const beside = [...section.querySelectorAll(".rp[data-paragraph]")]
        .filter((node) => Number(node.dataset.page) === number)
        .filter((node) => (paragraphs.get(Number(node.dataset.paragraph)) || { bbox: [0, Infinity] }).bbox[1] <= top + 2)
        .pop();
      const node = el("aside", `reading-mark ${mark.kind}`);
      const name = mark.author ? mark.author.name : "";
      const head = el("strong", "", mark.kind === "ink" ? t("ink_in_text", { name, n: number }) : t("note_in_text", { name }));
      node.append(head);
      if (mark.kind === "note" && mark.body) {
        const body = el("p", "", mark.body);
        body.lang = "vi";
        node.append(body);
      }
      const show = el("button", "button small", t("show_on_page"));
      show.type = "button";
      show.addEventListener("click", async () => {
        if (ctx.toolbar) await ctx.toolbar.setView("pages");
        ctx.goToPage(number, Math.max(0, top - 20) / (pages[number - 1].meta.height || 1));
      });
      node.append(show);
      if (beside) beside.after(node);
      else section.querySelector(".reading-page-label").after(node);
    }
  }

  /** The notes and ink the delegate may see (shared ones and their own), shown in the text. */
  function showMarks(next) {
    const touched = new Set([...marks, ...next].map(markPage));
    marks = next;
    touched.forEach(placeMarks);
  }

  /** Comments per paragraph id, as the annotation layer counts them. */
  function showCounts(next) {
    counts = next;
    applyCounts(box);
  }

  box.addEventListener("click", (event) => {
    const button = event.target.closest("[data-paragraph-comments]");
    if (button) state.emit("paragraphtap", { id: Number(button.dataset.paragraphComments) });
  });

  /* ---------- where the reader is ---------- */

  let scrollFrame = 0;
  function updateCurrent() {
    if (state.view !== "text") return;
    const y = box.getBoundingClientRect().top + box.clientHeight * 0.35;
    let here = null;
    for (const [number, section] of sections) {
      if (section.getBoundingClientRect().top <= y) here = number; else break;
    }
    state.setCurrent(state.byNumber(here || 1));
  }
  box.addEventListener("scroll", () => {
    if (scrollFrame) return;
    scrollFrame = requestAnimationFrame(() => {
      scrollFrame = 0;
      updateCurrent();
    });
  }, { passive: true });

  function paragraphTop(paragraph, number) {
    const part = (paragraph.parts || []).find((p) => p.page === number);
    return part ? part.bbox[1] : paragraph.page === number ? paragraph.bbox[1] : null;
  }

  /** Page `number` at the top, at the paragraph found `fraction` of the way down the printed page. */
  async function goToPage(number, fraction = 0) {
    const section = sections.get(number);
    if (!section) return;
    section.scrollIntoView({ block: "start" });  // near enough while its text loads
    try {
      await load(number);
      if (number > 1) await load(number - 1);  // the paragraph that runs onto this page, if any
    } catch (_) {
      return;
    }
    const height = state.byNumber(number).meta.height;
    let target = section;
    if (fraction > 0.02) {
      const y = fraction * height;
      const candidates = [...box.querySelectorAll(".rp")].filter((node) => {
        const paragraph = paragraphs.get(Number(node.dataset.paragraph));
        return paragraph && paragraph.page <= number && paragraph.page >= number - 3 && paragraphTop(paragraph, number) !== null;
      });
      // The last paragraph starting above the point: the one being read there.
      for (const node of candidates) {
        const paragraph = paragraphs.get(Number(node.dataset.paragraph));
        const top = paragraphTop(paragraph, number);
        if (top <= y + 4 || target === section) target = node;
        if (top > y + 4) break;
      }
    }
    target.scrollIntoView({ block: "start" });
    updateCurrent();
  }

  /** The paragraph at the top of the screen as a page and how far down it, for the page view. */
  function place() {
    const top = box.getBoundingClientRect().top + 4;
    for (const node of box.querySelectorAll(".rp, .reading-page-label")) {
      const rect = node.getBoundingClientRect();
      if (rect.bottom <= top) continue;
      const number = Number(node.closest(".reading-page").dataset.page);
      const paragraph = paragraphs.get(Number(node.dataset.paragraph));
      if (!paragraph) return { page: number, fraction: 0 };
      const meta = state.byNumber(paragraph.page).meta;
      return { page: paragraph.page, fraction: Math.max(0, paragraph.bbox[1] - 10) / meta.height };
    }
    return { page: state.current.n, fraction: 0 };
  }

  /* ---------- showing and hiding ---------- */

  function start() {
    sections.forEach((section) => nearObserver.observe(section));
    words.paint();
  }

  return { goToPage, place, showCounts, showMarks, showHighlights: words.showHighlights, selectionTargets: words.selectionTargets, start, updateCurrent, element: box, paragraph: (id) => paragraphs.get(id) || null, paragraphs: () => [...paragraphs.values()] };
}
