/* Printing (see book-print.css): a page printed in dark mode prints in light
   mode. Browsers leave page backgrounds off paper by default, so dark mode's
   light grey text would print on white; the page turns light for the print
   and back afterwards. */
(() => {
  "use strict";

  const root = document.documentElement;
  let printedFrom = null;
  window.addEventListener("beforeprint", () => {
    if (root.dataset.theme !== "dark") return;
    printedFrom = root.dataset.theme;
    root.dataset.theme = "light";
  });
  window.addEventListener("afterprint", () => {
    if (printedFrom === null) return;
    root.dataset.theme = printedFrom;
    printedFrom = null;
  });
})();
