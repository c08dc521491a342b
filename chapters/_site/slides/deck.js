/* Starts a deck written by chapters/_site/slides/build.py, with reveal.js and its
   speaker notes plugin (both copied from npm into _static/reveal/). */
/* global Reveal, RevealNotes */
(() => {
  "use strict";

  // Code and output are set at 21 px. A line too long for its slide is set
  // smaller, never below MIN_CODE_PX (the slides test checks that it fits).
  const MIN_CODE_PX = 14;
  // An explorer is drawn for the book's 688-pixel column; on a slide it grows
  // to fill the room it has, up to this factor, or shrinks to fit it.
  const MAX_EXPLORER_ZOOM = 1.6;

  const fitLines = (root) => {
    root.querySelectorAll("pre.input, pre.output").forEach((pre) => {
      pre.style.fontSize = "";
      if (pre.clientWidth === 0) return;
      let size = parseFloat(getComputedStyle(pre).fontSize);
      for (let k = 0; k < 8 && pre.scrollWidth > pre.clientWidth + 1 && size > MIN_CODE_PX; k++) {
        size = Math.max(MIN_CODE_PX, Math.floor((size * pre.clientWidth) / pre.scrollWidth));
        pre.style.fontSize = `${size}px`;
      }
    });
  };

  // The largest zoom (to a hundredth) at which the explorer fits its box: zooming
  // reflows it (its controls and grids wrap), so each guess is measured.
  const fitsAt = (box, zoom) => {
    const inner = box.firstElementChild;
    inner.style.zoom = String(zoom);
    const outer = box.getBoundingClientRect();
    const shown = inner.getBoundingClientRect();
    const scrolls = [inner, ...inner.querySelectorAll(".grid")].some(
      (e) => e.scrollWidth > e.clientWidth + 1,
    );
    return !scrolls && shown.height <= outer.height + 1 && shown.width <= outer.width + 1;
  };

  const fitExplorer = (box) => {
    if (!box.firstElementChild || box.clientHeight === 0) return;
    let low = 0.5;
    let high = MAX_EXPLORER_ZOOM;
    if (fitsAt(box, high)) return;
    while (high - low > 0.01) {
      const mid = (low + high) / 2;
      if (fitsAt(box, mid)) low = mid;
      else high = mid;
    }
    fitsAt(box, low);
  };

  const fitExplorers = (root) => root.querySelectorAll(".explorer").forEach(fitExplorer);

  // A large explorer (the LeNet explorer) loads when its slide comes near: it
  // replaces its static stand-in after the slide was fitted, then fills in
  // once its network has loaded, and its explanation of a unit changes length
  // as the reader picks units. So an explorer is fitted again when it replaces
  // its stand-in, and whenever it no longer fits its box; while it fits, its
  // size stays as it is under the reader's hands.
  const watchExplorer = (box) => {
    const host = box.firstElementChild;
    if (!host) return;
    let mounted = false;
    let queued = false;
    const refit = () => {
      queued = false;
      if (box.clientHeight === 0) return;
      if (mounted) {
        mounted = false;
        fitExplorer(box);
        return;
      }
      const zoom = host.style.zoom || "1";
      if (!fitsAt(box, Number(zoom))) fitExplorer(box);
    };
    new MutationObserver((records) => {
      if (records.some((r) => r.target === host && r.type === "childList")) mounted = true;
      if (!queued) {
        queued = true;
        requestAnimationFrame(refit);
      }
    }).observe(box, { childList: true, subtree: true, characterData: true });
  };

  const fit = (root) => {
    if (!root) return;
    fitLines(root);
    fitExplorers(root);
  };

  // Keys typed into an explorer or a form field are theirs, not the deck's: an
  // explorer moves its own cursor with the arrow keys. A button keeps only the
  // keys that press it. Esc hands every key back to the deck.
  const ownsKey = (event) => {
    const target = event.target instanceof Element ? event.target : null;
    if (!target) return false;
    if (target.closest(".explorer, input, select, textarea, [contenteditable]")) return true;
    return target.closest("button") !== null && (event.key === " " || event.key === "Enter");
  };

  Reveal.initialize({
    width: 1280,
    height: 720,
    margin: 0.04,
    center: false,
    hash: true,
    slideNumber: "c/t",
    transition: "none",
    backgroundTransition: "none",
    pdfSeparateFragments: false,
    pdfMaxPagesPerSlide: 1,
    keyboardCondition: (event) => !ownsKey(event),
    plugins: [RevealNotes],
  });

  document.addEventListener("keydown", (event) => {
    const active = document.activeElement;
    if (event.key === "Escape" && active && active !== document.body) active.blur();
  });

  Reveal.on("ready", ({ currentSlide }) => {
    document.querySelectorAll(".reveal .slides .explorer").forEach(watchExplorer);
    fit(currentSlide);
    // The math font changes the width of lines with math in them.
    document.fonts.ready.then(() => fit(Reveal.getCurrentSlide()));
  });
  // Leaving a slide leaves its controls: focus inside a slide no longer shown
  // would keep taking the keys.
  Reveal.on("slidechanged", ({ currentSlide }) => {
    const active = document.activeElement;
    if (active && active !== document.body && !currentSlide.contains(active)) active.blur();
    fit(currentSlide);
  });
  // The print view lays every slide out at once. The animations, which start
  // when their slide comes near or the page is printed, start now, so that
  // their first frames have loaded by the time the reader prints.
  Reveal.on("pdf-ready", () => {
    document.querySelectorAll(".reveal .slides section").forEach(fit);
    window.dispatchEvent(new Event("beforeprint"));
  });
})();
