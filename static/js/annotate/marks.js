// Where the paragraph numbers go in the margin of each page, in PDF points of the page as displayed:
// beside each paragraph's first line in the direction its text runs, apart from one another, with a tap
// area as large as the room around them allows. Drawn by pages.js; sized by .pmark in annotate.css.

/** The on-screen size of a margin mark, in points of this page (see .pmark in annotate.css). */
function markFontPt(reader, number) {
  const scale = reader.scale(number) || 1;
  return (12 * Math.min(1, scale * 1.35)) / scale;
}

/** What the margin shows: the label printed on the paragraph ("596", "a"), else its rank. */
export function markText(paragraph) {
  return paragraph.label ?? String(paragraph.number);
}

/** A mark's width in ems: its label, and the count bubble beside it when there are comments and
 * `inline` (otherwise the bubble sits on the mark's corner; see .pmark.count-corner). */
function markEms(paragraph, count, inline = true) {
  const digits = (n) => String(n).length * 0.62;
  return Math.max(2, 0.9 + digits(markText(paragraph)) + (count > 0 && inline ? 1.05 + digits(count) : 0));
}

/**
 * Which way the page's text runs, in quarter turns clockwise from left-to-right: a page turned by its
 * /Rotate shows its lines running down (1) or up (3). Tall paragraph boxes give it away, and the order
 * they come in tells down from up; the page's own rotation settles a page with one column.
 */
function textQuarter(reader, number, boxes) {
  let tall = 0, wide = 0;
  for (const [x0, y0, x1, y1] of boxes) {
    if (y1 - y0 > (x1 - x0) * 1.5) tall += 1;
    else if (x1 - x0 > (y1 - y0) * 1.5) wide += 1;
  }
  const rotation = (reader.pages[number - 1] || {}).rotation || 0;
  const first = boxes[0], last = boxes[boxes.length - 1];
  if (tall > wide) {
    const step = (last[0] + last[2]) / 2 - (first[0] + first[2]) / 2;
    if (Math.abs(step) > 1) return step < 0 ? 1 : 3;
    return rotation === 270 ? 3 : 1;
  }
  return rotation === 180 && (last[1] + last[3]) / 2 <= (first[1] + first[3]) / 2 ? 2 : 0;
}

/** Maps between the page as displayed and a frame in which its text reads left to right, top down. */
function textFrame(quarter, width, height) {
  const to = [
    ([x, y]) => [x, y],
    ([x, y]) => [y, width - x],
    ([x, y]) => [width - x, height - y],
    ([x, y]) => [height - y, x],
  ][quarter];
  const from = [
    ([u, v]) => [u, v],
    ([u, v]) => [width - v, u],
    ([u, v]) => [width - u, height - v],
    ([u, v]) => [v, height - u],
  ][quarter];
  const box = ([x0, y0, x1, y1]) => {
    const [a, b] = [to([x0, y0]), to([x1, y1])];
    return [Math.min(a[0], b[0]), Math.min(a[1], b[1]), Math.max(a[0], b[0]), Math.max(a[1], b[1])];
  };
  return { from, box };
}

/**
 * Marks sit in the margin before each paragraph's first line, in the text's own direction (so they
 * turn with a page whose text runs sideways). Where paragraphs crowd, marks use a second column if the
 * margin has room, else they move down, but never further than one line of the page's text: a mark
 * that would sit beside another paragraph is left out (its place is null, and `dropped` names its
 * page), and the reader offers reading mode for commenting there. Each mark's invisible tap area grows
 * towards 40 px without reaching the text or a neighbour.
 */
