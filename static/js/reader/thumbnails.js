// The page drawer: thumbnails loaded as they scroll into view, and a box to type a page number.

export function createThumbnails(ctx) {
  const { state, root, viewer, base, t } = ctx;
  const { pages, data } = state;
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

  function focusReader() {
    (state.view === "pages" ? viewer : document.getElementById("reading")).focus({ preventScroll: true });
  }

  function toggle(open) {
    drawer.hidden = !open;
    backdrop.hidden = !open || wideScreen.matches;
    root.classList.toggle("with-thumbs", open);
    document.body.classList.toggle("thumbs-open", open);
    document.querySelectorAll('[data-reader="thumbs"]').forEach((b) => b.setAttribute("aria-expanded", String(open)));
    if (!open) return;
    drawer.querySelectorAll(".thumb").forEach((button) => {
      const here = Number(button.dataset.goto) === state.current.n;
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
    ctx.goToPage(Number(button.dataset.goto));
    if (!wideScreen.matches) {
      toggle(false);
      focusReader();
    } else {
      drawer.querySelectorAll("[aria-current]").forEach((b) => b.removeAttribute("aria-current"));
      button.setAttribute("aria-current", "page");
    }
  });
  drawer.addEventListener("keydown", (event) => {
    if (event.key === "Escape") toggle(false);
  });

  // Typing a page number beats flicking through a hundred thumbnails on a slow link.
  drawer.querySelector("[data-goto-form]").addEventListener("submit", (event) => {
    event.preventDefault();
    const field = event.target.elements.page;
    const number = Math.round(Number(field.value));
    if (!state.byNumber(number)) {
      field.setCustomValidity(t("page_out_of_range", { total: pages.length }));
      field.reportValidity();
      return;
    }
    field.value = "";
    ctx.goToPage(number);
    if (!wideScreen.matches) toggle(false);
    focusReader();
  });
  drawer.querySelector("[data-goto-form] input").addEventListener("input", (event) => event.target.setCustomValidity(""));

  return { toggle, isOpen: () => !drawer.hidden };
}
