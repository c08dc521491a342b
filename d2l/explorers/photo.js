// Filter a photograph with a 3x3 kernel the reader edits, in the page.
//
// The photo arrives as an 8-bit grey PNG data URL; its pixels (divided by
// 255) are cross-correlated with the kernel without padding. A result with
// negative values is drawn in a diverging map centred at 0, otherwise in
// grey; a colour bar gives the scale. The page writes a summary (shape, range,
// mean, one probed value) into `state.stats` for Python to check.
//
// The reader reads one output pixel by pointing at (or tapping) the output, or
// by typing its row and column; its 3x3 window is outlined on the photo. A
// row, column or weight that is not valid shows its rule next to it, and
// nothing is computed until it is.

const MINUS = "\u2212";

// A light card in a dark page too, like the book's figures: color-scheme keeps
// the browser's controls light and every control and caption names its colours.
const STYLE = `
.d2l-x { font-size: 0.95rem; color: #1a1a1a; background: #fff; max-width: 100%; color-scheme: light;
  border: 1px solid #c8c8c8; border-radius: 6px; padding: 0.6rem; }
.d2l-x .controls { display: flex; flex-wrap: wrap; gap: 0.4rem 0.5rem; align-items: flex-start; margin: 0.4rem 0; }
.d2l-x fieldset { min-width: 0; border: 1px solid #c8c8c8; margin: 0; padding: 0.2rem 0.4rem 0.3rem; }
.d2l-x legend { font-weight: 600; font-size: 0.9rem; color: #1a1a1a; float: none; width: auto; margin: 0;
  padding: 0 0.2rem; }
.d2l-x label { margin-right: 0.4rem; white-space: nowrap; color: #1a1a1a; }
.d2l-x select, .d2l-x input { font-size: 0.95rem; color: #1a1a1a; background-color: #fff;
  border: 1px solid #767676; border-radius: 3px; }
.d2l-x select { max-width: 15em; }
.d2l-x input[type=number] { width: 4em; }
.d2l-x td input { width: 3.4em; text-align: center; }
.d2l-x input[aria-invalid=true] { background-color: #ffd6d6; border-color: #a00000; }
.d2l-x .field { display: inline-block; vertical-align: top; }
.d2l-x .field-error { display: block; white-space: normal; color: #a00000; font-size: 0.85rem; max-width: 14em; }
.d2l-x .field-error:empty { display: none; }
.d2l-x .pics { display: flex; flex-wrap: wrap; gap: 0.6rem; }
.d2l-x figure { margin: 0; flex: 1 1 150px; max-width: 260px; }
.d2l-x .frame { position: relative; line-height: 0; }
.d2l-x canvas.pic { width: 100%; height: auto; border: 1px solid #9a9a9a; box-sizing: border-box; }
.d2l-x canvas.out { cursor: crosshair; touch-action: none; }
.d2l-x .mark { position: absolute; pointer-events: none; box-sizing: border-box; min-width: 7px; min-height: 7px;
  border: 2px solid #ffd400; outline: 1px solid #000; }
.d2l-x canvas.bar { width: 100%; height: 14px; display: block; }
.d2l-x .ticks { display: flex; justify-content: space-between; font-size: 0.85rem; color: #1a1a1a; }
.d2l-x figcaption { font-size: 0.9rem; color: #1a1a1a; }
.d2l-x .hint { font-size: 0.85rem; margin: 0.2rem 0 0; }
.d2l-x .error { color: #a00000; font-weight: 600; }
.d2l-x :focus-visible { outline: 3px solid #c2185b; outline-offset: 1px; }
@media (pointer: coarse) {
  .d2l-x select, .d2l-x input { min-height: 44px; }
  .d2l-x td input { min-width: 44px; }
}
`;

function fmt(value, digits = 3) {
  const rounded = Number(value.toFixed(digits));
  return String(rounded === 0 ? 0 : rounded).replace("-", MINUS);
}

function make(tag, attrs = {}, children = []) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (key === "text") node.textContent = value;
    else if (key === "class") node.className = value;
    else node.setAttribute(key, value);
  }
  node.append(...children);
  return node;
}

// Blue (negative) through white (0) to red (positive), t in [-1, 1].
function diverging(t) {
  const a = Math.min(1, Math.abs(t));
  const far = t < 0 ? [33, 102, 172] : [178, 24, 43];
  return far.map((f) => Math.round(255 + (f - 255) * a));
}

function correlate(X, h, w, K) {
  const Y = new Float64Array((h - 2) * (w - 2));
  for (let i = 0; i < h - 2; i++) {
    for (let j = 0; j < w - 2; j++) {
      let sum = 0;
      for (let a = 0; a < 3; a++) for (let b = 0; b < 3; b++) sum += X[(i + a) * w + j + b] * K[a][b];
      Y[i * (w - 2) + j] = sum;
    }
  }
  return Y;
}

function paint(canvas, values, h, w, colour) {
  canvas.width = w;
  canvas.height = h;
  const ctx = canvas.getContext("2d");
  const image = ctx.createImageData(w, h);
  values.forEach((v, n) => {
    const [r, g, b] = colour(v);
    image.data.set([r, g, b, 255], 4 * n);
  });
  ctx.putImageData(image, 0, 0);
}

