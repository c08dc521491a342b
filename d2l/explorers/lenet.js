// A whole trained LeNet, live: draw a digit, pick a test digit or shift it,
// and watch every layer answer.
//
// The network arrives as one packed file (see lenet.py): a JSON header with
// the operations in order (conv, bn, act, pool, dense), their parameters as
// float32, and the test digits as 8-bit images. In a live notebook its bytes
// are the widget's `blob`; in the built book the page loads them with a
// <script> element (window.d2lExplorerData[name], base64), because fetch() of
// a local file is blocked under file://. The page computes every stage as
// MXNet does (a stage is a convolution or dense layer with the batch
// normalisation and nonlinearity after it, or a pooling layer), draws each in
// a diverging colour map centred at zero with one scale per stage, and
// explains the arithmetic of any unit the reader selects. It writes its
// prediction into `state.prediction` (and, when comparing a shifted input,
// `state.compared`) for Python to read.

const MINUS = "\u2212";
const TIMES = "\u00d7";
const SIDE = 28;
const MAX_SHIFT = 14;
const DIRECTIONS = { right: [0, 1], left: [0, -1], down: [1, 0], up: [-1, 0] };
const ARROWS = { ArrowUp: [-1, 0], ArrowDown: [1, 0], ArrowLeft: [0, -1], ArrowRight: [0, 1] };
const ACTIVATION_TEXT = {
  relu: ["ReLU", (u) => `max(0, ${u})`],
  sigmoid: ["sigmoid", (u) => `1 / (1 + e^(${MINUS}${u}))`],
  tanh: ["tanh", (u) => `tanh(${u})`],
  softrelu: ["softplus", (u) => `ln(1 + e^${u})`],
  "scaled tanh": ["scaled tanh", (u) => `1.7159 tanh(2 ${TIMES} ${u} / 3)`],
};
const ACTIVATIONS = {
  relu: (v) => (v > 0 ? v : 0),
  sigmoid: (v) => 1 / (1 + Math.exp(-v)),
  tanh: (v) => Math.tanh(v),
  softrelu: (v) => (v > 30 ? v : Math.log1p(Math.exp(v))),
  "scaled tanh": (v) => 1.7159 * Math.tanh((v * 2) / 3),
};

const STYLE = `
.d2l-lenet { --fg: #1a1a1a; --bg: #fff; --line: #c8c8c8; --muted: #4d4d4d; --bar: #8c8c8c; --win: #1a4fb5;
  --focus: #c2185b; --pick: #ffd400; --soft: #eef3ff;
  font-size: 0.95rem; color: var(--fg); background: var(--bg); border: 1px solid var(--line); border-radius: 6px;
  padding: 0.6rem; max-width: 100%; box-sizing: border-box; }
html[data-theme=dark] .d2l-lenet { --fg: #e8e8e8; --bg: #1b1d21; --line: #5a5a5a; --muted: #c0c0c0; --bar: #9a9a9a;
  --win: #8fb4ff; --focus: #ff7eb6; --soft: #26324a; }
.d2l-lenet *, .d2l-lenet *::before { box-sizing: border-box; }
.d2l-lenet button, .d2l-lenet select, .d2l-lenet input { font-size: 0.95rem; color: var(--fg); background: var(--bg);
  border: 1px solid var(--muted); border-radius: 4px; padding: 0.15rem 0.45rem; min-height: 2.1rem; }
.d2l-lenet button { cursor: pointer; background: var(--soft); }
.d2l-lenet input[type=number] { width: 4.2em; }
.d2l-lenet select { max-width: 100%; }
.d2l-lenet :focus-visible { outline: 3px solid var(--focus); outline-offset: 2px; }
.d2l-lenet .lx-top { display: flex; flex-wrap: wrap; gap: 0.8rem; align-items: flex-start; }
.d2l-lenet .lx-padbox { position: relative; width: 170px; flex: none; }
.d2l-lenet canvas.lx-pad { width: 170px; height: 170px; display: block; image-rendering: pixelated; touch-action: none;
  cursor: crosshair; border: 1px solid var(--muted); }
.d2l-lenet .lx-controls { display: flex; flex-direction: column; gap: 0.4rem; min-width: 0; flex: 1 1 12rem; }
.d2l-lenet .lx-row { display: flex; flex-wrap: wrap; gap: 0.3rem; align-items: center; }
.d2l-lenet .lx-hint, .d2l-lenet .lx-note { font-size: 0.85rem; color: var(--muted); margin: 0; }
.d2l-lenet .lx-verdict { font-weight: 700; margin: 0.4rem 0 0.2rem; }
.d2l-lenet .lx-probs { display: grid; grid-template-columns: repeat(10, minmax(0, 1fr)); gap: 3px; max-width: 330px;
  align-items: end; }
.d2l-lenet .lx-probs .lx-col { display: flex; flex-direction: column; align-items: center; }
.d2l-lenet .lx-probs .lx-bin { height: 60px; width: 100%; display: flex; align-items: flex-end; border-bottom: 1px solid var(--muted); }
.d2l-lenet .lx-probs .lx-fill { width: 100%; background: var(--bar); }
.d2l-lenet .lx-probs .lx-fill.lx-win { background: var(--win); }
.d2l-lenet .lx-probs .lx-fill.lx-after { background: repeating-linear-gradient(45deg, var(--win), var(--win) 3px, var(--bg) 3px, var(--bg) 5px); }
.d2l-lenet .lx-probs .lx-digit { font-size: 0.85rem; }
.d2l-lenet .lx-stage { margin: 0.6rem 0 0; }
.d2l-lenet .lx-stage-title { font-weight: 600; font-size: 0.9rem; margin: 0 0 0.2rem; }
.d2l-lenet .lx-maps { display: flex; flex-wrap: wrap; gap: 4px; }
.d2l-lenet .lx-map { position: relative; line-height: 0; flex: none; }
.d2l-lenet .lx-map canvas { width: 100%; height: auto; display: block; image-rendering: pixelated; cursor: pointer;
  outline: 1px solid var(--line); }
.d2l-lenet .lx-map.lx-below canvas { outline: 2px solid var(--pick); }
.d2l-lenet .lx-box { position: absolute; pointer-events: none; display: none; }
.d2l-lenet .lx-box.lx-unit { box-shadow: 0 0 0 2px #000, 0 0 0 4px var(--pick); z-index: 2; }
.d2l-lenet .lx-box.lx-field { outline: 2px solid var(--pick); box-shadow: 0 0 0 3px #000; z-index: 1; }
.d2l-lenet .lx-scale { display: flex; gap: 0.3rem; align-items: center; font-size: 0.85rem; margin-top: 0.2rem; }
.d2l-lenet .lx-scale canvas { flex: 0 1 120px; min-width: 30px; height: 10px; display: block;
  image-rendering: pixelated; outline: 1px solid var(--line); }
.d2l-lenet .lx-explain { margin-top: 0.7rem; border-top: 1px solid var(--line); padding-top: 0.4rem; }
.d2l-lenet .lx-explain fieldset { border: 1px solid var(--line); margin: 0 0 0.4rem; padding: 0.2rem 0.4rem;
  display: flex; flex-wrap: wrap; gap: 0.3rem 0.6rem; align-items: center; min-width: 0; }
.d2l-lenet legend { font-weight: 600; font-size: 0.9rem; }
.d2l-lenet label { white-space: nowrap; }
.d2l-lenet .lx-arith { font-family: monospace; font-size: 0.85rem; overflow-wrap: anywhere; margin: 0.25rem 0; }
.d2l-lenet .lx-tables { display: flex; flex-wrap: wrap; gap: 0.6rem; }
.d2l-lenet table.lx-nums { border-collapse: collapse; font-family: monospace; font-size: 0.8rem; margin: 0; }
.d2l-lenet table.lx-nums caption { font-family: inherit; font-weight: 600; text-align: left; padding: 0;
  caption-side: top; }
.d2l-lenet table.lx-nums td { border: 1px solid var(--line); padding: 0.05rem 0.2rem; text-align: right; }
.d2l-lenet .lx-compare { margin-top: 0.7rem; border-top: 1px solid var(--line); padding-top: 0.4rem; }
.d2l-lenet .lx-pair { display: grid; grid-template-columns: repeat(2, minmax(0, 1fr)); gap: 0.6rem; }
.d2l-lenet .lx-pair > div { min-width: 0; }
.d2l-lenet .lx-pair .lx-small { width: 84px; height: 84px; image-rendering: pixelated; display: block; outline: 1px solid var(--line); }
.d2l-lenet .lx-sr { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
`;

