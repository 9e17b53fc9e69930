// The event log: every event the feed delivers, newest first, filterable
// by device, kind and text. It keeps the newest MAX rows.

import { el, clockTime } from "./api.js";

const MAX = 1000;

export class EventLog {
  constructor(table, deviceSel, kindSel, textInput, clearBtn) {
    this.body = table.tBodies[0];
    this.deviceSel = deviceSel;
    this.kindSel = kindSel;
    this.textInput = textInput;
    this.devices = new Set();
    this.kinds = new Set();
    for (const c of [deviceSel, kindSel]) c.addEventListener("change", () => this.applyAll());
    textInput.addEventListener("input", () => this.applyAll());
    clearBtn.addEventListener("click", () => this.clear());
  }

  clear() {
    this.body.replaceChildren();
  }

  add(ev) {
    const detail = summary(ev.detail);
    const row = el(
      "tr",
      { "data-seq": ev.seq, "data-device": ev.device, "data-kind": ev.kind, class: ev.kind.includes("error") || ev.kind === "nak" ? "bad" : null },
      el("td", { class: "num" }, ev.seq),
      el("td", { class: "time" }, clockTime(ev.time)),
      el("td", {}, ev.device),
      el("td", {}, ev.kind),
      el("td", { class: "detail", title: detail }, detail),
    );
    this.remember(this.devices, this.deviceSel, ev.device);
    this.remember(this.kinds, this.kindSel, ev.kind);
    this.apply(row);
    this.body.prepend(row);
    while (this.body.rows.length > MAX) this.body.lastElementChild.remove();
  }

  remember(set, sel, value) {
    if (set.has(value)) return;
    set.add(value);
    const opts = [...set].sort().map((v) => el("option", { value: v }, v));
    const keep = sel.value;
    sel.replaceChildren(el("option", { value: "" }, "all"), ...opts);
    sel.value = keep;
  }

  apply(row) {
    const d = this.deviceSel.value;
    const k = this.kindSel.value;
    const t = this.textInput.value.trim().toLowerCase();
    row.hidden = Boolean((d && row.dataset.device !== d) || (k && row.dataset.kind !== k) || (t && !row.textContent.toLowerCase().includes(t)));
  }

  applyAll() {
    for (const row of this.body.rows) this.apply(row);
  }
}

// summary renders an event's detail as key=value pairs, short enough for
// one table cell (the title attribute has it whole).
function summary(detail) {
  if (!detail) return "";
  return Object.entries(detail)
    .map(([k, v]) => `${k}=${typeof v === "string" ? v : JSON.stringify(v)}`)
    .join(" ");
}