let fieldCount = 0;
const fieldId = () => `d2l-x-field-${Date.now().toString(36)}-${++fieldCount}`;

// A whole-number field (see sliding.js): a valid value is reported as typed,
// anything else as null with its rule, shown next to the field, which keeps
// what was typed.
function numberInput(label, value, min, max, onReport) {
  const input = make("input", { type: "number", min, max, step: 1, value });
  const error = make("span", { class: "field-error", id: fieldId(), "aria-live": "polite" });
  input.setAttribute("aria-describedby", error.id);
  let last = String(value);
  const check = () => {
    const text = input.value.trim();
    const v = Number(text);
    const ok = text !== "" && Number.isInteger(v) && v >= min && v <= max;
    const seen = ok ? String(v) : `invalid:${text}`;
    if (seen === last) return;
    last = seen;
    input.setAttribute("aria-invalid", String(!ok));
    error.textContent = ok ? "" : `${label}: a whole number from ${min} to ${max}.`;
    onReport(ok ? v : null, error.textContent);
  };
  input.addEventListener("input", check);
  input.addEventListener("change", check);
  // Set from outside (the reader pointed at the output): valid, no report.
  const show = (v) => {
    input.value = v;
    last = String(v);
    input.setAttribute("aria-invalid", "false");
    error.textContent = "";
  };
  const field = make("span", { class: "field" }, [make("label", {}, [`${label} `, input]), error]);
  return { field, input, show };
}

