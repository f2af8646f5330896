// The reader's state, with one owner: the document's data, its pages, the zoom, the current page and
// the view (pages or reading mode). Other modules read it and change it only through these functions,
// and hear of changes through `on(name)`; extensions (static/js/annotate/) get the same events.

export function createState(data, pagesBox, indicator, t) {
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

  const handlers = {};
  const state = {
    data,
    pages,
    zoom: 1,
    current: pages[0],
    view: document.documentElement.dataset.readerView === "text" ? "text" : "pages",
    byNumber: (n) => pages[Number(n) - 1] || null,

    setRotation(page, rotation) {
      page.rotation = rotation;
      page.slot.dataset.rotation = String(rotation);
      if (rotation) localStorage.setItem(rotationKey(page.n), String(rotation));
      else localStorage.removeItem(rotationKey(page.n));
    },

    /** The page being read changed: show it, tell the extensions, remember it for the next visit. */
    setCurrent(page) {
      if (indicator.dataset.page !== String(page.n)) {
        indicator.dataset.page = String(page.n);
        indicator.textContent = t("page_of", { n: page.n, total: pages.length });
      }
      if (page === state.current && state.announced === page.n) return;
      state.current = page;
      state.announced = page.n;
      state.emit("pagechange", { number: page.n });
      clearTimeout(state.hashTimer);
      state.hashTimer = setTimeout(() => {
        history.replaceState(null, "", `#page=${page.n}`);
        localStorage.setItem(`ph.lastpage.${data.id}`, String(page.n));
      }, 400);
    },

    emit(name, detail) {
      (handlers[name] || []).slice().forEach((handler) => {
        try {
          handler(detail);
        } catch (error) {
          console.error(error);  // a faulty extension must not stop the reader
        }
      });
    },
    on(name, handler) {
      (handlers[name] = handlers[name] || []).push(handler);
      return () => state.off(name, handler);
    },
    off(name, handler) {
      handlers[name] = (handlers[name] || []).filter((h) => h !== handler);
    },
  };
  return state;
}
