// What a page view is made of (storage/pdf/vector.py): vector markup whose glyphs come from a sheet
// per block of pages, and the text layer, one transparent span per word so selection follows the words.
//
// Each `.page` is laid out in PDF points scaled by the CSS variable --s (CSS px per point), so the text
// layer and anything drawn in `.annotation-layer` in points lines up at every zoom and rotation.

const TEXT_FONT = '"Noto Sans", "Segoe UI", Roboto, Arial, sans-serif';

// A page view's markup comes as strings and runs of glyphs, `[transform, fill, [glyph, x step, ...]]`:
// each run becomes one line's group of <use> elements.
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

/** The page's markup with the outlines it places put back in: an ordinary SVG image, drawn again at
 * every zoom, but whose glyphs crossed the network once per block. */
export function vectorImage(view, sheet) {
  const markup = viewMarkup(view);
  const defs = view.glyph_ids.map((id) => sheet.get(id) || "").join("");
  const opening = markup.indexOf(">") + 1;
  const image = `${markup.slice(0, opening)}<defs>${defs}</defs>${markup.slice(opening)}`;
  return new Blob([image], { type: "image/svg+xml" });
}

/** The text layer travels as lines: [top, height, "word word", [x0, width, x0, width, ...]], in 0.1 pt. */
export function wordsFromLines(lines) {
  const words = [];
  for (const [top, height, text, positions] of lines) {
    text.split(" ").forEach((word, index) => {
      const x0 = positions[2 * index], width = positions[2 * index + 1];
      words.push([x0 / 10, top / 10, (x0 + width) / 10, (top + height) / 10, word]);
    });
  }
  return words;
}

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

/** One transparent span per word, stretched to the word's box. */
export function buildTextLayer(page, layer) {
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
