// The keypad: a button per key of the profile's key map, and the computer
// keyboard mapped onto it. Presses are sent one request at a time, in
// order (keys typed while a request is in flight go together in the next
// one), so fast typing never reaches the terminal shuffled.

import { get, post, el, say } from "./api.js";

// Where known keys sit, four to a row, like the terminal's own keypad.
const LAYOUT = [
  ["MENU", "FN", "UP", "DOWN"],
  ["1", "2", "3", "CANCEL"],
  ["4", "5", "6", "CLEAR"],
  ["7", "8", "9", "BACKSPACE"],
  [".", "0", "00", "ENTER"],
  ["ALPHA"],
];

// Computer keyboard → key name. Digits map to themselves.
export const KEYBOARD = [
  ["0 – 9", "0 – 9", null],
  [".", ".", "."],
  ["Enter", "ENTER", "Enter"],
  ["Esc", "CANCEL", "Escape"],
  ["Backspace", "BACKSPACE", "Backspace"],
  ["Delete", "CLEAR", "Delete"],
  ["F1", "MENU", "F1"],
  ["F2", "FN", "F2"],
  ["F3", "ALPHA", "F3"],
  ["↑", "UP", "ArrowUp"],
  ["↓", "DOWN", "ArrowDown"],
];

function shortcutOf(name) {
  if (/^[0-9]$/.test(name)) return name;
  const m = KEYBOARD.find((m) => m[2] && m[1] === name);
  return m ? m[0] : "";
}

const KIND = { ENTER: "ok", CANCEL: "cancel", CLEAR: "clear", BACKSPACE: "clear" };

export class Keypad {
  constructor(node, msgNode, mapTable) {
    this.node = node;
    this.msg = msgNode;
    this.mapTable = mapTable;
    this.buttons = new Map(); // key name → button
    this.queue = [];
    this.sending = false;
    this.keyOf = new Map(); // KeyboardEvent.key → key name
    this.plugged = true;
    document.addEventListener("keydown", (e) => this.onKeyDown(e));
  }

  async sync() {
    const { keys } = await get("keypad/keys");
    // Rebuilt only when the key map changed, so a reconnection does not
    // take the focus away from a key.
    const sig = JSON.stringify(keys);
    if (sig !== this.sig) {
      this.sig = sig;
      this.build(keys);
    }
    this.setPlugged(this.plugged);
  }

  build(keys) {
    const byName = new Map(keys.map((k) => [k.name, k]));
    const placed = new Set();
    const rows = [];
    for (const row of LAYOUT) {
      const cells = row.filter((n) => byName.has(n));
      cells.forEach((n) => placed.add(n));
      if (cells.length) rows.push(cells);
    }
    const rest = keys.map((k) => k.name).filter((n) => !placed.has(n));
    for (let i = 0; i < rest.length; i += 4) rows.push(rest.slice(i, i + 4));

    this.buttons.clear();
    const grid = [];
    for (const row of rows) {
      for (const name of row) grid.push(this.button(byName.get(name)));
    }
    this.node.replaceChildren(...grid);
    this.buildMap(byName);
  }

  button(k) {
    const hint = shortcutOf(k.name) ? ` (keyboard: ${shortcutOf(k.name)})` : "";
    const b = el(
      "button",
      {
        type: "button",
        class: "key " + (KIND[k.name] || (/^[0-9.]+$/.test(k.name) ? "digit" : "fn")),
        "data-key": k.name,
        "aria-label": (k.label ? `${k.name} ${k.label}` : k.name) + hint,
        title: `${k.name}${k.label ? " " + k.label : ""} — code 0x${k.code.toString(16).padStart(2, "0")}${hint}`,
      },
      k.label ? el("span", { class: "zh", lang: "zh" }, k.label) : null,
      el("span", { class: k.label ? "en" : "big" }, k.name),
    );
    // A mouse click leaves the focus where it was, so typing afterwards
    // still goes to the keypad; keyboard users tab to a key as usual.
    b.addEventListener("mousedown", (e) => e.preventDefault());
    b.addEventListener("click", () => this.press(k.name));
    b.addEventListener("animationend", () => b.classList.remove("pressed"));
    this.buttons.set(k.name, b);
    return b;
  }

  buildMap(byName) {
    this.keyOf.clear();
    for (let d = 0; d <= 9; d++) if (byName.has(String(d))) this.keyOf.set(String(d), String(d));
    const rows = [];
    for (const [label, name, key] of KEYBOARD) {
      if (key) {
        if (!byName.has(name)) continue;
        this.keyOf.set(key, name);
      }
      const zh = byName.get(name) && byName.get(name).label;
      rows.push(el("tr", {}, el("td", {}, el("kbd", {}, label)), el("td", {}, name + (zh ? " " + zh : ""))));
    }
    this.keyOf.set("NumpadEnter", "ENTER");
    this.mapTable.tBodies[0].replaceChildren(...rows);
  }

  onKeyDown(e) {
    if (e.ctrlKey || e.altKey || e.metaKey || e.isComposing) return;
    const t = e.target;
    if (t instanceof HTMLElement && (t.isContentEditable || t.closest("input, textarea, select, [contenteditable]"))) return;
    // A focused button keeps its own Enter and Space.
    if (t instanceof HTMLElement && t.closest("button, summary, a") && (e.key === "Enter" || e.key === " ")) return;
    const name = this.keyOf.get(e.key) || (e.code === "NumpadEnter" ? this.keyOf.get("NumpadEnter") : undefined);
    if (!name || !this.buttons.has(name)) return;
    e.preventDefault(); // F1 would open help, Backspace navigate back
    if (e.repeat) return; // a terminal key does not repeat while held
    if (!this.buttons.get(name).disabled) this.press(name);
  }

  press(name) {
    this.queue.push(name);
    this.flush();
  }

  async flush() {
    if (this.sending || this.queue.length === 0) return;
    this.sending = true;
    const keys = this.queue.splice(0);
    try {
      await post("keypad/press", { keys });
      say(this.msg, "Pressed " + keys.join(" "));
    } catch (e) {
      say(this.msg, e.message, true);
    } finally {
      this.sending = false;
      this.flush();
    }
  }

  // onEvent lights the key the terminal received, whoever pressed it (the
  // page, a script, a scenario).
  onEvent(ev) {
    if (ev.kind !== "key" || !ev.detail) return;
    const b = this.buttons.get(ev.detail.key);
    if (!b) return;
    b.dataset.presses = String(Number(b.dataset.presses || 0) + 1);
    b.classList.remove("pressed");
    void b.offsetWidth; // restart the animation
    b.classList.add("pressed");
  }

  setPlugged(plugged) {
    this.plugged = plugged;
    for (const b of this.buttons.values()) b.disabled = !plugged;
    this.node.classList.toggle("off", !plugged);
    if (!plugged) say(this.msg, "The keypad is unplugged: replug it under Faults.", true);
    else if (this.msg.classList.contains("error")) say(this.msg, "");
  }
}
