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

  // A display equation wider than the screen scrolls in its own box (book.css);
  // keyboard users reach that box with Tab and scroll it with the arrow keys
  // (WCAG 2.1.1). Only equations that do overflow become tab stops, checked
  // again whenever one's size changes: the math font arriving, the window
  // turning, a solution opening. Math in running text that is wider than the
  // column (book.css lets it scroll rather than clip it) is marked too, with
  // data-scrolls, which gives it the edge shadows.
  const markScrollable = (entries) => {
    for (const { target } of entries) {
      const scrolls = target.scrollWidth > target.clientWidth + 1;
      target.toggleAttribute("data-scrolls", scrolls);
      if (scrolls) target.setAttribute("tabindex", "0");
      else target.removeAttribute("tabindex");
    }
  };
  whenParsed(() => {
    const observer = new ResizeObserver(markScrollable);
    document
      .querySelectorAll('div.math > math[display="block"], span.math')
      .forEach((el) => observer.observe(el));
  });

  // On a phone the page's contents open in a dialog over the page; following
  // one of its links scrolls the page behind it, so the dialog closes too.
  document.addEventListener("click", (event) => {
    const link = event.target.closest("dialog[open] a[href^='#']");
    if (link) link.closest("dialog").close();
  });

  // Search result snippets: read the article only (not the page's header and
  // its ".pdf"/"Contents" labels), and write math (MathML, see book_math.py)
  // on one line as text: n_h, x^2, (a)/(b).
  const SCRIPTS = {
    msub: ["_"], munder: ["_"], msup: ["^"], mover: ["^"],
    msubsup: ["_", "^"], munderover: ["_", "^"],
  };
  const grouped = (text) => {
    const tidy = text.replace(/\s+/g, " ").trim();
    return [...tidy].length > 1 ? `(${tidy})` : tidy;
  };
  const mathText = (node) => {
    if (node.nodeType === Node.TEXT_NODE) return node.textContent.trim();
    const parts = Array.from(node.childNodes, mathText);
    const name = node.localName;
    if (SCRIPTS[name]) {
      return parts[0] + SCRIPTS[name].map((mark, i) => mark + grouped(parts[i + 1] ?? "")).join("");
    }
    if (name === "mfrac") return `${grouped(parts[0])}/${grouped(parts[1])}`;
    if (name === "msqrt") return `√${grouped(parts.join(""))}`;
    if (name === "mo" || name === "mtd") return ` ${parts.join("")} `;
    return parts.join("");
  };
  // Code cells and an explorer's no-JavaScript stand-in (which the reader sees
  // replaced by the explorer) are left out too: a snippet quotes the prose.
  const articleText = (htmlString, anchor) => {
    const doc = new DOMParser().parseFromString(htmlString, "text/html");
    doc
      .querySelectorAll(
        ".headerlink, script, style, .toggle-button, div.cell_input, .d2l-explorer-static",
      )
      .forEach((el) => el.remove());
    doc.querySelectorAll("math").forEach((el) => {
      el.replaceWith(` ${mathText(el).replace(/\s+/g, " ").trim()} `);
    });
    const article = doc.querySelector("article") || doc.querySelector('[role="main"]');
    if (!article) return "";
    const part = anchor ? article.querySelector(anchor) : null;
    return (part || article).textContent.replace(/\s+/g, " ");
  };
  // A page's title is also its first section's title: Sphinx lists both,
  // "5. Pooling" and "5. Pooling > Pooling". The second one goes.
  // (Titles are HTML: the section number is a span of its own.)
  const samePageTwice = (result) => {
    const text = String(result[1]).replace(/<[^>]*>/g, "");
    const parts = text.split(" > ");
    return parts.length === 2 && parts[0].replace(/^[\d.]+\s+/, "") === parts[1];
  };
  let patched = false;
  const patchSearch = () => {
    // Sphinx's searchtools.js declares `Search` with const, so it is not on window.
    if (!patched && typeof Search !== "undefined" && Search.htmlToText) {
      patched = true;
      Search.htmlToText = articleText;
      const perform = Search._performSearch;
      if (perform) {
        Search._performSearch = (...args) => perform(...args).filter((r) => !samePageTwice(r));
      }
    }
    // Opened from file://, the browser refuses the requests for the snippets:
    // list the matching pages without them instead of logging one error each.
    // (documentation_options.js declares it with const: it is not on window.)
    if (window.location.protocol === "file:" && typeof DOCUMENTATION_OPTIONS !== "undefined") {
      DOCUMENTATION_OPTIONS.SHOW_SEARCH_SUMMARY = false;
    }
  };
  // At once: the search page loads searchtools.js before this deferred file,
  // and may run its query before the page is parsed.
  patchSearch();
  whenParsed(patchSearch);
})();