// -- Small helpers -------------------------------------------------------------

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

// Numbers as the page prints them: `digits` decimals at most, a true minus.
function fmt(value, digits = 3) {
  const rounded = Number(value.toFixed(digits));
  return String(rounded === 0 ? 0 : rounded).replace("-", MINUS);
}

// A term of a sum: negative numbers in brackets.
function term(value, digits = 3) {
  return value < 0 ? `(${fmt(value, digits)})` : fmt(value, digits);
}

function product(shape) {
  return shape.reduce((a, b) => a * b, 1);
}

function base64Bytes(text) {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let n = 0; n < binary.length; n++) bytes[n] = binary.charCodeAt(n);
  return bytes;
}

function bytesBase64(bytes) {
  let binary = "";
  for (let n = 0; n < bytes.length; n += 0x8000) {
    binary += String.fromCharCode(...bytes.subarray(n, n + 0x8000));
  }
  return btoa(binary);
}

// One <script> element per URL, shared by every explorer of the page.
function loadScript(url) {
  const registry = (window.d2lScripts = window.d2lScripts || {});
  if (!registry[url]) {
    registry[url] = new Promise((resolve, reject) => {
      const script = document.createElement("script");
      script.src = url;
      script.onload = () => resolve();
      script.onerror = () => reject(new Error(`could not load ${url}`));
      document.head.append(script);
    });
  }
  return registry[url];
}

// -- The packed network ----------------------------------------------------------

function parseNetwork(bytes) {
  const magic = String.fromCharCode(...bytes.subarray(0, 8));
  if (magic !== "D2LNET01") throw new Error("not a packed network file");
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const length = view.getUint32(8, true);
  const header = JSON.parse(new TextDecoder().decode(bytes.subarray(12, 12 + length)));
  const start = 12 + length;
  const end = start + 4 * header.floats;
  // Copies, so that the float32 view starts on a multiple of 4 bytes.
  const floats = new Float32Array(bytes.slice(start, end).buffer);
  const digits = bytes.slice(end, end + header.digits * SIDE * SIDE);
  return { header, floats, digits };
}

const outSize = (n, k, p, s) => Math.floor((n + 2 * p - k) / s) + 1;

// The stages of the network with buffers for their values (z before batch
// normalisation, u after it, y after the nonlinearity), and a last stage of
// probabilities. Each call gives new buffers; the weights are shared.
function buildStages(net) {
  const f = net.floats;
  const take = (offset, size) => (offset === null ? null : f.subarray(offset, offset + size));
  const stages = [];
  const counts = {};
  let shape = [1, SIDE, SIDE];
  for (const op of net.header.ops) {
    if (op.op === "conv" || op.op === "pool" || op.op === "dense") {
      counts[op.op] = (counts[op.op] || 0) + 1;
      let out;
      if (op.op === "dense") out = [op.out];
      else {
        const channels = op.op === "conv" ? op.out : shape[0];
        out = [channels, outSize(shape[1], op.kernel[0], op.pad[0], op.stride[0]),
          outSize(shape[2], op.kernel[1], op.pad[1], op.stride[1])];
      }
      const z = new Float32Array(product(out));
      const stage = { kind: op.op, name: `${op.op} ${counts[op.op]}`, op, inShape: shape, shape: out, z, u: z, y: z,
        bn: null, act: null, W: null, b: null };
      if (op.op === "conv") stage.W = take(op.weight, op.out * op.in * op.kernel[0] * op.kernel[1]);
      if (op.op === "dense") stage.W = take(op.weight, op.out * op.in);
      if (op.op !== "pool") stage.b = take(op.bias, op.out);
      stages.push(stage);
      shape = out;
    } else {
      const stage = stages[stages.length - 1];
      if (!stage || (op.op === "bn" && (stage.bn || stage.act)) || (op.op === "act" && stage.act)) {
        throw new Error(`unsupported order of operations at ${op.op}`);
      }
      if (op.op === "bn") {
        const c = op.channels;
        stage.bn = { eps: op.eps, gamma: take(op.gamma, c), beta: take(op.beta, c), mean: take(op.mean, c),
          var: take(op.var, c) };
        stage.u = new Float32Array(stage.z.length);
        stage.y = stage.u;
      } else {
        stage.act = op.fn;
        stage.y = new Float32Array(stage.z.length);
      }
    }
  }
  const scores = stages[stages.length - 1];
  const p = new Float32Array(scores.y.length);
  stages.push({ kind: "probabilities", name: "probabilities", shape: [p.length], inShape: scores.shape, z: p, u: p, y: p });
  return stages;
}