export function placeMarks(reader, list, counts) {
  const boxesByPage = new Map();
  const startsByPage = new Map();
  for (const paragraph of list) {
    const parts = paragraph.parts && paragraph.parts.length
      ? paragraph.parts : [{ page: paragraph.page, bbox: paragraph.bbox }];
    for (const part of parts) {
      if (!boxesByPage.has(part.page)) boxesByPage.set(part.page, []);
      boxesByPage.get(part.page).push(part.bbox);
    }
    if (!startsByPage.has(paragraph.page)) startsByPage.set(paragraph.page, []);
    startsByPage.get(paragraph.page).push(paragraph);
  }
  const places = new Map();
  places.dropped = new Set();
  for (const [number, starts] of startsByPage) {
    const page = reader.pages[number - 1];
    if (!page) continue;
    const scale = reader.scale(number) || 1;
    const size = markFontPt(reader, number);
    const height = size * 2 + 1 / scale;
    let gap = 5 / scale;
    // A 48 px tap area where the room around the mark allows it (at least 44 px after borders and
    // rounding); marks stay level with their paragraphs, so rows closer than that share the room.
    const target = 48 / scale;
    const onPage = boxesByPage.get(number) || starts.map((paragraph) => paragraph.bbox);
    const quarter = textQuarter(reader, number, onPage);
    const frame = textFrame(quarter, page.width, page.height);
    const boxes = new Map(starts.map((p) => [p.id, frame.box(p.bbox)]));
    // One line of the page's text: the lowest paragraph box (a one-line paragraph) is one line tall.
    const line = Math.min(40, Math.max(6, ...[...boxes.values()].map(([, y0, , y1]) => y1 - y0).filter((h) => h > 0).sort((a, b) => a - b).slice(0, 1)));
    const left = Math.min(...onPage.map((box) => frame.box(box)[0]));
    let widest = Math.max(...starts.map((p) => markEms(p, counts.get(p.id) || 0))) * size;
    // A narrow margin (a phone, a long number with comments) keeps the count on the mark's corner
    // rather than pushing the mark over the text.
    const bare = Math.max(...starts.map((p) => markEms(p, counts.get(p.id) || 0, false))) * size;
    const corner = left - gap < widest && left - gap >= bare;
    if (corner) widest = bare;
    const column = widest + 3 / scale;
    const inside = left - gap < widest;
    // Two columns where the margin holds them, even if the gap to the text has to narrow to 2 px.
    const room = left - column - widest;
    if (room >= 2 / scale) gap = Math.min(gap, room);
    const edges = inside ? [left] : room >= 2 / scale ? [left - gap, left - gap - column] : [left - gap];
    const free = edges.map(() => -Infinity);
    const stacks = edges.map(() => []);
    for (const paragraph of [...starts].sort((a, b) => boxes.get(a.id)[1] - boxes.get(b.id)[1])) {
      const want = boxes.get(paragraph.id)[1];
      let index = free.findIndex((bottom) => bottom <= want);
      if (index < 0) index = free.indexOf(Math.min(...free));
      const top = Math.max(want, free[index]);
      if (top - want > line) {  // beside the next paragraph, not its own: no mark here
        places.set(paragraph.id, null);
        places.dropped.add(number);
        continue;
      }
      free[index] = top + height;
      const place = { x: edges[index], y: top, inside, corner, quarter, hitUp: 0, hitDown: 0, hitRight: 0, hitWidth: 0 };
      stacks[index].push(place);
      places.set(paragraph.id, place);
    }
    const reach = Math.max(0, (target - height) / 2);
    stacks.forEach((stack, lane) => {
      stack.forEach((place, i) => {
        const above = i > 0 ? place.y - (stack[i - 1].y + height) : Infinity;
        const below = i < stack.length - 1 ? stack[i + 1].y - (place.y + height) : Infinity;
        place.hitUp = Math.min(reach, above / 2);
        place.hitDown = Math.min(reach, below / 2);
        if (!inside) {
          // Leftwards as far as the second column allows where it has a mark alongside.
          const crowded = lane === 0 && (stacks[1] || [])
            .some((other) => other.y < place.y + height + reach && other.y + height > place.y - reach);
          place.hitRight = lane === 0 ? gap : 0;  // the blank between the mark and the text
          place.hitWidth = place.hitRight + (crowded ? column : Math.max(target, column));
        }
        [place.x, place.y] = frame.from([place.x, place.y]);
      });
    });
  }
  return places;
}
