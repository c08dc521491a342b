// Shape and receptive-field calculator for a stack of layers.
//
// Each convolution, pooling or dense layer gets its output shape (channels x
// height x width, or a vector), its parameter count, its multiply-adds for
// one example and its receptive field on the input. The page writes its table
// back into the model's `state.rows`, so Python can compare it with Gluon.
//
// A field left empty or out of range keeps what was typed and shows its rule
// next to it; nothing is computed until every field is valid.

const FIT_RULE = "MXNet refuses a window that does not fit inside the padded input.";

// A light card in a dark page too, like the book's figures: color-scheme keeps
// the browser's controls light and every control names its colours.
const STYLE = `
.d2l-x { font-size: 0.95rem; color: #1a1a1a; background: #fff; max-width: 100%; color-scheme: light;
  border: 1px solid #c8c8c8; border-radius: 6px; padding: 0.6rem; }
.d2l-x fieldset { border: 1px solid #c8c8c8; margin: 0 0 0.5rem 0; padding: 0.2rem 0.5rem; min-width: 0; }
.d2l-x legend { font-weight: 600; font-size: 0.9rem; padding: 0 0.2rem; color: #1a1a1a; float: none; width: auto;
  margin: 0; }
.d2l-x label { margin-right: 0.5rem; white-space: nowrap; display: inline-block; margin-bottom: 0.2rem;
  color: #1a1a1a; }
.d2l-x input[type=number] { width: 4.2em; }
.d2l-x select, .d2l-x input, .d2l-x button { font-size: 0.95rem; color: #1a1a1a; background-color: #fff;
  border: 1px solid #767676; border-radius: 3px; }
.d2l-x select { max-width: 15em; }
.d2l-x button { background-color: #f0f0f0; padding: 0.15rem 0.6rem; }
.d2l-x input[aria-invalid=true] { background-color: #ffd6d6; border-color: #a00000; }
.d2l-x .field { display: inline-block; vertical-align: top; }
.d2l-x .field-error { display: block; white-space: normal; color: #a00000; font-size: 0.85rem; max-width: 14em;
  margin: -0.1rem 0 0.2rem; }
.d2l-x .field-error:empty { display: none; }
.d2l-x .result { margin: 0.2rem 0; }
.d2l-x .result span { font-weight: 600; }
.d2l-x .error { color: #a00000; font-weight: 600; }
.d2l-x :focus-visible { outline: 3px solid #c2185b; outline-offset: 1px; }
@media (pointer: coarse) {
  .d2l-x select, .d2l-x input, .d2l-x button { min-height: 44px; }
}
`;

const KINDS = { conv: "Convolution", maxpool: "Max pooling", avgpool: "Average pooling", dense: "Dense" };
const FIELDS = {
  conv: [["k", "kernel", 1, 11], ["p", "padding", 0, 10], ["s", "stride", 1, 8], ["d", "dilation", 1, 4], ["c", "channels", 1, 1024]],
  maxpool: [["k", "window", 1, 11], ["p", "padding", 0, 10], ["s", "stride", 1, 8]],
  avgpool: [["k", "window", 1, 11], ["p", "padding", 0, 10], ["s", "stride", 1, 8]],
  dense: [["units", "outputs", 1, 4096]],
};
const NEW_LAYER = { type: "conv", k: 3, p: 1, s: 1, d: 1, c: 8, units: 10 };

const count = (n) => n.toLocaleString("en-US");

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

// A window layer's output size on one axis, or MXNet's rule in words.
function windowAxis(layer, n, word) {
  const pool = layer.type !== "conv";
  const d = pool ? 1 : layer.d;
  const span = d * (layer.k - 1) + 1;
  const padded = n + 2 * layer.p;
  if (pool && layer.p >= layer.k) {
    return { error: `No output: MXNet needs the padding to be smaller than the pooling window on each axis, but ${layer.p} ${word} of padding is not smaller than a window of ${layer.k} ${word}.` };
  }
  if (span > padded) {
    const what = pool ? "pooling window" : d > 1 ? "dilated kernel" : "kernel";
    return { error: `No output: the ${what} spans ${span} ${word}, but the padded input has only ${padded}. ${FIT_RULE}` };
  }
  return { out: Math.floor((padded - span) / layer.s) + 1, span };
}