function convolve(s, X) {
  const [ci, H, W] = s.inShape;
  const [co, OH, OW] = s.shape;
  const [kh, kw] = s.op.kernel;
  const [sh, sw] = s.op.stride;
  const [ph, pw] = s.op.pad;
  for (let o = 0; o < co; o++) {
    const bias = s.b ? s.b[o] : 0;
    for (let i = 0; i < OH; i++) {
      for (let j = 0; j < OW; j++) {
        let sum = 0;
        for (let c = 0; c < ci; c++) {
          const wBase = (o * ci + c) * kh * kw;
          const xBase = c * H * W;
          for (let a = 0; a < kh; a++) {
            const r = i * sh - ph + a;
            if (r < 0 || r >= H) continue;
            for (let b = 0; b < kw; b++) {
              const col = j * sw - pw + b;
              if (col >= 0 && col < W) sum += s.W[wBase + a * kw + b] * X[xBase + r * W + col];
            }
          }
        }
        s.z[(o * OH + i) * OW + j] = sum + bias;
      }
    }
  }
}

function pool(s, X) {
  const [C, H, W] = s.inShape;
  const [, OH, OW] = s.shape;
  const [kh, kw] = s.op.kernel;
  const [sh, sw] = s.op.stride;
  const [ph, pw] = s.op.pad;
  const max = s.op.mode === "max";
  for (let c = 0; c < C; c++) {
    for (let i = 0; i < OH; i++) {
      for (let j = 0; j < OW; j++) {
        let acc = max ? -Infinity : 0;
        let inside = 0;
        for (let a = 0; a < kh; a++) {
          const r = i * sh - ph + a;
          for (let b = 0; b < kw; b++) {
            const col = j * sw - pw + b;
            if (r < 0 || r >= H || col < 0 || col >= W) continue;
            const v = X[(c * H + r) * W + col];
            inside++;
            acc = max ? Math.max(acc, v) : acc + v;
          }
        }
        const count = s.op.count_include_pad ? kh * kw : inside;
        s.z[(c * OH + i) * OW + j] = max ? acc : acc / count;
      }
    }
  }
}

function dense(s, X) {
  const n = s.op.in;
  for (let o = 0; o < s.op.out; o++) {
    let sum = 0;
    const base = o * n;
    for (let i = 0; i < n; i++) sum += s.W[base + i] * X[i];
    s.z[o] = sum + (s.b ? s.b[o] : 0);
  }
}

function channelOf(s, n) {
  return s.shape.length === 3 ? Math.floor(n / (s.shape[1] * s.shape[2])) : n;
}

function batchNorm(s, z, c) {
  const bn = s.bn;
  return (bn.gamma[c] * (z - bn.mean[c])) / Math.sqrt(bn.var[c] + bn.eps) + bn.beta[c];
}

function forward(stages, x) {
  let input = x;
  for (const s of stages) {
    if (s.kind === "conv") convolve(s, input);
    else if (s.kind === "pool") pool(s, input);
    else if (s.kind === "dense") dense(s, input);
    else {
      let top = -Infinity;
      for (const v of input) top = Math.max(top, v);
      let total = 0;
      for (let k = 0; k < input.length; k++) total += Math.exp(input[k] - top);
      for (let k = 0; k < input.length; k++) s.z[k] = Math.exp(input[k] - top) / total;
    }
    if (s.bn) for (let n = 0; n < s.z.length; n++) s.u[n] = batchNorm(s, s.z[n], channelOf(s, n));
    if (s.act) {
      const f = ACTIVATIONS[s.act];
      for (let n = 0; n < s.u.length; n++) s.y[n] = f(s.u[n]);
    }
    input = s.y;
  }
}

// Rows (or columns) [lo, hi] of stage t's output, as rows of its input.
function back(s, lo, hi, axis) {
  const k = s.op.kernel[axis];
  const st = s.op.stride[axis];
  const p = s.op.pad[axis];
  return [lo * st - p, hi * st - p + k - 1];
}

// The window of unit (i, j) of stage t in the layer below, and its field on
// the input; null where every value counts (after a dense layer).
function fields(stages, t, i, j) {
  let rows = [i, i];
  let cols = [j, j];
  let below = null;
  for (let k = t; k >= 0; k--) {
    const s = stages[k];
    if (s.kind === "dense") return { below: k === t ? null : below, input: null };
    rows = back(s, rows[0], rows[1], 0);
    cols = back(s, cols[0], cols[1], 1);
    if (k === t) below = { rows: [...rows], cols: [...cols] };
  }
  return { below, input: { rows, cols } };
}

// -- Colours ---------------------------------------------------------------------

// Blue (-1) through white (0) to red (1), as the book's figures (RdBu).
const DIVERGING = (() => {
  const table = new Uint8ClampedArray(256 * 3);
  for (let n = 0; n < 256; n++) {
    const t = (n / 255) * 2 - 1;
    const a = Math.abs(t);
    const far = t < 0 ? [33, 102, 172] : [178, 24, 43];
    for (let k = 0; k < 3; k++) table[3 * n + k] = Math.round(255 + (far[k] - 255) * a);
  }
  return table;
})();

function paintValues(image, values, offset, count, top) {
  const data = image.data;
  for (let n = 0; n < count; n++) {
    const t = Math.max(-1, Math.min(1, values[offset + n] / top));
    const index = 3 * Math.round(((t + 1) / 2) * 255);
    data[4 * n] = DIVERGING[index];
    data[4 * n + 1] = DIVERGING[index + 1];
    data[4 * n + 2] = DIVERGING[index + 2];
    data[4 * n + 3] = 255;
  }
}

function paintGrey(image, values) {
  const data = image.data;
  for (let n = 0; n < values.length; n++) {
    const g = Math.round(255 * Math.max(0, Math.min(1, values[n])));
    data[4 * n] = data[4 * n + 1] = data[4 * n + 2] = g;
    data[4 * n + 3] = 255;
  }
}

function canvasFor(h, w, attrs = {}) {
  const canvas = make("canvas", attrs);
  canvas.width = w;
  canvas.height = h;
  const ctx = canvas.getContext("2d");
  return { canvas, ctx, image: ctx.createImageData(w, h) };
}

function largest(values) {
  let top = 0;
  for (const v of values) top = Math.max(top, Math.abs(v));
  return top || 1;
}

// How big each map is drawn, in CSS pixels, by its side in units.
function mapPixels(side) {
  if (side >= 20) return Math.round(side * 2.5);
  if (side >= 10) return side * 4;
  if (side >= 5) return side * 6;
  return side * 8;
}

const DENSE_COLUMNS = 12;

// -- The input ---------------------------------------------------------------------

function shiftImage(base, dy, dx) {
  const out = new Float32Array(SIDE * SIDE);
  for (let r = 0; r < SIDE; r++) {
    const from = r - dy;
    if (from < 0 || from >= SIDE) continue;
    for (let c = 0; c < SIDE; c++) {
      const fc = c - dx;
      if (fc >= 0 && fc < SIDE) out[r * SIDE + c] = base[from * SIDE + fc];
    }
  }
  return out;
}

