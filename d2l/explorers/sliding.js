// Sliding-window playground: cross-correlation with padding, stride and
// dilation, or max/average pooling, computed as MXNet computes them.
//
// The model holds one value, `state` (see sliding.py for its fields). The
// page writes its answer back into it (Y, message), so Python can read what
// the reader sees and compare it with MXNet.
//
// A field the reader leaves empty or out of range is never replaced by a
// guess: the rule shows next to it, the output waits until every field is
// valid, and the values typed into a grid survive shrinking and growing it.

const MINUS = "\u2212";
const FIT_RULE = "MXNet refuses a window that does not fit inside the padded input.";

// The explorer is a light card in a dark page too (like the book's figures):
// color-scheme keeps the browser's own controls light, and every control
// names its colours, so a dark theme's dark field backgrounds never meet the
// card's dark text.
const STYLE = `
.d2l-x { font-size: 0.95rem; color: #1a1a1a; background: #fff; max-width: 100%; color-scheme: light;
  border: 1px solid #c8c8c8; border-radius: 6px; padding: 0.6rem; }
.d2l-x .controls { display: flex; flex-wrap: wrap; gap: 0.4rem 0.5rem; align-items: flex-start; margin-bottom: 0.4rem; }
.d2l-x fieldset { min-width: 0; border: 1px solid #c8c8c8; margin: 0; padding: 0.2rem 0.4rem 0.3rem; }
.d2l-x legend { font-weight: 600; font-size: 0.85rem; padding: 0 0.2rem; color: #1a1a1a; float: none;
  width: auto; margin: 0; }
.d2l-x label { margin-right: 0.4rem; white-space: nowrap; color: #1a1a1a; }
.d2l-x input[type=number] { width: 3.4em; }
.d2l-x select, .d2l-x input, .d2l-x button { font-size: 0.95rem; color: #1a1a1a; background-color: #fff;
  border: 1px solid #767676; border-radius: 3px; }
.d2l-x select { max-width: 15em; }
.d2l-x button { background-color: #f0f0f0; padding: 0.15rem 0.5rem; }
.d2l-x button:disabled { color: #595959; }
.d2l-x input[aria-invalid=true] { background-color: #ffd6d6; border-color: #a00000; }
.d2l-x .field { display: inline-block; vertical-align: top; }
.d2l-x .field-error { display: block; white-space: normal; color: #a00000; font-size: 0.85rem; max-width: 16em; }
.d2l-x .field-error:empty { display: none; }
.d2l-x .hint { font-size: 0.85rem; margin: 0.2rem 0 0; }
.d2l-x .grids { display: flex; flex-wrap: wrap; gap: 0.8rem; align-items: flex-start; }
.d2l-x .grid { overflow-x: auto; max-width: 100%; min-width: 0; }
.d2l-x .grid .title { font-size: 0.9rem; font-weight: 600; margin: 0.2rem 0; }
.d2l-x table { border-collapse: collapse; margin: 0; }
.d2l-x td { border: 1px solid #9a9a9a; padding: 0; text-align: center; min-width: 2.2em;
  height: 2em; }
.d2l-x td input { width: 2.4em; border: none; text-align: center; background: transparent;
  padding: 0.3em 0; }
.d2l-x td.pad { color: #4d4d4d; background: #ececec; font-style: italic; }
.d2l-x td.win { background: #ffe08a; box-shadow: inset 0 0 0 2px #8a5a00; }
.d2l-x td input[aria-invalid=true] { background: #ffd6d6; }
.d2l-x td button { width: 100%; min-width: 2.6em; height: 2.2em; border: none; border-radius: 0;
  background: #eef3ff; color: #1a1a1a; cursor: pointer; padding: 0; }
.d2l-x td button[aria-pressed=true] { background: #1a4fb5; color: #fff; font-weight: 700; }
.d2l-x :focus-visible { outline: 3px solid #c2185b; outline-offset: 1px; }
.d2l-x .msg { margin: 0.4rem 0; }
.d2l-x .error { color: #a00000; font-weight: 600; }
.d2l-x .arith { font-family: monospace; overflow-wrap: anywhere; }
@media (pointer: coarse) {
  .d2l-x select, .d2l-x input, .d2l-x button { min-height: 44px; }
  .d2l-x td { min-width: 44px; height: 44px; }
  .d2l-x td input, .d2l-x td button { min-width: 44px; height: 44px; }
}
`;

