/* The book's additions to the theme's scripts (see chapters/_site/book_site.py). */
(() => {
  "use strict";

  // Run `fn` once the page is parsed and every deferred script has run (this
  // file is itself deferred, so "interactive" is too early: searchtools.js and
  // togglebutton.js may not have run yet).
  const whenParsed = (fn) => {
    if (document.readyState === "complete") fn();
    else document.addEventListener("DOMContentLoaded", fn);
  };

  // A solution's title holds a link to its exercise. Clicking that link (or
  // pressing Enter on it) should open the solution, as a click elsewhere on the
  // title does, instead of jumping away; sphinx-togglebutton's own handler
  // also throws "button is not defined" for a click on a link.
  document.addEventListener(
    "click",
    (event) => {
      const link = event.target.closest(".toggle > .admonition-title a");
      if (!link) return;
      const title = link.closest(".admonition-title");
      const toggle = title.querySelector("button.toggle-button");
      if (!toggle) return;
      event.preventDefault();
      event.stopPropagation();
      toggle.click();
    },
    true,
  );

  // Name each solution's toggle after its solution, not "Toggle hidden content".
  const nameToggles = () => {
    document.querySelectorAll(".toggle > .admonition-title").forEach((title) => {
      const toggle = title.querySelector("button.toggle-button");
      if (!toggle) return;
      const text = title.textContent.replace(/\s+/g, " ").trim();
      toggle.setAttribute("aria-label", `Show or hide: ${text}`);
    });
  };
  whenParsed(() => setTimeout(nameToggles));

  // Search result snippets: read the article only (not the page's header and
  // its ".pdf"/"Contents" labels), and write math as text instead of raw TeX.
  const TEX_SYMBOLS = {
    times: "×", cdot: "·", le: "≤", leq: "≤", ge: "≥", geq: "≥", ne: "≠",
    neq: "≠", sum: "Σ", in: "∈", to: "→", rightarrow: "→", approx: "≈",
    ldots: "…", dots: "…", cdots: "…", infty: "∞", lfloor: "⌊", rfloor: "⌋",
    alpha: "α", beta: "β", sigma: "σ", delta: "δ", Delta: "Δ", mu: "μ",
  };
  const texToText = (tex) =>
    tex
      .trim()
      .replace(/\\[[\]()]/g, " ")
      .replace(/\\([A-Za-z]+)/g, (m, name) => TEX_SYMBOLS[name] ?? "")
      .replace(/\\[,;:! ]/g, " ")
      .replace(/[{}&]/g, "")
      .replace(/\s+/g, " ")
      .trim();
  const articleText = (htmlString, anchor) => {
    const doc = new DOMParser().parseFromString(htmlString, "text/html");
    doc
      .querySelectorAll(".headerlink, script, style, .toggle-button")
      .forEach((el) => el.remove());
    doc.querySelectorAll(".math").forEach((el) => {
      el.textContent = ` ${texToText(el.textContent)} `;
    });
    const article = doc.querySelector("article") || doc.querySelector('[role="main"]');
    if (!article) return "";
    const part = anchor ? article.querySelector(anchor) : null;
    return (part || article).textContent.replace(/\s+/g, " ");
  };
  const patchSearch = () => {
    // Sphinx's searchtools.js declares `Search` with const, so it is not on window.
    if (typeof Search !== "undefined" && Search.htmlToText) {
      Search.htmlToText = articleText;
    }
    // Opened from file://, the browser refuses the requests for the snippets:
    // list the matching pages without them instead of logging one error each.
    if (window.location.protocol === "file:" && window.DOCUMENTATION_OPTIONS) {
      DOCUMENTATION_OPTIONS.SHOW_SEARCH_SUMMARY = false;
    }
  };
  whenParsed(patchSearch);
})();
