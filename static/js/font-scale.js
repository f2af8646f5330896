// The reader's chosen type size, applied before the page paints (a file: the CSP allows no inline script).
(() => {
  const scale = localStorage.getItem("fontScale") || "1";
  document.documentElement.style.setProperty("--font-scale", scale);
  document.documentElement.classList.toggle("font-large", Number(scale) > 1);
})();