// Numbers as the page prints them: at most three decimals and a true minus.
function fmt(value) {
  if (value === -Infinity) return `${MINUS}\u221e`;
  const rounded = Math.round(value * 1000) / 1000;
  return String(rounded === 0 ? 0 : rounded).replace("-", MINUS);
}

function parseNumber(text) {
  const cleaned = text.trim().replace(MINUS, "-");
  return cleaned === "" ? NaN : Number(cleaned);
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

// A rows x cols matrix read from `kept`, the largest grid the reader has
// filled: shrinking a grid and growing it again gives back what was typed.
function resized(kept, rows, cols) {
  return Array.from({ length: rows }, (_, r) =>
    Array.from({ length: cols }, (_, c) => kept[r]?.[c] ?? 0),
  );
}

// `kept` with `matrix` written over its top-left corner.
function remember(kept, matrix) {
  const out = kept.map((row) => [...row]);
  matrix.forEach((row, r) => {
    out[r] = out[r] || [];
    row.forEach((v, c) => { out[r][c] = v; });
  });
  return out;
}

// Sizes along each axis and, when there is no output, MXNet's rule in words.
function geometry(s) {
  const pool = s.kind === "pooling";
  const k = pool ? s.window : [s.K.length, s.K[0].length];
  const d = pool ? [1, 1] : s.dilation;
  const n = [s.X.length, s.X[0].length];
  const axes = [0, 1].map((a) => {
    const span = d[a] * (k[a] - 1) + 1;
    const padded = n[a] + 2 * s.padding[a];
    const out = span <= padded ? Math.floor((padded - span) / s.stride[a]) + 1 : 0;
    return { n: n[a], k: k[a], p: s.padding[a], s: s.stride[a], d: d[a], span, padded, out };
  });
  const words = ["rows", "columns"];
  let error = "";
  for (const a of [0, 1]) {
    const x = axes[a];
    if (pool && x.p >= x.k) {
      error = `No output: MXNet needs the padding to be smaller than the pooling window on each axis, but ${x.p} ${words[a]} of padding is not smaller than a window of ${x.k} ${words[a]}.`;
    } else if (x.span > x.padded) {
      const what = pool ? "pooling window" : x.d > 1 ? "dilated kernel" : "kernel";
      error = `No output: the ${what} spans ${x.span} ${words[a]}, but the padded input has only ${x.padded}. ${FIT_RULE}`;
    }
    if (error) break;
  }
  return { pool, axes, error };
}

function paddedInput(s, g) {
  const fill = g.pool && s.pool_mode === "max" ? -Infinity : 0;
  const [ph, pw] = s.padding;
  return Array.from({ length: g.axes[0].padded }, (_, r) =>
    Array.from({ length: g.axes[1].padded }, (_, c) => s.X[r - ph]?.[c - pw] ?? fill),
  );
}

// The padded-input cells that output (i, j) reads, with their weights.
function taps(s, g, i, j) {
  const [h, w] = g.axes;
  const list = [];
  for (let a = 0; a < h.k; a++) {
    for (let b = 0; b < w.k; b++) {
      list.push({ r: i * h.s + a * h.d, c: j * w.s + b * w.d, w: g.pool ? 1 : s.K[a][b] });
    }
  }
  return list;
}

function cellValue(s, Xp, list) {
  const xs = list.map((t) => Xp[t.r][t.c]);
  if (s.kind === "correlation") return list.reduce((sum, t, m) => sum + xs[m] * t.w, 0);
  if (s.pool_mode === "max") return Math.max(...xs);
  return xs.reduce((sum, x) => sum + x, 0) / xs.length;
}

function arithmetic(s, Xp, list, i, j, y) {
  const term = (v) => (v < 0 ? `(${fmt(v)})` : fmt(v));
  const xs = list.map((t) => term(Xp[t.r][t.c]));
  let body;
  if (s.kind === "correlation") body = list.map((t, m) => `${xs[m]}\u00d7${term(t.w)}`).join(" + ");
  else if (s.pool_mode === "max") body = `max(${xs.join(", ")})`;
  else body = `(${xs.join(" + ")}) / ${xs.length}`;
  return `Y[${i}, ${j}] = ${body} = ${fmt(y)}`;
}

// The book's p_h is the padding of both sides together, twice the padding
// the control sets per side: the numbers show it as 2·p.
function formulaLine(g, a) {
  const x = g.axes[a];
  const [name, sub] = a === 0 ? ["height", "h"] : ["width", "w"];
  if (g.pool) {
    return `Output ${name}: \u230a(n_${sub} + p_${sub} \u2212 k_${sub}) / s_${sub}\u230b + 1 = \u230a(${x.n} + 2\u00b7${x.p} \u2212 ${x.k}) / ${x.s}\u230b + 1 = ${x.out}`;
  }
  return `Output ${name}: \u230a(n_${sub} + p_${sub} \u2212 d_${sub}(k_${sub} \u2212 1) \u2212 1) / s_${sub}\u230b + 1 = \u230a(${x.n} + 2\u00b7${x.p} \u2212 ${x.d}\u00b7(${x.k} \u2212 1) \u2212 1) / ${x.s}\u230b + 1 = ${x.out}`;
}

// Text with "n_h"-style names, as nodes with real subscripts.
function withSubscripts(text) {
  return text.split(/([a-z])_([hw])/).map((part, n) => {
    if (n % 3 === 2) return make("sub", { text: part });
    return part;
  });
}

let fieldCount = 0;
const fieldId = () => `d2l-x-field-${Date.now().toString(36)}-${++fieldCount}`;

// A whole-number field. What the reader types is reported as it is typed and
// when the field is left: a whole number from min to max as that number, and
// anything else (empty, a fraction, out of range) as invalid with the rule,
// which shows next to the field; the field keeps what was typed. Each change
// is reported once: reporting the same thing again on leaving would redraw
// the grids under the reader's next click.
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
  return make("span", { class: "field" }, [make("label", {}, [`${label} `, input]), error]);
}

