// Filter a photograph with a 3x3 kernel the reader edits, in the page.
//
// The photo arrives as an 8-bit grey PNG data URL; its pixels (divided by
// 255) are cross-correlated with the kernel without padding. A result with
// negative values is drawn in a diverging map centred at 0, otherwise in
// grey; a colour bar gives the scale. The page writes a summary (shape, range,
// mean, one probed value) into `state.stats` for Python to check.

const MINUS = "\u2212";

const STYLE = `
.d2l-x select { max-width: 15em; }
.d2l-x { font-size: 0.95rem; color: #1a1a1a; background: #fff; max-width: 100%;
  border: 1px solid #c8c8c8; border-radius: 6px; padding: 0.6rem; }
.d2l-x fieldset { display: inline-block; min-width: 0; border: 1px solid #c8c8c8; margin: 0 0.4rem 0.4rem 0;
  padding: 0.2rem 0.4rem; vertical-align: top; }
.d2l-x legend { font-weight: 600; font-size: 0.9rem; }
.d2l-x label { margin-right: 0.4rem; white-space: nowrap; }
.d2l-x select, .d2l-x input { font-size: 0.95rem; color: #1a1a1a; }
.d2l-x input[type=number] { width: 4em; }
.d2l-x td input { width: 3.4em; text-align: center; }
.d2l-x td input[aria-invalid=true] { background: #ffd6d6; }
.d2l-x .pics { display: flex; flex-wrap: wrap; gap: 0.6rem; }
.d2l-x figure { margin: 0; flex: 1 1 150px; max-width: 260px; }
.d2l-x canvas.pic { width: 100%; height: auto; border: 1px solid #9a9a9a; }
.d2l-x canvas.bar { width: 100%; height: 14px; display: block; }
.d2l-x .ticks { display: flex; justify-content: space-between; font-size: 0.85rem; }
.d2l-x figcaption { font-size: 0.9rem; }
.d2l-x :focus-visible { outline: 3px solid #c2185b; outline-offset: 1px; }
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

function render({ model, el }) {
  let state = structuredClone(model.get("state"));
  let written = null;
  let pixels = null;
  const [h, w] = state.size;
  const root = make("div", { class: "d2l-x", "data-explorer": "photo" });
  const presetSelect = make("select", {}, [
    make("option", { value: "", text: "(your own)" }),
    ...Object.keys(state.presets).map((name) => make("option", { value: name, text: name })),
  ]);
  const cells = [];
  const kernel = make("table", { "data-grid": "K" });
  for (let a = 0; a < 3; a++) {
    const row = make("tr");
    for (let b = 0; b < 3; b++) {
      const input = make("input", { type: "text", inputmode: "decimal", "aria-label": `K row ${a + 1}, column ${b + 1}` });
      input.addEventListener("input", () => {
        const v = Number(input.value.trim().replace(MINUS, "-"));
        const ok = input.value.trim() !== "" && Number.isFinite(v);
        input.setAttribute("aria-invalid", String(!ok));
        if (ok) { state.K[a][b] = v; state.preset = ""; update(); }
      });
      cells.push(input);
      row.append(make("td", {}, [input]));
    }
    kernel.append(row);
  }
  const probeInputs = ["row", "column"].map((label, a) => {
    const input = make("input", { type: "number", min: 0, max: [h, w][a] - 3, step: 1 });
    input.addEventListener("input", () => {
      const v = Number(input.value);
      if (Number.isInteger(v) && v >= 0 && v <= [h, w][a] - 3) { state.probe[a] = v; update(); }
    });
    return input;
  });
  const photoCanvas = make("canvas", { class: "pic", role: "img", "aria-label": "The grey photograph X" });
  const outCanvas = make("canvas", { class: "pic", role: "img", "aria-label": "The filtered photograph" });
  const bar = make("canvas", { class: "bar", role: "img", "aria-label": "Colour scale of the filtered photograph" });
  const ticks = make("div", { class: "ticks" });
  const stats = make("p", { class: "stats", "aria-live": "polite" });
  const probeText = make("p", { class: "probe", "aria-live": "polite" });
  root.append(
    make("style", { text: STYLE }),
    make("label", {}, ["Preset ", presetSelect]),
    make("div", {}, [
      make("fieldset", {}, [make("legend", { text: "Kernel K (3\u00d73)" }), kernel]),
      make("fieldset", {}, [make("legend", { text: "Read one output pixel" }),
        make("label", {}, ["row ", probeInputs[0]]), make("label", {}, ["column ", probeInputs[1]])]),
    ]),
    make("div", { class: "pics" }, [
      make("figure", {}, [photoCanvas, make("figcaption", { text: "Photo X" })]),
      make("figure", {}, [outCanvas, bar, ticks, make("figcaption", { text: "Y = X \u22c6 K" })]),
    ]),
    stats, probeText,
  );
  el.append(root);

  function syncControls() {
    cells.forEach((input, n) => { input.value = fmt(state.K[Math.floor(n / 3)][n % 3], 4); });
    probeInputs.forEach((input, a) => { input.value = state.probe[a]; });
    presetSelect.value = state.preset || "";
  }

  function update() {
    if (!pixels) return;
    const Y = correlate(pixels, h, w, state.K);
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
    stats.textContent = `Output ${h - 2}\u00d7${w - 2}, values from ${fmt(lo)} to ${fmt(hi)}, mean ${fmt(mean)}.`;
    const [r, c] = state.probe;
    const value = Y[r * (w - 2) + c];
    probeText.textContent = `Y[${r}, ${c}] = ${fmt(value)}`;
    state.stats = { shape: [h - 2, w - 2], min: lo, max: hi, mean, probe: value };
    written = structuredClone(state);
    model.set("state", written);
    model.save_changes();
  }

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
