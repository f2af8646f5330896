// Reading mode's text matched to the printed page's words (`/api/documents/<id>/pages/<n>/text`): a
// selection becomes quads on its page, one per line (so a highlight made in reading mode is an ordinary
// one, seen by the page view, the other delegates and every export), and highlights are painted back
// over the words they cover with the CSS Custom Highlight API.
import * as PH from "../app.js";

/** `box`: reading mode's element; `paragraphs`: the paragraphs it shows, by id (with their text). */
export function createWords(ctx, box, paragraphs) {
  const { state, base } = ctx;

  /* ---------- a selection as quads on its page ---------- */

  const pageWords = new Map();
  function wordsOf(number) {
    if (!pageWords.has(number)) {
      const loading = PH.api("GET", `${base}/pages/${number}/text`).then((answer) => answer.words);
      loading.catch(() => pageWords.delete(number));
      pageWords.set(number, loading);
    }
    return pageWords.get(number);
  }

  const inside = (word, [x0, y0, x1, y1]) => {
    const cx = (word[0] + word[2]) / 2, cy = (word[1] + word[3]) / 2;
    return cx >= x0 - 1 && cx <= x1 + 1 && cy >= y0 - 1 && cy <= y1 + 1;
  };
  const squash = (text) => text.normalize("NFC").replace(/\s+/g, "");

  /** Word boxes of a paragraph's characters: for each non-space character of its text, its word. */
  async function charWords(paragraph) {
    const parts = paragraph.parts.length ? paragraph.parts : [{ page: paragraph.page, bbox: paragraph.bbox }];
    const words = [];
    for (const part of parts) {
      for (const word of await wordsOf(part.page)) if (inside(word, part.bbox)) words.push({ page: part.page, box: word });
    }
    const printed = [];  // one entry per character of the words as printed
    words.forEach((word) => { for (const _ of squash(word.box[4])) printed.push(word); });
    const letters = [...squash(paragraph.text)];
    const printedLetters = words.flatMap((word) => [...squash(word.box[4])]);
    const map = [];
    let j = 0;
    for (let i = 0; i < letters.length; i += 1) {
      if (letters[i] === printedLetters[j]) {
        map.push(printed[j]);
        j += 1;
        continue;
      }
      // The text was joined from its lines (a hyphen dropped, a space added): find the next match near.
      const ahead = printedLetters.slice(j, j + 12).indexOf(letters[i]);
      if (ahead >= 0) {
        j += ahead;
        map.push(printed[j]);
        j += 1;
      } else {
        map.push(printed[Math.max(0, j - 1)] || null);
      }
    }
    return map;
  }

  function linesOf(words) {
    const lines = [];
    for (const [x0, y0, x1, y1] of words) {
      const line = lines.find((l) => Math.min(l[3], y1) - Math.max(l[1], y0) > 0.5 * Math.min(l[3] - l[1], y1 - y0));
      if (line) {
        line[0] = Math.min(line[0], x0);
        line[1] = Math.min(line[1], y0);
        line[2] = Math.max(line[2], x1);
        line[3] = Math.max(line[3], y1);
      } else {
        lines.push([x0, y0, x1, y1]);
      }
    }
    return lines.sort((a, b) => a[1] - b[1]).map((quad) => quad.map((v) => Math.round(v * 10) / 10));
  }

  /** Non-space characters of `node`'s text before `offset` in `container`. */
  function lettersBefore(node, container, offset) {
    const range = document.createRange();
    range.selectNodeContents(node);
    range.setEnd(container, offset);
    return squash(range.toString()).length;
  }

  /** What a selection in reading mode covers, page by page: [{page, quads, quote}], in reading order. */
  async function selectionTargets(range) {
    const texts = [...box.querySelectorAll(".rp-text")].filter((node) => range.intersectsNode(node));
    const chosen = new Map();  // page -> [{word box}]
    for (const text of texts) {
      const paragraph = paragraphs.get(Number(text.closest(".rp").dataset.paragraph));
      if (!paragraph) continue;
      const map = await charWords(paragraph);
      const start = text.contains(range.startContainer) ? lettersBefore(text, range.startContainer, range.startOffset) : 0;
      const end = text.contains(range.endContainer) ? lettersBefore(text, range.endContainer, range.endOffset) : map.length;
      const seen = new Set();
      for (const word of map.slice(start, end)) {
        if (!word || seen.has(word)) continue;
        seen.add(word);
        if (!chosen.has(word.page)) chosen.set(word.page, []);
        chosen.get(word.page).push(word.box);
      }
    }
    return [...chosen].sort((a, b) => a[0] - b[0]).map(([page, words]) => ({
      page, quads: linesOf(words), quote: words.map((word) => word[4]).join(" "),
    }));
  }

  /* ---------- highlights, drawn over the words they cover ---------- */

  // The CSS Custom Highlight API paints ranges without touching the text; where a browser lacks it,
  // reading mode shows no highlights (they are still on the pages and in every export).
  const painting = typeof Highlight === "function" && window.CSS && CSS.highlights;
  let highlights = [];
  let colors = {};
  let paintTicket = 0;

  /** Ranges of `node`'s text covering its non-space characters `from`..`to` (exclusive). */
  function letterRange(node, from, to) {
    const text = node.firstChild;
    if (!text) return null;
    let letters = 0, start = -1, end = -1;
    const raw = text.textContent;
    let offset = 0;
    for (const char of raw) {  // code points, as squash() counts them
      if (!/\s/.test(char)) {
        if (letters === from) start = offset;
        letters += 1;
        if (letters === to) { end = offset + char.length; break; }
      }
      offset += char.length;
    }
    if (start < 0 || end < 0) return null;
    const range = new Range();
    range.setStart(text, start);
    range.setEnd(text, end);
    return range;
  }

  async function paint() {
    if (!painting || state.view !== "text") return;
    const ticket = (paintTicket += 1);
    const byColor = new Map();
    const pagesWithMarks = new Set(highlights.map((h) => h.page));
    for (const node of box.querySelectorAll(".rp-text")) {
      const paragraph = paragraphs.get(Number(node.closest(".rp").dataset.paragraph));
      const parts = paragraph && (paragraph.parts.length ? paragraph.parts : [{ page: paragraph.page }]);
      if (!parts || !parts.some((part) => pagesWithMarks.has(part.page))) continue;
      let map;
      try {
        map = await charWords(paragraph);
      } catch (_) {
        continue;
      }
      if (ticket !== paintTicket) return;
      for (const highlight of highlights) {
        const covered = (word) => word && word.page === highlight.page && highlight.target.quads.some((quad) => inside(word.box, quad));
        let from = -1;
        for (let i = 0; i <= map.length; i += 1) {
          const on = i < map.length && covered(map[i]);
          if (on && from < 0) from = i;
          if (!on && from >= 0) {
            const range = letterRange(node, from, i);
            const name = `ph-${colors[highlight.target.color] ? highlight.target.color : "yellow"}`;
            if (range) (byColor.get(name) || byColor.set(name, []).get(name)).push(range);
            from = -1;
          }
        }
      }
    }
    for (const name of Object.keys(colors)) CSS.highlights.delete(`ph-${name}`);
    for (const [name, ranges] of byColor) CSS.highlights.set(name, new Highlight(...ranges));
  }

  /** The highlights to show, as the annotation layer holds them, and their colours by name. */
  function showHighlights(list, palette) {
    if (palette && !Object.keys(colors).length && painting) {
      colors = palette;
      const sheet = new CSSStyleSheet();
      sheet.replaceSync(Object.entries(palette)
        .map(([name, color]) => `::highlight(ph-${name}) { background-color: ${color}; }`).join("\n"));
      document.adoptedStyleSheets = [...document.adoptedStyleSheets, sheet];
    }
    highlights = list;
    paint();
  }

  /** Paint again when page `number` was drawn next to a page with highlights. */
  function repaintNear(number) {
    if (highlights.some((h) => h.page >= number - 1 && h.page <= number + 1)) paint();
  }

  return { selectionTargets, showHighlights, paint, repaintNear };
}