// One row per layer: {shape, params, macs, rf, jump} or {error}.
function table(input, layers) {
  let shape = [...input];
  let rf = 1;
  let jump = 1;
  let broken = false;
  return layers.map((layer) => {
    if (broken) return { error: "No output: an earlier layer has none." };
    const fail = (error) => { broken = true; return { error }; };
    if (layer.type === "dense") {
      const inputs = shape.reduce((a, b) => a * b, 1);
      shape = [layer.units];
      rf = null;
      return { shape, params: inputs * layer.units + layer.units, macs: inputs * layer.units, rf: null };
    }
    if (shape.length === 1) {
      return fail(`No output: a ${KINDS[layer.type].toLowerCase()} layer needs a channels \u00d7 height \u00d7 width input, but after a dense layer there is only a vector.`);
    }
    const [c, h, w] = shape;
    const rows = windowAxis(layer, h, "rows");
    const cols = windowAxis(layer, w, "columns");
    if (rows.error || cols.error) return fail(rows.error || cols.error);
    rf += (rows.span - 1) * jump;
    jump *= layer.s;
    if (layer.type === "conv") {
      const taps = c * layer.k * layer.k;
      shape = [layer.c, rows.out, cols.out];
      return { shape, params: layer.c * (taps + 1), macs: layer.c * rows.out * cols.out * taps, rf, jump };
    }
    shape = [c, rows.out, cols.out];
    return { shape, params: 0, macs: 0, rf, jump };
  });
}

let fieldCount = 0;
const fieldId = () => `d2l-x-field-${Date.now().toString(36)}-${++fieldCount}`;

// A whole-number field (see sliding.js): a valid value is reported as typed,
// anything else as null with its rule, shown next to the field, which keeps
// what was typed. `what` names the field in the rule ("Layer 2, kernel").
function numberInput(label, value, min, max, onReport, key, what = label) {
  const input = make("input", { type: "number", min, max, step: 1, value, "data-key": key });
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
    error.textContent = ok ? "" : `${what}: a whole number from ${min} to ${max}.`;
    onReport(ok ? v : null, error.textContent);
  };
  input.addEventListener("input", check);
  input.addEventListener("change", check);
  return make("span", { class: "field" }, [make("label", {}, [`${label} `, input]), error]);
}