// Ink a drawing pixel at distance d from the pen gets (multiples of 1/4).
function ink(d) {
  if (d <= 0.6) return 1;
  if (d <= 1.1) return 0.75;
  if (d <= 1.6) return 0.25;
  return 0;
}

// -- The explorer ------------------------------------------------------------------

function render({ model, el }) {
  let state = structuredClone(model.get("state"));
  let written = null;
  let net = null;
  let stages = null;
  let moved = null; // the stages of the shifted input (comparison)
  let views = [];
  let compareViews = null;
  let input = new Float32Array(SIDE * SIDE);
  let explainChannel = null;
  const root = make("div", { class: "d2l-lenet", "data-explorer": "lenet" });
  root.append(make("style", { text: STYLE }));
  const status = make("p", { class: "lx-note", text: "Loading the trained network\u2026" });
  root.append(status);
  el.append(root);

  // -- the data --------------------------------------------------------------
  async function loadData() {
    const blob = model.get("blob");
    if (blob && blob.byteLength) {
      return parseNetwork(new Uint8Array(blob.buffer, blob.byteOffset, blob.byteLength));
    }
    const store = window.d2lExplorerData || {};
    if (!store[state.data]) await loadScript(state.data_url);
    return parseNetwork(base64Bytes(window.d2lExplorerData[state.data]));
  }

  function baseImage() {
    if (state.pixels) return Float32Array.from(state.pixels);
    const first = state.digit * SIDE * SIDE;
    return Float32Array.from(net.digits.subarray(first, first + SIDE * SIDE), (v) => Math.fround(v / 255));
  }

  // -- the page's controls -----------------------------------------------------
  const pad = canvasFor(SIDE, SIDE, { class: "lx-pad", tabindex: 0, role: "img",
    "aria-label": "Drawing pad, the network's 28 by 28 input. Draw with a mouse, pen or finger; arrow keys move the digit by one pixel." });
  const fieldBox = make("div", { class: "lx-box lx-field" });
  const picker = make("select", { "aria-label": "Test digit" });
  const clear = make("button", { type: "button", text: "Clear the pad" });
  const shiftButtons = Object.entries({ up: "\u2191", down: "\u2193", left: "\u2190", right: "\u2192" }).map(
    ([name, arrow]) => {
      const button = make("button", { type: "button", text: arrow, "aria-label": `Move the digit one pixel ${name}` });
      button.addEventListener("click", () => moveBy(...(name === "up" ? [-1, 0] : name === "down" ? [1, 0]
        : name === "left" ? [0, -1] : [0, 1])));
      return button;
    });
  const shiftText = make("span", { class: "lx-note" });
  const verdict = make("p", { class: "lx-verdict" });
  const announce = make("p", { class: "lx-sr", "aria-live": "polite" });
  const probs = make("div", { class: "lx-probs", role: "img" });
  const probFills = [];
  const stagesBox = make("div", { class: "lx-stages" });
  const explain = make("div", { class: "lx-explain" });
  const compareBox = make("div", { class: "lx-compare" });

  function buildDom() {
    root.replaceChildren(make("style", { text: STYLE }));
    const title = make("p", { class: "lx-note", text: `The network: ${state.title}. ` +
      "Every map is drawn blue (negative) through white (0) to red (positive), on one scale per layer." });
    picker.replaceChildren(make("option", { value: "", text: "(your drawing)" }),
      ...net.header.labels.map((label, n) => make("option", { value: String(n), text: `test digit ${n + 1}: a ${label}` })));
    root.append(
      title,
      make("div", { class: "lx-top" }, [
        make("div", {}, [make("div", { class: "lx-padbox" }, [pad.canvas, fieldBox]),
          make("p", { class: "lx-hint", text: "Input X: black 0 to white 1" })]),
        make("div", { class: "lx-controls" }, [
          make("label", {}, ["Test digit ", picker]),
          make("div", { class: "lx-row" }, [clear]),
          make("div", { class: "lx-row", role: "group", "aria-label": "Move the digit" },
            [make("span", { text: "Move:" }), ...shiftButtons]),
          shiftText,
          make("p", { class: "lx-hint", text: "Draw on the pad with a mouse, pen or finger; with the pad focused, arrow keys move the digit." }),
        ]),
      ]),
      verdict, announce, probs, stagesBox, explain, compareBox,
    );
    probFills.length = 0;
    probs.replaceChildren(...Array.from({ length: stages[stages.length - 1].y.length }, (_, k) => {
      const fill = make("div", { class: "lx-fill" });
      probFills.push(fill);
      return make("div", { class: "lx-col" }, [make("div", { class: "lx-bin" }, [fill]),
        make("span", { class: "lx-digit", text: String(k) })]);
    }));
    buildStageViews();
    buildExplainControls();
    buildCompare();
  }

  // One block per stage: its maps (or units) and its colour bar.
  function stageView(s, t, compact = false) {
    const block = make("div", { class: "lx-stage", "data-stage": s.name });
    const maps = [];
    let grid = null;
    const what = s.kind === "conv" ? "convolution" : s.kind === "pool" ? `${s.op.mode === "max" ? "max" : "average"} pooling`
      : "dense layer";
    const extras = [s.bn ? "batch norm" : "", s.act ? ACTIVATION_TEXT[s.act][0] : ""].filter(Boolean);
    const size = s.shape.length === 3 ? `${s.shape[0]} maps of ${s.shape[1]}${TIMES}${s.shape[2]}` : `${s.shape[0]} units`;
    const title = compact ? s.name : `${s.name}: ${size} (${[what, ...extras].join(", ")})`;
    block.append(make("p", { class: "lx-stage-title", text: title }));
    const holder = make("div", { class: "lx-maps" });
    if (s.shape.length === 3) {
      const [C, H, W] = s.shape;
      const px = compact ? Math.max(28, Math.min(40, 2 * H)) : mapPixels(H);
      for (let c = 0; c < C; c++) {
        const view = canvasFor(H, W, { role: "img", "aria-label": `${s.name}, map ${c}` });
        const unit = make("div", { class: "lx-box lx-unit" });
        const window_ = make("div", { class: "lx-box lx-field" });
        const box = make("div", { class: "lx-map" }, [view.canvas, unit, window_]);
        box.style.width = `${px}px`;
        if (!compact) {
          view.canvas.addEventListener("click", (event) => {
            const rect = view.canvas.getBoundingClientRect();
            const i = Math.min(H - 1, Math.floor(((event.clientY - rect.top) / rect.height) * H));
            const j = Math.min(W - 1, Math.floor(((event.clientX - rect.left) / rect.width) * W));
            choose([t, c, Math.max(0, i), Math.max(0, j)]);
          });
        }
        holder.append(box);
        maps.push({ ...view, box, unit, window: window_ });
      }
    } else {
      const n = s.shape[0];
      const cols = Math.min(DENSE_COLUMNS, n);
      const rows = Math.ceil(n / cols);
      const view = canvasFor(rows, cols, { role: "img", "aria-label": `${s.name}, ${n} units in rows of ${cols}` });
      const unit = make("div", { class: "lx-box lx-unit" });
      const box = make("div", { class: "lx-map" }, [view.canvas, unit]);
      box.style.width = `${cols * (compact ? 10 : 14)}px`;
      view.canvas.addEventListener("click", (event) => {
        const rect = view.canvas.getBoundingClientRect();
        const r = Math.floor(((event.clientY - rect.top) / rect.height) * rows);
        const c = Math.floor(((event.clientX - rect.left) / rect.width) * cols);
        const k = Math.max(0, Math.min(n - 1, r * cols + c));
        choose([t, k, 0, 0]);
      });
      holder.append(box);
      grid = { ...view, box, unit, cols, rows };
    }
    const bar = canvasFor(1, 64, { role: "img", "aria-label": `Colour scale of ${s.name}` });
    paintValues(bar.image, Float32Array.from({ length: 64 }, (_, n) => -1 + (2 * n) / 63), 0, 64, 1);
    bar.ctx.putImageData(bar.image, 0, 0);
    const low = make("span");
    const high = make("span");
    block.append(holder, make("div", { class: "lx-scale" }, [low, bar.canvas, high]));
    return { block, maps, grid, low, high, stage: s };
  }

  function buildStageViews() {
    views = stages.slice(0, -1).map((s, t) => stageView(s, t));
    stagesBox.replaceChildren(...views.map((v) => v.block));
  }

  function drawStage(view, s, top) {
    if (view.grid) {
      const g = view.grid;
      const padded = new Float32Array(g.rows * g.cols);
      padded.set(s.y);
      paintValues(g.image, padded, 0, padded.length, top);
      for (let n = s.y.length; n < padded.length; n++) g.image.data[4 * n + 3] = 0;
      g.ctx.putImageData(g.image, 0, 0);
    } else {
      const size = s.shape[1] * s.shape[2];
      view.maps.forEach((m, c) => {
        paintValues(m.image, s.y, c * size, size, top);
        m.ctx.putImageData(m.image, 0, 0);
      });
    }
    view.low.textContent = fmt(-top, 2);
    view.high.textContent = fmt(top, 2);
  }

  function drawProbabilities(p, label) {
    probFills.forEach((fill, k) => {
      fill.style.height = `${Math.round(p[k] * 1000) / 10}%`;
      fill.classList.toggle("lx-win", k === label);
    });
    probs.setAttribute("aria-label", `Probabilities of the ten digits: ${Array.from(p, (v, k) => `${k}: ${fmt(v, 2)}`).join(", ")}`);
  }

  // -- explaining a unit ----------------------------------------------------------
  let stageSelect;
  let unitInputs;
  let channelSelect;
  let explainText;

  function numberInput(label, onValue) {
    const field = make("input", { type: "number", min: 0, step: 1, "aria-label": label });
    field.addEventListener("input", () => {
      const v = Number(field.value);
      if (Number.isInteger(v) && v >= 0 && v <= Number(field.max)) onValue(v);
    });
    field.addEventListener("change", () => {
      const v = Math.max(0, Math.min(Number(field.max), Math.round(Number(field.value) || 0)));
      field.value = v;
      onValue(v);
    });
    return { input: field, label: make("label", {}, [`${label} `, field]) };
  }

  function buildExplainControls() {
    stageSelect = make("select", { "aria-label": "layer" }, stages.slice(0, -1).map((s, t) => make("option", { value: String(t), text: s.name })));
    stageSelect.addEventListener("change", () => choose([Number(stageSelect.value), 0, 0, 0], true));
    const set = (k) => (v) => {
      const unit = [...state.selected];
      unit[k] = v;
      choose(unit);
    };
    unitInputs = [numberInput("map", set(1)), numberInput("row", set(2)), numberInput("column", set(3))];
    channelSelect = make("select");
    channelSelect.addEventListener("change", () => {
      explainChannel = Number(channelSelect.value);
      explainUnit();
    });
    explainText = make("div", { class: "lx-explanation" });
    explain.replaceChildren(
      make("fieldset", {}, [make("legend", { text: "Explain a unit" }),
        make("label", {}, ["layer ", stageSelect]), ...unitInputs.map((u) => u.label),
        make("p", { class: "lx-hint", text: "Or click or tap any map." })]),
      explainText,
    );
  }

  function syncExplainControls() {
    const [t, c, i, j] = state.selected;
    const s = stages[t];
    stageSelect.value = String(t);
    const maps = s.shape.length === 3;
    unitInputs[0].label.firstChild.textContent = maps ? "map " : "unit ";
    unitInputs[0].input.setAttribute("aria-label", maps ? "map" : "unit");
    unitInputs[0].input.max = s.shape[0] - 1;
    unitInputs[1].input.max = maps ? s.shape[1] - 1 : 0;
    unitInputs[2].input.max = maps ? s.shape[2] - 1 : 0;
    [c, i, j].forEach((v, k) => { unitInputs[k].input.value = v; });
    unitInputs[1].label.hidden = unitInputs[2].label.hidden = !maps;
  }

  // A unit that exists: [stage, channel or unit, row, column], clamped.
  function clampUnit(unit) {
    const t = Math.max(0, Math.min(stages.length - 2, unit[0]));
    const s = stages[t];
    const maps = s.shape.length === 3;
    const clamp = (v, n) => Math.max(0, Math.min(n - 1, v));
    if (!maps) return [t, clamp(unit[1], s.shape[0]), 0, 0];
    return [t, clamp(unit[1], s.shape[0]), clamp(unit[2], s.shape[1]), clamp(unit[3], s.shape[2])];
  }

  function choose(unit, reset = false) {
    const s = stages[unit[0]];
    const maps = s.shape.length === 3;
    let next = clampUnit(unit);
    if (reset && maps) next = [unit[0], 0, Math.floor(s.shape[1] / 2), Math.floor(s.shape[2] / 2)];
    if (next.join() !== state.selected.join()) explainChannel = null;
    state.selected = next;
    syncExplainControls();
    showSelection();
    explainUnit();
    save();
  }

  function place(box, rows, cols, h, w) {
    const r0 = Math.max(0, rows[0]);
    const r1 = Math.min(h - 1, rows[1]);
    const c0 = Math.max(0, cols[0]);
    const c1 = Math.min(w - 1, cols[1]);
    if (r1 < r0 || c1 < c0) {
      box.style.display = "none";
      return;
    }
    Object.assign(box.style, { display: "block", top: `${(100 * r0) / h}%`, left: `${(100 * c0) / w}%`,
      height: `${(100 * (r1 - r0 + 1)) / h}%`, width: `${(100 * (c1 - c0 + 1)) / w}%` });
  }

  function showSelection() {
    const [t, c, i, j] = state.selected;
    const s = stages[t];
    for (const view of views) {
      for (const m of view.maps) {
        m.unit.style.display = "none";
        m.window.style.display = "none";
        m.box.classList.remove("lx-below");
      }
      if (view.grid) {
        view.grid.unit.style.display = "none";
        view.grid.box.classList.remove("lx-below");
      }
    }
    const view = views[t];
    if (explain.previousElementSibling !== view.block) {
      const focused = explain.contains(document.activeElement) ? document.activeElement : null;
      view.block.after(explain);
      if (focused) focused.focus();
    }
    if (view.grid) {
      const g = view.grid;
      place(g.unit, [Math.floor(c / g.cols), Math.floor(c / g.cols)], [c % g.cols, c % g.cols], g.rows, g.cols);
    } else {
      place(view.maps[c].unit, [i, i], [j, j], s.shape[1], s.shape[2]);
    }
    const f = fields(stages, t, i, j);
    if (f.input) place(fieldBox, f.input.rows, f.input.cols, SIDE, SIDE);
    else place(fieldBox, [0, SIDE - 1], [0, SIDE - 1], SIDE, SIDE);
    if (t === 0) return;
    const under = views[t - 1];
    const ps = stages[t - 1];
    if (s.kind === "dense" || !f.below) {
      for (const m of under.maps) m.box.classList.add("lx-below");
      if (under.grid) under.grid.box.classList.add("lx-below");
      return;
    }
    const channels = s.kind === "pool" ? [c] : under.maps.map((_, k) => k);
    for (const k of channels) place(under.maps[k].window, f.below.rows, f.below.cols, ps.shape[1], ps.shape[2]);
  }

  function table(caption, rows) {
    return make("table", { class: "lx-nums" }, [make("caption", { text: caption }),
      ...rows.map((row) => make("tr", {}, row.map((v) => make("td", { text: v }))))]);
  }

  function line(text) {
    return make("p", { class: "lx-arith", text });
  }

  // The arithmetic of the selected unit, in the book's notation.
  function explainUnit() {
    const [t, c, i, j] = state.selected;
    const s = stages[t];
    const X = t === 0 ? input : stages[t - 1].y;
    const below = t === 0 ? "the input X" : `${stages[t - 1].name}`;
    const flat = s.shape.length === 3 ? (c * s.shape[1] + i) * s.shape[2] + j : c;
    const parts = [];
    const name = s.shape.length === 3 ? `Y[${c}, ${i}, ${j}]` : `Y[${c}]`;
    const where = s.shape.length === 3 ? `map ${c}, row ${i}, column ${j}` : `unit ${c}`;
    parts.push(make("p", { text: `${s.name}, ${where}: it reads ${below}.` }));
    if (s.kind === "conv") {
      const [ci, H, W] = s.inShape;
      const [kh, kw] = s.op.kernel;
      const r0 = i * s.op.stride[0] - s.op.pad[0];
      const c0 = j * s.op.stride[1] - s.op.pad[1];
      const contributions = [];
      for (let k = 0; k < ci; k++) {
        let sum = 0;
        for (let a = 0; a < kh; a++) {
          for (let b = 0; b < kw; b++) {
            const r = r0 + a;
            const col = c0 + b;
            if (r < 0 || r >= H || col < 0 || col >= W) continue;
            sum += X[(k * H + r) * W + col] * s.W[((c * ci + k) * kh + a) * kw + b];
          }
        }
        contributions.push(sum);
      }
      let shown = explainChannel;
      if (shown === null || shown >= ci) {
        shown = 0;
        contributions.forEach((v, k) => { if (Math.abs(v) > Math.abs(contributions[shown])) shown = k; });
      }
      const windowRows = [];
      const kernelRows = [];
      for (let a = 0; a < kh; a++) {
        const wr = [];
        const kr = [];
        for (let b = 0; b < kw; b++) {
          const r = r0 + a;
          const col = c0 + b;
          const inside = r >= 0 && r < H && col >= 0 && col < W;
          wr.push(inside ? fmt(X[(shown * H + r) * W + col], 2) : "0");
          kr.push(fmt(s.W[((c * ci + shown) * kh + a) * kw + b], 2));
        }
        windowRows.push(wr);
        kernelRows.push(kr);
      }
      const span = `rows ${r0} to ${r0 + kh - 1}, columns ${c0} to ${c0 + kw - 1}`;
      parts.push(make("p", { text: `Its window: ${span} of ${below}${ci > 1 ? ` (all ${ci} maps)` : ""}` +
        `${r0 < 0 || c0 < 0 || r0 + kh > H || c0 + kw > W ? "; outside the map the padding is 0" : ""}.` }));
      if (ci > 1) {
        channelSelect.replaceChildren(...contributions.map((_, k) => make("option", { value: String(k), text: String(k) })));
        channelSelect.value = String(shown);
        channelSelect.setAttribute("aria-label", "Show input map");
        parts.push(make("label", {}, ["Show input map ", channelSelect]));
      }
      parts.push(make("div", { class: "lx-tables" }, [
        table(`window of ${ci > 1 ? `map ${shown}` : "X"}`, windowRows),
        table(`kernel K[${c}${ci > 1 ? `, ${shown}` : ""}]`, kernelRows)]));
      const total = contributions.reduce((a, b) => a + b, 0);
      if (ci > 1) {
        parts.push(line(`sum over the ${ci} input maps of \u03a3 window \u2299 K: ${contributions.map((v) => term(v)).join(" + ")} = ${fmt(total)}`));
      } else {
        parts.push(line(`\u03a3 window \u2299 K = ${fmt(total)}`));
      }
      const bias = s.b ? s.b[c] : 0;
      parts.push(line(`z = ${fmt(total)} + b[${c}] = ${fmt(total)} + ${term(bias)} = ${fmt(s.z[flat])}`));
    } else if (s.kind === "pool") {
      const [, H, W] = s.inShape;
      const [kh, kw] = s.op.kernel;
      const r0 = i * s.op.stride[0] - s.op.pad[0];
      const c0 = j * s.op.stride[1] - s.op.pad[1];
      const values = [];
      for (let a = 0; a < kh; a++) {
        for (let b = 0; b < kw; b++) {
          const r = r0 + a;
          const col = c0 + b;
          if (r >= 0 && r < H && col >= 0 && col < W) values.push(X[(c * H + r) * W + col]);
        }
      }
      parts.push(make("p", { text: `Its ${kh}${TIMES}${kw} window: rows ${r0} to ${r0 + kh - 1}, columns ${c0} to ${c0 + kw - 1} of map ${c}.` }));
      const body = s.op.mode === "max" ? `max(${values.map((v) => fmt(v)).join(", ")})`
        : `(${values.map((v) => term(v)).join(" + ")}) / ${s.op.count_include_pad ? kh * kw : values.length}`;
      parts.push(line(`${name} = ${body} = ${fmt(s.z[flat])}`));
    } else {
      const n = s.op.in;
      const terms = [];
      for (let k = 0; k < n; k++) terms.push([k, s.W[c * n + k] * X[k]]);
      terms.sort((a, b) => Math.abs(b[1]) - Math.abs(a[1]));
      const top = terms.slice(0, 5);
      const rest = terms.slice(5).reduce((a, b) => a + b[1], 0);
      const total = terms.reduce((a, b) => a + b[1], 0);
      parts.push(make("p", { text: `It weighs all ${n} values of ${below} (flattened to a vector h): ` +
        `z = \u03a3\u2096 W[${c}, k] h[k] + b[${c}]. The five largest terms W[${c}, k] h[k]:` }));
      parts.push(line(top.map(([k, v]) => `k=${k}: ${fmt(s.W[c * n + k])} ${TIMES} ${fmt(X[k])} = ${fmt(v)}`).join("; ")));
      parts.push(line(`\u03a3 = ${top.map(([, v]) => term(v)).join(" + ")} + (the other ${n - 5} terms: ${fmt(rest)}) = ${fmt(total)}`));
      const bias = s.b ? s.b[c] : 0;
      parts.push(line(`z = ${fmt(total)} + b[${c}] = ${fmt(total)} + ${term(bias)} = ${fmt(s.z[flat])}`));
    }
    if (s.bn) {
      const ch = channelOf(s, flat);
      const bn = s.bn;
      parts.push(line(`batch norm: u = \u03b3 (z ${MINUS} \u03bc) / \u221a(\u03c3\u00b2 + \u03b5) + \u03b2 = ` +
        `${fmt(bn.gamma[ch])} ${TIMES} (${fmt(s.z[flat])} ${MINUS} ${term(bn.mean[ch])}) / \u221a(${fmt(bn.var[ch])} + ${bn.eps}) + ` +
        `${term(bn.beta[ch])} = ${fmt(s.u[flat])}`));
    }
    if (s.act) {
      const [label, formula] = ACTIVATION_TEXT[s.act];
      parts.push(line(`${label}: ${name} = ${formula(term(s.u[flat]))} = ${fmt(s.y[flat])}`));
    }
    if (t === stages.length - 2) {
      const p = stages[stages.length - 1].y;
      parts.push(line(`probability of a ${c}: softmax, e^{o[${c}]} / \u03a3\u2c7c e^{o[j]} = ${fmt(p[c])}`));
    }
    explainText.replaceChildren(...parts);
  }

  // -- comparison with the input moved by one pixel (section 10) --------------------
  function buildCompare() {
    compareBox.replaceChildren();
    compareViews = null;
    if (!state.compare) return;
    const direction = make("select", { "aria-label": "Direction of the one-pixel move" },
      Object.keys(DIRECTIONS).map((d) => make("option", { value: d, text: d })));
    direction.value = state.compare;
    direction.addEventListener("change", () => {
      state.compare = direction.value;
      update();
      save();
    });
    const pooled = stages.map((s, t) => [s, t]).filter(([s]) => s.kind === "pool");
    const column = (which) => {
      const small = canvasFor(SIDE, SIDE, { class: "lx-small", role: "img", "aria-label": `Input ${which}` });
      const blocks = pooled.map(([s, t]) => stageView(s, t, true));
      const p = make("p", { class: "lx-verdict" });
      return { small, blocks, p, box: make("div", {}, [make("p", { class: "lx-stage-title", text: which }), small.canvas,
        ...blocks.map((b) => b.block), p]) };
    };
    const before = column("as it is");
    const after = column("moved");
    const probsBox = make("div", { class: "lx-probs", role: "img" });
    const fills = [];
    probsBox.replaceChildren(...Array.from({ length: 10 }, (_, k) => {
      const pair = [make("div", { class: "lx-fill" }), make("div", { class: "lx-fill lx-after" })];
      fills.push(pair);
      return make("div", { class: "lx-col" }, [make("div", { class: "lx-bin" }, pair), make("span", { class: "lx-digit", text: String(k) })]);
    }));
    const change = make("p", { class: "lx-arith" });
    compareBox.append(
      make("p", { class: "lx-stage-title", text: "One pixel over: the pooled maps and probabilities, side by side" }),
      make("label", {}, ["Move the input one pixel ", direction]),
      make("div", { class: "lx-pair" }, [before.box, after.box]),
      make("p", { class: "lx-note", text: "Probabilities, as it is (solid) and moved (striped):" }),
      probsBox, change,
    );
    compareViews = { before, after, pooled, fills, probsBox, change, direction };
    moved = buildStages(net);
  }

  function drawCompare() {
    if (!compareViews) return;
    const cv = compareViews;
    const [dy, dx] = DIRECTIONS[state.compare];
    cv.direction.value = state.compare;
    const shiftedInput = shiftImage(input, dy, dx);
    forward(moved, shiftedInput);
    cv.after.box.firstChild.textContent = `moved ${state.compare}`;
    for (const [column, values] of [[cv.before, input], [cv.after, shiftedInput]]) {
      paintGrey(column.small.image, values);
      column.small.ctx.putImageData(column.small.image, 0, 0);
    }
    const changes = [];
    cv.pooled.forEach(([s, t], k) => {
      const top = Math.max(largest(stages[t].y), largest(moved[t].y));
      drawStage(cv.before.blocks[k], stages[t], top);
      drawStage(cv.after.blocks[k], moved[t], top);
      let diff = 0;
      let norm = 0;
      stages[t].y.forEach((v, n) => { diff += (moved[t].y[n] - v) ** 2; norm += v * v; });
      changes.push(`${s.name}: \u2016after ${MINUS} before\u2016 / \u2016before\u2016 = ${fmt(Math.sqrt(diff / (norm || 1)), 2)}`);
    });
    const p0 = stages[stages.length - 1].y;
    const p1 = moved[moved.length - 1].y;
    const l0 = argmax(p0);
    const l1 = argmax(p1);
    cv.before.p.textContent = `read as a ${l0} (${p0[l0].toFixed(2)})`;
    cv.after.p.textContent = `read as a ${l1} (${p1[l1].toFixed(2)})`;
    cv.fills.forEach(([a, b], k) => {
      a.style.height = `${Math.round(p0[k] * 1000) / 10}%`;
      b.style.height = `${Math.round(p1[k] * 1000) / 10}%`;
    });
    cv.probsBox.setAttribute("aria-label", `Probabilities before and after the move: ${Array.from(p0, (v, k) =>
      `${k}: ${fmt(v, 2)} and ${fmt(p1[k], 2)}`).join(", ")}`);
    cv.change.textContent = `Relative change of the pooled maps. ${changes.join("; ")}.`;
    state.compared = { label: l1, probabilities: Array.from(p1) };
  }

  function argmax(values) {
    let best = 0;
    values.forEach((v, k) => { if (v > values[best]) best = k; });
    return best;
  }

  // -- recompute and redraw ------------------------------------------------------------
  function update() {
    if (!net) return;
    input = shiftImage(baseImage(), state.shift[0], state.shift[1]);
    forward(stages, input);
    paintGrey(pad.image, input);
    pad.ctx.putImageData(pad.image, 0, 0);
    stages.slice(0, -1).forEach((s, t) => drawStage(views[t], s, largest(s.y)));
    const p = stages[stages.length - 1].y;
    const label = argmax(p);
    drawProbabilities(p, label);
    const what = state.pixels ? "your drawing" : `test digit ${state.digit + 1} (labelled ${net.header.labels[state.digit]})`;
    verdict.textContent = `LeNet reads ${what} as a ${label}, with probability ${p[label].toFixed(2)}.`;
    const [dy, dx] = state.shift;
    shiftText.textContent = dy || dx ? `Moved ${Math.abs(dx)} ${dx < 0 ? "left" : "right"}, ${Math.abs(dy)} ${dy < 0 ? "up" : "down"}.`
      : "Not moved.";
    picker.value = state.pixels ? "" : String(state.digit);
    state.prediction = { label, probabilities: Array.from(p) };
    state.compared = null;
    showSelection();
    explainUnit();
    drawCompare();
  }

  function save(spoken = false) {
    if (spoken) announce.textContent = verdict.textContent;
    written = structuredClone(state);
    model.set("state", written);
    model.save_changes();
  }

  function moveBy(dy, dx) {
    const next = [state.shift[0] + dy, state.shift[1] + dx];
    if (Math.max(Math.abs(next[0]), Math.abs(next[1])) > MAX_SHIFT) return;
    state.shift = next;
    update();
    save(true);
  }

  // -- drawing ---------------------------------------------------------------------------
  let stroke = null;
  let pending = false;
  function penAt(event) {
    const rect = pad.canvas.getBoundingClientRect();
    return [((event.clientY - rect.top) / rect.height) * SIDE, ((event.clientX - rect.left) / rect.width) * SIDE];
  }
  function inkAlong(from, to) {
    const steps = Math.max(1, Math.ceil(Math.hypot(to[0] - from[0], to[1] - from[1]) / 0.25));
    for (let n = 0; n <= steps; n++) {
      const y = from[0] + ((to[0] - from[0]) * n) / steps;
      const x = from[1] + ((to[1] - from[1]) * n) / steps;
      for (let r = Math.floor(y - 2); r <= Math.floor(y + 2); r++) {
        for (let c = Math.floor(x - 2); c <= Math.floor(x + 2); c++) {
          if (r < 0 || r >= SIDE || c < 0 || c >= SIDE) continue;
          const v = ink(Math.hypot(r + 0.5 - y, c + 0.5 - x));
          if (v > state.pixels[r * SIDE + c]) state.pixels[r * SIDE + c] = v;
        }
      }
    }
  }
  function redrawSoon() {
    if (pending) return;
    pending = true;
    requestAnimationFrame(() => {
      pending = false;
      update();
    });
  }
  pad.canvas.addEventListener("pointerdown", (event) => {
    if (!net) return;
    event.preventDefault();
    pad.canvas.setPointerCapture(event.pointerId);
    if (!state.pixels || state.shift[0] || state.shift[1]) {
      state.pixels = Array.from(input); // draw over what is shown
      state.digit = null;
      state.shift = [0, 0];
    }
    stroke = penAt(event);
    inkAlong(stroke, stroke);
    update();
  });
  pad.canvas.addEventListener("pointermove", (event) => {
    if (!stroke) return;
    const at = penAt(event);
    inkAlong(stroke, at);
    stroke = at;
    redrawSoon();
  });
  const endStroke = () => {
    if (!stroke) return;
    stroke = null;
    update();
    save(true);
  };
  pad.canvas.addEventListener("pointerup", endStroke);
  pad.canvas.addEventListener("pointercancel", endStroke);
  pad.canvas.addEventListener("keydown", (event) => {
    const move = ARROWS[event.key];
    if (!move) return;
    event.preventDefault();
    moveBy(...move);
  });
  clear.addEventListener("click", () => {
    state.pixels = new Array(SIDE * SIDE).fill(0);
    state.digit = null;
    state.shift = [0, 0];
    update();
    save(true);
  });
  picker.addEventListener("change", () => {
    if (picker.value === "") return;
    state.digit = Number(picker.value);
    state.pixels = null;
    state.shift = [0, 0];
    update();
    save(true);
  });

  // -- Python's changes, a new network --------------------------------------------------
  const onState = () => {
    const incoming = model.get("state");
    if (incoming === written || !net) return;
    state = structuredClone(incoming);
    state.selected = clampUnit(state.selected);
    if (Boolean(state.compare) !== Boolean(compareViews)) buildCompare();
    syncExplainControls();
    update();
    save();
  };
  function start(parsed) {
    net = parsed;
    stages = buildStages(net);
    if (state.digit !== null && state.digit >= net.header.labels.length) state.digit = 0;
    buildDom();
    state.selected = clampUnit(state.selected);
    syncExplainControls();
    update();
    save();
    root.dataset.ready = "true";
  }
  const onBlob = () => loadData().then(start);
  model.on("change:state", onState);
  model.on("change:blob", onBlob);
  loadData().then(start).catch((error) => {
    status.textContent = `The network could not be loaded: ${error.message}.`;
    throw error;
  });

  // For the book's tests: every stage's values, as base64 float32.
  root.d2lLayers = () => ({
    input: bytesBase64(new Uint8Array(input.buffer)),
    stages: stages.map((s) => ({ name: s.name, z: bytesBase64(new Uint8Array(s.z.buffer)),
      u: bytesBase64(new Uint8Array(s.u.buffer)), y: bytesBase64(new Uint8Array(s.y.buffer)) })),
    moved: moved && compareViews
      ? moved.map((s) => ({ name: s.name, y: bytesBase64(new Uint8Array(s.y.buffer)) })) : null,
  });
  // anywidget calls this when the view goes (cell cleared or re-run).
  return () => {
    model.off("change:state", onState);
    model.off("change:blob", onBlob);
  };
}

export default { render };
