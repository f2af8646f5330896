// Which view the reader opens in, decided before the page paints (a file: the CSP allows no inline
// script): `?view=text` or `?view=pages`, else the delegate's last choice on this device, else reading
// mode on a phone (a fitted A4 page's text is too small there) and the page view elsewhere. The page
// view's first page starts downloading here, with the styles, and only when it will be shown.
(() => {
  const asked = new URLSearchParams(window.location.search).get("view");
  const chosen = asked === "text" || asked === "pages" ? asked : localStorage.getItem("ph.readerView");
  const view = chosen === "text" || chosen === "pages"
    ? chosen
    : window.matchMedia("(max-width: 599px)").matches ? "text" : "pages";
  document.documentElement.dataset.readerView = view;
  const script = document.currentScript;
  if (view !== "pages" || !script) return;
  const add = (rel, href) => {
    const link = document.createElement("link");
    link.rel = rel;
    if (rel === "preload") link.as = "fetch";
    link.crossOrigin = "anonymous";
    link.href = href;
    document.head.append(link);
  };
  // The page view's own modules, which reader/main.js imports only when the page view is shown.
  for (const href of (script.dataset.modules || "").split(" ").filter(Boolean)) add("modulepreload", href);
  for (const href of (script.dataset.preload || "").split(" ").filter(Boolean)) add("preload", href);
})();
