// The reader's controls: the tool bar's buttons, switching between the page view and reading mode
// (keeping the place, remembering the choice), and what A−/A+ do to the document in each view.


export function createToolbar(ctx) {
  const { state, viewer } = ctx;
  const reading = document.getElementById("reading");
  const hint = document.getElementById("view-hint");

  function markView() {
    document.documentElement.dataset.readerView = state.view;
    for (const button of document.querySelectorAll(".view-switch")) {
      button.setAttribute("aria-pressed", String(state.view === "text"));
      // On a phone the names are hidden under the icons: the button still says where it goes.
      const label = button.querySelector(`.rtool-label.${state.view === "text" ? "to-pages" : "to-text"}`);
      button.setAttribute("aria-label", label.textContent.trim());
    }
  }

  /** Show the other view at the same place of the document; remember the choice on this device. */
  async function setView(view, { remember = true } = {}) {
    if (view === state.view) return;
    const here = state.view === "text" ? ctx.reading.place() : ctx.pages.place();
    if (view === "pages") await ctx.pageView();
    state.view = view;
    markView();
    // A cookie, so that the server too knows which view to prepare (view-choice.js reads it first).
    if (remember) document.cookie = `reader_view=${view}; path=/documents; max-age=31536000; samesite=lax`;
    const url = new URL(window.location.href);
    url.searchParams.set("view", view === "text" ? "text" : "pages");
    url.hash = `page=${here.page}`;
    history.replaceState(null, "", url);
    hint.hidden = true;
    if (view === "text") {
      ctx.reading.start();
      ctx.reading.goToPage(here.page, here.fraction);
      reading.focus({ preventScroll: true });
    } else {
      ctx.zoom.layout();
      ctx.pages.goToPage(here.page, here.fraction);
      ctx.pages.pump();
      viewer.focus({ preventScroll: true });
    }
    state.emit("viewchange", { view });
  }

  document.addEventListener("click", (event) => {
    const button = event.target.closest("[data-reader]");
    if (!button) return;
    switch (button.dataset.reader) {
      case "thumbs": ctx.thumbnails.toggle(!ctx.thumbnails.isOpen()); break;
      case "thumbs-close": ctx.thumbnails.toggle(false); break;
      case "zoom-in": ctx.zoom.stepZoom(1); break;
      case "zoom-out": ctx.zoom.stepZoom(-1); break;
      case "fit": ctx.zoom.setZoom(1, viewer.clientWidth / 2, 0); break;
      case "rotate": ctx.zoom.rotate(state.current); break;
      case "view": setView(state.view === "text" ? "pages" : "text"); break;
      case "hint-close": hint.hidden = true; break;
      default:
    }
  });

  // A−/A+ size the document too: reading mode follows the type size by itself (rem); the page view
  // zooms the page by as much, and on a phone, where a fitted page's text stays small, offers reading mode.
  let lastScale = Number(localStorage.getItem("fontScale")) || 1;
  document.addEventListener("fontscale", ({ detail: scale }) => {
    const ratio = scale / lastScale;
    lastScale = scale;
    if (state.view !== "pages" || !ctx.zoom) return;
    ctx.zoom.setZoom(state.zoom * ratio, viewer.clientWidth / 2, 0);
    if (ratio > 1 && window.matchMedia("(max-width: 599px)").matches) hint.hidden = false;
  });

  markView();
  return { setView };
}
