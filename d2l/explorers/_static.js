// Runs one explorer module in a page that has no kernel (the built book).
//
// anywidget hands a module's render() a model backed by the kernel; here the
// model is a plain object with the same small interface (get, set, on, off,
// save_changes, send), so the module cannot tell the difference. Python
// inlines this file, the explorer module (its default export turned into a
// constant) and a call to d2lMount in one classic script element, because module
// scripts loaded from file:// are blocked.

/* exported d2lMount */

function d2lStaticModel(initial) {
  const values = { ...initial };
  const handlers = new Map();
  return {
    get: (name) => values[name],
    set(name, value) {
      values[name] = value;
      for (const handler of handlers.get(`change:${name}`) || []) handler();
    },
    on(event, handler) {
      handlers.set(event, [...(handlers.get(event) || []), handler]);
    },
    off(event, handler) {
      const kept = (handlers.get(event) || []).filter((h) => h !== handler);
      handlers.set(event, kept);
    },
    save_changes() {},
    send() {},
  };
}

// Replace the static picture just before `script` with the live explorer.
// If rendering fails, the picture stays and the error reaches the console.
function d2lMount(explorer, script, state) {
  const host = script.previousElementSibling;
  const el = document.createElement("div");
  explorer.render({ model: d2lStaticModel({ state }), el });
  host.replaceChildren(el);
}
