// Which view the reader opens in, decided before the page paints (a file: the CSP allows no inline
// script): `?view=text` or `?view=pages`, else the delegate's last choice on this device (the
// reader_view cookie, which the server also reads to preload the page view), else reading mode on a
// phone (a fitted A4 page's text is too small there) and the page view elsewhere.
(() => {
  const asked = new URLSearchParams(window.location.search).get("view");
  const saved = /(?:^|;\s*)reader_view=(text|pages)/.exec(document.cookie);
  const chosen = asked === "text" || asked === "pages" ? asked : saved && saved[1];
  document.documentElement.dataset.readerView = chosen || (window.matchMedia("(max-width: 599px)").matches ? "text" : "pages");
})();