function render({ model, el }) {
  let state = structuredClone(model.get("state"));
  let written = null;
  const root = make("div", { class: "d2l-x", "data-explorer": "network" });
  const presetSelect = make("select", {}, [
    make("option", { value: "", text: "(your own)" }),
    ...Object.keys(state.presets).map((name) => make("option", { value: name, text: name })),
  ]);
  const inputBox = make("fieldset");
  const stack = make("div", { class: "stack" });
  const add = make("button", { type: "button", text: "Add a layer" });
  const total = make("p", { class: "result total", "aria-live": "polite" });
  root.append(make("style", { text: STYLE }), make("label", {}, ["Preset ", presetSelect]),
    inputBox, stack, add, total);
  el.append(root);

  const edited = () => { state.preset = ""; update(); };
  // Fields that hold no valid value, with their rules.
  const invalid = new Map();
  const field = (key, apply) => (v, rule) => {
    if (v === null) {
      invalid.set(key, rule);
      update();
      return;
    }
    invalid.delete(key);
    apply(v);
    edited();
  };

  function build(focusKey) {
    invalid.clear();
    inputBox.replaceChildren(make("legend", { text: "Input (one example)" }),
      ...["channels", "height", "width"].map((label, a) =>
        numberInput(label, state.input[a], 1, 1024, field(`input-${a}`, (v) => { state.input[a] = v; }),
          `input-${a}`, `Input ${label}`)));
    stack.replaceChildren(...state.layers.map((layer, i) => {
      const type = make("select", { "data-key": `type-${i}` }, Object.entries(KINDS).map(([value, text]) =>
        make("option", { value, text })));
      type.value = layer.type;
      type.addEventListener("change", () => { layer.type = type.value; state.preset = ""; build(`type-${i}`); update(); });
      const remove = make("button", { type: "button", text: "Remove", "aria-label": `Remove layer ${i + 1}` });
      remove.addEventListener("click", () => { state.layers.splice(i, 1); state.preset = ""; build(); update(); add.focus(); });
      const inputs = FIELDS[layer.type].map(([key, label, min, max]) =>
        numberInput(label, layer[key], min, max, field(`${key}-${i}`, (v) => { layer[key] = v; }),
          `${key}-${i}`, `Layer ${i + 1}, ${label}`));
      return make("fieldset", { "data-layer": i }, [
        make("legend", { text: `Layer ${i + 1}` }),
        make("label", {}, ["kind ", type]), ...inputs, " ", remove,
        make("p", { class: "result", "aria-live": "polite" }),
      ]);
    }));
    presetSelect.value = state.preset || "";
    if (focusKey) root.querySelector(`[data-key="${focusKey}"]`)?.focus();
  }

  function update() {
    presetSelect.value = state.preset || "";
    if (invalid.size) {
      // Nothing is computed from a value that is not valid.
      stack.querySelectorAll(".result").forEach((p) => { p.className = "result"; p.textContent = ""; });
      total.className = "result total error";
      total.textContent = `Waiting for valid input. ${[...invalid.values()].join(" ")}`;
      state.rows = null;
      written = structuredClone(state);
      model.set("state", written);
      model.save_changes();
      return;
    }
    total.className = "result total";
    const rows = table(state.input, state.layers);
    stack.querySelectorAll(".result").forEach((p, i) => {
      const row = rows[i];
      if (row.error) {
        p.className = "result error";
        p.textContent = row.error;
        return;
      }
      p.className = "result";
      const rf = row.rf === null ? "the whole input" : `${row.rf} \u00d7 ${row.rf} (step ${row.jump})`;
      p.replaceChildren("Output ", make("span", { class: "shape", text: row.shape.join(" \u00d7 ") }),
        " \u00b7 ", make("span", { class: "params", text: count(row.params) }), " parameters \u00b7 ",
        make("span", { class: "macs", text: count(row.macs) }), " multiply-adds \u00b7 receptive field ",
        make("span", { class: "rf", text: rf }));
    });
    const ok = rows.filter((r) => !r.error);
    const params = ok.reduce((a, r) => a + r.params, 0);
    const macs = ok.reduce((a, r) => a + r.macs, 0);
    total.replaceChildren("Total: ", make("span", { class: "params", text: count(params) }), " parameters, ",
      make("span", { class: "macs", text: count(macs) }), " multiply-adds per example",
      rows.length > ok.length ? " (layers with output only)." : ".");
    presetSelect.value = state.preset || "";
    state.rows = rows;
    written = structuredClone(state);
    model.set("state", written);
    model.save_changes();
  }

  presetSelect.addEventListener("change", () => {
    if (!presetSelect.value) return;
    state = { ...state, ...structuredClone(state.presets[presetSelect.value]), preset: presetSelect.value };
    build();
    update();
  });
  add.addEventListener("click", () => {
    state.layers.push({ ...NEW_LAYER });
    state.preset = "";
    build(`type-${state.layers.length - 1}`);
    update();
  });
  const onState = () => {
    const incoming = model.get("state");
    if (incoming === written) return;
    state = structuredClone(incoming);
    build();
    update();
  };
  model.on("change:state", onState);
  build();
  update();
  // anywidget calls this when the view goes (cell cleared or re-run).
  return () => model.off("change:state", onState);
}

export default { render };
