// Reading mode: a text selection offers highlight colours and "comment"; a tap on a highlight shows
// it. A tap elsewhere on the text does nothing: readers touch the page all the time to scroll and zoom,
// so a paragraph's comments open only from its number in the margin (pages.js).

const TAP_MOVE_PX = 10;
const TAP_MS = 450;

/** Client rectangles of the selection on one page, as [x0, y0, x1, y1] quads in PDF points, one per line. */
export function selectionQuads(reader, number, range) {
  const page = reader.pages[number - 1];
  const box = reader.pageElement(number).getBoundingClientRect();
  const quads = [];
  for (const rect of range.getClientRects()) {
    if (rect.width < 1 || rect.height < 1) continue;
    const cx = rect.left + rect.width / 2, cy = rect.top + rect.height / 2;
    if (cx < box.left || cx > box.right || cy < box.top || cy > box.bottom) continue;
    const corners = [[rect.left, rect.top], [rect.right, rect.top], [rect.left, rect.bottom], [rect.right, rect.bottom]]
      .map(([x, y]) => reader.toPagePoint(number, x, y));
    const xs = corners.map((c) => c[0]), ys = corners.map((c) => c[1]);
    quads.push([
      Math.max(0, Math.min(...xs)), Math.max(0, Math.min(...ys)),
      Math.min(page.width, Math.max(...xs)), Math.min(page.height, Math.max(...ys)),
    ]);
  }
  // Word boxes and text boxes arrive interleaved; one quad per line is what a reader means.
  const lines = [];
  for (const quad of quads) {
    const line = lines.find((l) => Math.min(l[3], quad[3]) - Math.max(l[1], quad[1]) > 0.5 * Math.min(l[3] - l[1], quad[3] - quad[1]));
    if (line) {
      line[0] = Math.min(line[0], quad[0]);
      line[1] = Math.min(line[1], quad[1]);
      line[2] = Math.max(line[2], quad[2]);
      line[3] = Math.max(line[3], quad[3]);
    } else {
      lines.push([...quad]);
    }
  }
  lines.sort((a, b) => a[1] - b[1]);
  return lines.map((quad) => quad.map((v) => Math.round(v * 10) / 10));
}

export function createSelection(ctx) {
  const { reader, t } = ctx;
  const menu = document.querySelector("[data-selection-menu]");
  let current = null;  // {number, quads, quote, paragraph}

  function hideMenu() {
    menu.hidden = true;
    current = null;
  }

  function place(popover, rect) {
    popover.hidden = false;
    const width = popover.offsetWidth, height = popover.offsetHeight;
    const below = rect.bottom + 12 + height < window.innerHeight - 140;  // keep clear of the toolbars
    // Never off the screen, even for a selection partly scrolled away.
    const top = Math.min(window.innerHeight - height - 8, below ? rect.bottom + 12 : Math.max(8, rect.top - height - 12));
    const left = Math.min(window.innerWidth - width - 8, Math.max(8, rect.left + rect.width / 2 - width / 2));
    popover.style.top = `${top}px`;
    popover.style.left = `${left}px`;
  }

  // In reading mode the words are not where they are printed: the reader finds their quads on the page.
  let asked = 0;
  async function readTextSelection(selection, range) {
    const ticket = (asked += 1);
    const quote = selection.toString().replace(/\s+/g, " ").trim().slice(0, 5000);
    let parts = [];
    try {
      parts = await reader.reading.selectionTargets(range);
    } catch (_) { /* the page's words did not come: nothing to highlight */ }
    if (ticket !== asked) return;
    parts = parts.filter((part) => part.quads.length);
    if (!parts.length || !quote) return hideMenu();
    const start = range.startContainer.parentElement && range.startContainer.parentElement.closest(".rp");
    const paragraph = start ? ctx.paragraph(Number(start.dataset.paragraph)) : null;
    // Each page gets its own highlight; the first carries what was selected as its quote.
    parts[0].quote = quote;
    current = { number: parts[0].page, quads: parts[0].quads, quote, paragraph, parts };
    place(menu, range.getBoundingClientRect());
  }

  function readSelection() {
    if (ctx.tool() !== "read") return hideMenu();
    const selection = window.getSelection();
    if (!selection || selection.isCollapsed || !selection.rangeCount) return hideMenu();
    const range = selection.getRangeAt(0);
    if (reader.reading.element.contains(range.commonAncestorContainer)) return readTextSelection(selection, range);
    const start = range.startContainer.parentElement && range.startContainer.parentElement.closest(".page");
    if (!start || !start.querySelector(".text-layer").contains(range.startContainer)) return hideMenu();
    const number = Number(start.dataset.page);
    const quads = selectionQuads(reader, number, range);
    const quote = selection.toString().replace(/\s+/g, " ").trim().slice(0, 5000);
    if (!quads.length || !quote) return hideMenu();
    const [x0, y0, x1, y1] = quads[0];
    current = { number, quads, quote, paragraph: ctx.paragraphAt(number, [(x0 + x1) / 2, (y0 + y1) / 2]) };
    place(menu, range.getBoundingClientRect());
  }

  // This layer comes once the first page is drawn (reader/later.js): words chosen before it came count.
  let selectionTimer = setTimeout(readSelection, 250);
  document.addEventListener("selectionchange", () => {
    clearTimeout(selectionTimer);
    selectionTimer = setTimeout(readSelection, 250);
  });

  menu.addEventListener("click", (event) => {
    if (!current) return;
    const swatch = event.target.closest("[data-highlight]");
    const chosen = current;
    if (swatch) {
      const priv = menu.querySelector("[data-private-highlight]").checked;
      for (const part of chosen.parts || [{ page: chosen.number, quads: chosen.quads, quote: chosen.quote }]) {
        ctx.submit("annotation:create", {
          kind: "highlight",
          target: { page: part.page, quads: part.quads, quote: part.quote, color: swatch.dataset.highlight },
          body: "",
          visibility: priv ? "private" : "shared",
        });
      }
    } else if (event.target.closest("[data-comment-selection]")) {
      ctx.openThread(chosen.paragraph ? chosen.paragraph.id : null, chosen.quote);
    } else {
      return;
    }
    window.getSelection().removeAllRanges();
    hideMenu();
  });

  /* ---------- taps on the page ---------- */

  let down = null;
  reader.viewer.addEventListener("pointerdown", (event) => {
    down = { x: event.clientX, y: event.clientY, at: performance.now(), id: event.pointerId };
  });
  reader.viewer.addEventListener("pointerup", (event) => {
    const start = down;
    down = null;
    if (!start || start.id !== event.pointerId || ctx.tool() !== "read") return;
    if (performance.now() - start.at > TAP_MS || Math.hypot(event.clientX - start.x, event.clientY - start.y) > TAP_MOVE_PX) return;
    if (event.target.closest(".pmark, .npin") || !event.target.closest(".page")) return;
    setTimeout(() => tap(event), 0);  // let a selection made by this tap settle first
  });

  function tap(event) {
    const selection = window.getSelection();
    if (selection && !selection.isCollapsed) return;
    const element = event.target.closest(".page");
    const number = Number(element.dataset.page);
    const point = reader.toPagePoint(number, event.clientX, event.clientY);
    const highlight = ctx.highlightAt(number, point);
    if (highlight) ctx.showHighlight(highlight, event.clientX, event.clientY);
  }

  return { hideMenu, place };
}