function render({ model, el }) {
  let state = structuredClone(model.get("state"));
  let written = null;
  let pixels = null;
  let Y = null;
  const [h, w] = state.size;
  const invalid = new Map();
  const root = make("div", { class: "d2l-x", "data-explorer": "photo" });
  const presetSelect = make("select", {}, [
    make("option", { value: "", text: "(your own)" }),
    ...Object.keys(state.presets).map((name) => make("option", { value: name, text: name })),
  ]);
  const cells = [];
  const kernel = make("table", { "data-grid": "K", role: "presentation" });
  for (let a = 0; a < 3; a++) {
    const row = make("tr");
    for (let b = 0; b < 3; b++) {
      const input = make("input", { type: "text", inputmode: "decimal", "aria-label": `K row ${a + 1}, column ${b + 1}` });
      input.addEventListener("input", () => {
        const v = Number(input.value.trim().replace(MINUS, "-"));
        const ok = input.value.trim() !== "" && Number.isFinite(v);
        input.setAttribute("aria-invalid", String(!ok));
        const key = `K[${a}, ${b}]`;
        if (ok) {
          invalid.delete(key);
          state.K[a][b] = v;
          state.preset = "";
        } else {
          invalid.set(key, `K row ${a + 1}, column ${b + 1}: a number.`);
        }
        update();
      });
      cells.push(input);
      row.append(make("td", {}, [input]));
    }
    kernel.append(row);
  }
  const probeFields = ["row", "column"].map((label, a) =>
    numberInput(label, state.probe[a], 0, [h, w][a] - 3, (v, rule) => {
      if (v === null) {
        invalid.set(label, rule);
      } else {
        invalid.delete(label);
        state.probe[a] = v;
      }
      update();
    }));
  const photoCanvas = make("canvas", { class: "pic", role: "img", "aria-label": "The grey photograph X" });
  const outCanvas = make("canvas", { class: "pic out", role: "img", "aria-label": "The filtered photograph" });
  const photoMark = make("div", { class: "mark", "aria-hidden": "true" });
  const outMark = make("div", { class: "mark", "aria-hidden": "true" });
  const bar = make("canvas", { class: "bar", role: "img", "aria-label": "Colour scale of the filtered photograph" });
  const ticks = make("div", { class: "ticks" });
  const stats = make("p", { class: "stats", "aria-live": "polite" });
  const probeText = make("p", { class: "probe", "aria-live": "polite" });
  const outFigure = make("figure", {}, [make("div", { class: "frame" }, [outCanvas, outMark]), bar, ticks,
    make("figcaption", { text: "Y = X \u22c6 K" })]);
  root.append(
    make("style", { text: STYLE }),
    make("label", {}, ["Preset ", presetSelect]),
    make("div", { class: "controls" }, [
      make("fieldset", {}, [make("legend", { text: "Kernel K (3\u00d73)" }), kernel]),
      make("fieldset", {}, [make("legend", { text: "Read one output pixel" }),
        probeFields[0].field, probeFields[1].field,
        make("p", { class: "hint", text: "Or point at the output (tap it on a touch screen)." })]),
    ]),
    make("div", { class: "pics" }, [
      make("figure", {}, [make("div", { class: "frame" }, [photoCanvas, photoMark]),
        make("figcaption", { text: "Photo X (the 3\u00d73 window of the pixel read is outlined)" })]),
      outFigure,
    ]),
    stats, probeText,
  );
  el.append(root);

  function syncControls() {
    cells.forEach((input, n) => {
      input.value = fmt(state.K[Math.floor(n / 3)][n % 3], 4);
      input.setAttribute("aria-invalid", "false");
    });
    probeFields.forEach((f, a) => f.show(state.probe[a]));
    invalid.clear();
    presetSelect.value = state.preset || "";
  }

  function place(mark, top, left, height, width, rows, cols) {
    mark.style.top = `${(100 * top) / rows}%`;
    mark.style.left = `${(100 * left) / cols}%`;
    mark.style.height = `${(100 * height) / rows}%`;
    mark.style.width = `${(100 * width) / cols}%`;
  }

  function write() {
    written = structuredClone(state);
    model.set("state", written);
    model.save_changes();
  }

  // The probed pixel: its value, and where it and its window are.
  function readout() {
    const [r, c] = state.probe;
    const value = Y[r * (w - 2) + c];
    probeText.className = "probe";
    probeText.textContent = `Y[${r}, ${c}] = ${fmt(value)}`;
    place(outMark, r, c, 1, 1, h - 2, w - 2);
    place(photoMark, r, c, 3, 3, h, w);
    photoMark.hidden = outMark.hidden = false;
    state.stats.probe = value;
  }

  function update() {
    if (!pixels) return;
    presetSelect.value = state.preset || "";
    if (invalid.size) {
      // Nothing is computed from a value that is not valid.
      stats.className = "stats error";
      stats.textContent = `Waiting for valid input. ${[...invalid.values()].join(" ")}`;
      probeText.textContent = "";
      photoMark.hidden = outMark.hidden = true;
      outFigure.style.opacity = "0.35";
      state.stats = null;
      write();
      return;
    }
    outFigure.style.opacity = "";
    Y = correlate(pixels, h, w, state.K);
    let lo = Infinity;
    let hi = -Infinity;
    let sum = 0;
    for (const v of Y) { lo = Math.min(lo, v); hi = Math.max(hi, v); sum += v; }
    if (lo < 0) {
      const top = Math.max(Math.abs(lo), Math.abs(hi)) || 1;
      paint(outCanvas, Y, h - 2, w - 2, (v) => diverging(v / top));
      paint(bar, Array.from({ length: 64 }, (_, n) => -top + (2 * top * n) / 63), 1, 64, (v) => diverging(v / top));
      ticks.replaceChildren(make("span", { text: fmt(-top, 2) }), make("span", { text: "0" }), make("span", { text: fmt(top, 2) }));
    } else {
      const top = hi || 1;
      const grey = (v) => { const g = Math.round(255 * Math.min(1, v / top)); return [g, g, g]; };
      paint(outCanvas, Y, h - 2, w - 2, grey);
      paint(bar, Array.from({ length: 64 }, (_, n) => (top * n) / 63), 1, 64, grey);
      ticks.replaceChildren(make("span", { text: "0" }), make("span", { text: fmt(top, 2) }));
    }
    const mean = sum / Y.length;
    stats.className = "stats";
    stats.textContent = `Output ${h - 2}\u00d7${w - 2}, values from ${fmt(lo)} to ${fmt(hi)}, mean ${fmt(mean)}.`;
    state.stats = { shape: [h - 2, w - 2], min: lo, max: hi, mean, probe: null };
    readout();
    write();
  }

  // Pointing at the output (a mouse moving over it, a finger or pen on it)
  // reads the pixel under the pointer.
  const point = (event) => {
    if (!Y || invalid.size) return;
    const box = outCanvas.getBoundingClientRect();
    const at = (offset, size, count) => Math.min(count - 1, Math.max(0, Math.floor((offset / size) * count)));
    const r = at(event.clientY - box.top, box.height, h - 2);
    const c = at(event.clientX - box.left, box.width, w - 2);
    if (r === state.probe[0] && c === state.probe[1]) return;
    state.probe = [r, c];
    probeFields[0].show(r);
    probeFields[1].show(c);
    readout();
    write();
  };
  outCanvas.addEventListener("pointermove", point);
  outCanvas.addEventListener("pointerdown", point);

  presetSelect.addEventListener("change", () => {
    if (!presetSelect.value) return;
    state.K = structuredClone(state.presets[presetSelect.value]);
    state.preset = presetSelect.value;
    syncControls();
    update();
  });
  const onState = () => {
    const incoming = model.get("state");
    if (incoming === written) return;
    state = structuredClone(incoming);
    syncControls();
    update();
  };
  model.on("change:state", onState);

  const image = new Image();
  image.src = state.photo;
  image.decode().then(() => {
    const ctx = photoCanvas.getContext("2d", { willReadFrequently: true });
    photoCanvas.width = w;
    photoCanvas.height = h;
    ctx.drawImage(image, 0, 0);
    const rgba = ctx.getImageData(0, 0, w, h).data;
    pixels = Float64Array.from({ length: w * h }, (_, n) => rgba[4 * n] / 255);
    update();
    root.dataset.ready = "true";
  });
  syncControls();
  // anywidget calls this when the view goes (cell cleared or re-run).
  return () => model.off("change:state", onState);
}

export default { render };