// Two number inputs (one per axis) for a pair such as padding or stride.
// onPair gets the new pair, or null and the rule while a field is invalid.
function pairFieldset(legend, labels, current, min, max, onPair, onInvalid) {
  const inputs = [0, 1].map((a) =>
    numberInput(`${legend}, ${labels[a]}`, current()[a], min, max, (v, rule) => {
      onInvalid(`${legend}-${a}`, rule);
      if (v === null) return;
      const pair = [...current()];
      pair[a] = v;
      onPair(pair);
    }),
  );
  // The visible label is the axis; the legend names the pair.
  inputs.forEach((field, a) => { field.querySelector("label").firstChild.textContent = `${labels[a]} `; });
  return make("fieldset", {}, [make("legend", { text: legend }), ...inputs]);
}

function render({ model, el }) {
  let state = structuredClone(model.get("state"));
  let written = null;
  const lim = state.limits;
  const root = make("div", { class: "d2l-x", "data-explorer": state.kind });
  // A preset may be shown under a label other than its name (the name a
  // notebook passes may give the answer away).
  const presetSelect = make("select", {}, [
    make("option", { value: "", text: "(your own)" }),
    ...Object.keys(state.presets).map((name) =>
      make("option", { value: name, text: state.labels?.[name] ?? name })),
  ]);
  const controls = make("div", { class: "controls" }, [
    make("label", {}, ["Preset ", presetSelect]),
  ]);
  // Fields and grid cells that hold no valid value, with their rules; the
  // output waits until there are none. `kept` holds the largest grids the
  // reader has filled, so that a grid shrunk and grown again keeps its values.
  const invalid = new Map();
  let kept = {};
  const keepGrids = () => {
    kept = { X: structuredClone(state.X), K: structuredClone(state.K ?? [[0]]) };
  };
  const onInvalid = (key, rule) => {
    if (rule) {
      invalid.set(key, rule);
      update(false);
    } else {
      invalid.delete(key);
    }
  };
  const grids = make("div", { class: "grids" });
  const formula = make("p", { class: "msg formula", "aria-live": "polite" });
  const arith = make("p", { class: "msg arith", "aria-live": "polite" });
  const prev = make("button", { type: "button", text: "\u2190 Previous window" });
  const next = make("button", { type: "button", text: "Next window \u2192" });
  root.append(make("style", { text: STYLE }), controls, grids, formula, arith,
    make("div", {}, [prev, " ", next]));
  el.append(root);

  let modeSelect = null;
  function buildControls() {
    controls.querySelectorAll("fieldset, label.mode").forEach((node) => node.remove());
    invalid.clear();
    keepGrids();
    const set = (key, value) => { state[key] = value; state.preset = ""; update(); };
    if (state.kind === "pooling") {
      modeSelect = make("select", {}, [
        make("option", { value: "max", text: "maximum" }),
        make("option", { value: "avg", text: "average" }),
      ]);
      modeSelect.value = state.pool_mode;
      modeSelect.addEventListener("change", () => set("pool_mode", modeSelect.value));
      controls.append(make("label", { class: "mode" }, ["Pooling ", modeSelect]));
    }
    const pairOf = (key) => () => state[key];
    const sizeOf = (key) => () => [state[key].length, state[key][0].length];
    const resize = (key) => (pair) => {
      kept[key] = remember(kept[key], state[key]);
      state[key] = resized(kept[key], pair[0], pair[1]);
      // kept covers the new grid too: a cell typed into it is kept.
      kept[key] = remember(kept[key], state[key]);
      state.preset = "";
      update();
    };
    const setPair = (key) => (pair) => set(key, pair);
    const rc = ["rows", "columns"];
    controls.append(pairFieldset("Input size", rc, sizeOf("X"), 1, lim.n, resize("X"), onInvalid));
    if (state.kind === "pooling") {
      controls.append(pairFieldset("Window", rc, pairOf("window"), 1, lim.k, setPair("window"), onInvalid));
    } else {
      controls.append(pairFieldset("Kernel size", rc, sizeOf("K"), 1, lim.k, resize("K"), onInvalid));
    }
    controls.append(pairFieldset("Padding", ["top/bottom", "left/right"], pairOf("padding"), 0,
      lim.p, setPair("padding"), onInvalid));
    controls.append(pairFieldset("Stride", ["down", "across"], pairOf("stride"), 1, lim.s,
      setPair("stride"), onInvalid));
    if (state.kind === "correlation") {
      controls.append(pairFieldset("Dilation", ["down", "across"], pairOf("dilation"), 1, lim.d,
        setPair("dilation"), onInvalid));
    }
  }

  // Every cell's field or button names its row and column, so the grid is
  // laid out by a table without a table's meaning (no header cells needed).
  function matrixTable(name, M, pad, editable, onEdit) {
    const table = make("table", { "data-grid": name, role: "presentation" });
    for (let r = 0; r < M.length; r++) {
      const row = make("tr");
      for (let c = 0; c < M[0].length; c++) {
        const inside = r >= pad[0] && r < M.length - pad[0] && c >= pad[1] && c < M[0].length - pad[1];
        if (!inside) {
          row.append(make("td", { class: "pad", text: fmt(M[r][c]), title: "padding" }));
          continue;
        }
        const [i, j] = [r - pad[0], c - pad[1]];
        const input = make("input", {
          type: "text", inputmode: "decimal", value: fmt(M[r][c]),
          "aria-label": `${name} row ${i + 1}, column ${j + 1}`,
        });
        input.readOnly = !editable;
        input.addEventListener("input", () => {
          const v = parseNumber(input.value);
          const ok = Number.isFinite(v);
          input.setAttribute("aria-invalid", String(!ok));
          const key = `${name}[${i}, ${j}]`;
          if (ok) {
            invalid.delete(key);
            onEdit(i, j, v);
          } else {
            onInvalid(key, `${name} row ${i + 1}, column ${j + 1}: a number.`);
          }
        });
        row.append(make("td", { "data-r": r, "data-c": c }, [input]));
      }
      table.append(row);
    }
    return table;
  }

  let layoutKey = "";
  let inputTable = null;
  let outputTable = null;
  let outputGrid = null;
  function buildGrids(g, Xp) {
    grids.replaceChildren();
    const padLabel = state.padding.some((p) => p > 0) ? " (padded)" : "";
    inputTable = matrixTable("X", Xp, state.padding, true, (i, j, v) => {
      state.X[i][j] = v; kept.X[i][j] = v; state.preset = ""; update(false);
    });
    grids.append(make("div", { class: "grid" }, [make("div", { class: "title", text: `Input X${padLabel}` }), inputTable]));
    if (state.kind === "correlation") {
      const kTable = matrixTable("K", state.K, [0, 0], true, (i, j, v) => {
        state.K[i][j] = v; kept.K[i][j] = v; state.preset = ""; update(false);
      });
      grids.append(make("div", { class: "grid" }, [make("div", { class: "title", text: "Kernel K" }), kTable]));
    }
    outputTable = make("table", { "data-grid": "Y", role: "presentation" });
    const rows = g.error ? 0 : g.axes[0].out;
    for (let i = 0; i < rows; i++) {
      const row = make("tr");
      for (let j = 0; j < g.axes[1].out; j++) {
        const button = make("button", { type: "button", "data-i": i, "data-j": j, tabindex: -1 });
        button.addEventListener("focus", () => select(i, j));
        button.addEventListener("click", () => select(i, j));
        button.addEventListener("mouseenter", () => select(i, j));
        button.addEventListener("keydown", (event) => {
          const move = { ArrowUp: [-1, 0], ArrowDown: [1, 0], ArrowLeft: [0, -1], ArrowRight: [0, 1] }[event.key];
          if (!move) return;
          event.preventDefault();
          select(i + move[0], j + move[1], true);
        });
        row.append(make("td", {}, [button]));
      }
      outputTable.append(row);
    }
    const title = state.kind === "correlation" ? "Output Y = X \u22c6 K" : `Output Y (${state.pool_mode === "max" ? "maximum" : "average"})`;
    const note = g.error ? [] : [make("p", { class: "hint", text: "Point at or tab to a cell; arrow keys step." })];
    outputGrid = make("div", { class: "grid", role: "group", "aria-label": "Output Y" },
      [make("div", { class: "title", text: title }), outputTable, ...note]);
    grids.append(outputGrid);
  }

  function select(i, j, focus = false) {
    const g = geometry(state);
    if (g.error || invalid.size) return;
    i = Math.min(Math.max(i, 0), g.axes[0].out - 1);
    j = Math.min(Math.max(j, 0), g.axes[1].out - 1);
    if (state.selected[0] === i && state.selected[1] === j && !focus) return;
    state.selected = [i, j];
    update(false);
    if (focus) outputTable.querySelector(`button[data-i="${i}"][data-j="${j}"]`).focus();
  }

  function step(delta) {
    const g = geometry(state);
    if (g.error || invalid.size) return;
    const count = g.axes[0].out * g.axes[1].out;
    const flat = (state.selected[0] * g.axes[1].out + state.selected[1] + delta + count) % count;
    select(Math.floor(flat / g.axes[1].out), flat % g.axes[1].out);
  }
  prev.addEventListener("click", () => step(-1));
  next.addEventListener("click", () => step(1));
  presetSelect.addEventListener("change", () => {
    if (!presetSelect.value) return;
    state = { ...state, ...structuredClone(state.presets[presetSelect.value]), preset: presetSelect.value };
    buildControls();
    update();
  });

  // While a field or cell is invalid, nothing is computed: the output grid is
  // hidden and the rules are listed where the formula goes.
  function waiting() {
    const rules = [...invalid.values()];
    formula.className = "msg formula error";
    formula.textContent = `Waiting for valid input. ${rules.join(" ")}`;
    arith.textContent = "";
    if (outputGrid) outputGrid.hidden = true;
    prev.disabled = next.disabled = true;
    presetSelect.value = state.preset || "";
    state.Y = null;
    state.message = formula.textContent;
    written = structuredClone(state);
    model.set("state", written);
    model.save_changes();
  }

  // Recompute everything from `state`, redraw, and write the answer back.
  function update(rebuild = true) {
    // Rebuilt grids show the state's values: a cell left invalid is gone.
    if (rebuild) [...invalid.keys()].filter((k) => k.includes("[")).forEach((k) => invalid.delete(k));
    if (invalid.size) {
      waiting();
      return;
    }
    const g = geometry(state);
    const Xp = paddedInput(state, g);
    const key = JSON.stringify([state.X.length, state.X[0].length, state.padding, state.kind === "correlation" ? [state.K.length, state.K[0].length] : 0, g.axes[0].out, g.axes[1].out, state.pool_mode]);
    if (rebuild || key !== layoutKey) {
      layoutKey = key;
      buildGrids(g, Xp);
    }
    outputGrid.hidden = false;
    presetSelect.value = state.preset || "";
    prev.disabled = next.disabled = Boolean(g.error);
    let Y = null;
    if (g.error) {
      formula.textContent = g.error;
      formula.className = "msg formula error";
      arith.textContent = "";
      state.message = g.error;
    } else {
      formula.className = "msg formula";
      formula.replaceChildren(...withSubscripts(`${formulaLine(g, 0)}; ${formulaLine(g, 1)}.`));
      state.message = `Output shape: (${g.axes[0].out}, ${g.axes[1].out})`;
      state.selected = [Math.min(state.selected[0], g.axes[0].out - 1), Math.min(state.selected[1], g.axes[1].out - 1)];
      Y = [];
      for (let i = 0; i < g.axes[0].out; i++) {
        Y.push([]);
        for (let j = 0; j < g.axes[1].out; j++) Y[i].push(cellValue(state, Xp, taps(state, g, i, j)));
      }
      const [si, sj] = state.selected;
      const chosen = taps(state, g, si, sj);
      arith.textContent = arithmetic(state, Xp, chosen, si, sj, Y[si][sj]);
      const hit = new Set(chosen.map((t) => `${t.r},${t.c}`));
      inputTable.querySelectorAll("td").forEach((td, n) => {
        const r = Math.floor(n / Xp[0].length);
        td.classList.toggle("win", hit.has(`${r},${n % Xp[0].length}`));
      });
      outputTable.querySelectorAll("button").forEach((b) => {
        const [i, j] = [Number(b.dataset.i), Number(b.dataset.j)];
        const on = i === si && j === sj;
        b.textContent = fmt(Y[i][j]);
        b.setAttribute("aria-pressed", String(on));
        b.setAttribute("aria-label", `Y row ${i + 1}, column ${j + 1}: ${fmt(Y[i][j])}`);
        b.tabIndex = on ? 0 : -1;
      });
    }
    state.Y = Y;
    written = structuredClone(state);
    model.set("state", written);
    model.save_changes();
  }

  const onState = () => {
    const incoming = model.get("state");
    if (incoming === written) return;
    state = structuredClone(incoming);
    buildControls();
    update();
  };
  model.on("change:state", onState);
  buildControls();
  update();
  // anywidget calls this when the view goes (cell cleared or re-run).
  return () => model.off("change:state", onState);
}

export default { render };
