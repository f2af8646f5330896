// Each page's markup (its slot in the page view, its thumbnail, its section of reading mode), built
// here from the page sizes rather than sent in the HTML: the reader's HTML stays the same size for a
// 12-page draft or a 500-page report. The sizes come as runs of equal pages
// (`page_runs: [[count, width, height, rotation, scanned], ...]`, documents/views.py page_runs).

/** The document's pages, `[{number, width, height, rotation, scanned}]`, from its runs. */
export function pagesOf(data) {
  if (data.pages) return data.pages;
  const pages = [];
  for (const [count, width, height, rotation, scanned] of data.page_runs || []) {
    for (let i = 0; i < count; i += 1) pages.push({ number: pages.length + 1, width, height, rotation, scanned });
  }
  return pages;
}

const escape = (text) => String(text).replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c]);

/** Fill the page view, the page drawer and reading mode with one element per page. */
export function buildSkeleton(pages, root, t) {
  const slots = [];
  const thumbs = [];
  const sections = [];
  for (const { number: n, width: w, height: h, scanned } of pages) {
    const label = escape(t("page_n", { n }));
    slots.push(
      `<div class="page-slot${scanned ? " scanned" : ""}" data-page="${n}" style="--pw: ${w}; --ph: ${h}">`
      + `<div class="page" data-page="${n}" role="group" aria-label="${label}">`
      + '<img class="page-image" alt="" decoding="async" draggable="false"><div class="text-layer"></div>'
      + `<div class="annotation-layer"></div><span class="page-status" aria-hidden="true">${n}</span></div></div>`,
    );
    thumbs.push(
      `<li><button type="button" class="thumb" data-goto="${n}" aria-label="${escape(t("goto_page_n", { n }))}">`
      + `<span class="thumb-frame" style="aspect-ratio: ${w} / ${h}"><img alt="" decoding="async"></span>`
      + `<span class="thumb-number" aria-hidden="true">${n}</span></button></li>`,
    );
    sections.push(`<section class="reading-page" data-page="${n}" aria-label="${label}"><p class="reading-page-label">${label}</p></section>`);
  }
  root.querySelector(".pages").innerHTML = slots.join("");
  root.querySelector(".thumb-list").innerHTML = thumbs.join("");
  root.querySelector("#reading").innerHTML = sections.join("");
}
