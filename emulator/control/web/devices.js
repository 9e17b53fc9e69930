// Device LEDs in the header and the cable switches under Faults. Both
// follow the unplug/replug events, so a cable pulled by a script shows
// here too.

import { get, post, el, say } from "./api.js";

// The order posemu lists its devices in; others follow by name.
const ORDER = ["lcd", "custdisplay", "keypad", "scanner", "printer"];
const rank = (n) => (ORDER.includes(n) ? ORDER.indexOf(n) : ORDER.length);

const ZH = { lcd: "屏幕", custdisplay: "客显", keypad: "键盘", scanner: "扫码", printer: "打印", "usb-printer": "USB打印" };

export class Devices {
  constructor(ledList, plugSet, msgNode) {
    this.ledList = ledList;
    this.plugSet = plugSet;
    this.msg = msgNode;
    this.leds = new Map();
    this.switches = new Map();
    this.plugged = new Map();
    this.listeners = [];
  }

  // onChange(name, plugged) is told about every device's state.
  onChange(fn) {
    this.listeners.push(fn);
  }

  async sync() {
    const map = await get("devices");
    const names = Object.keys(map.devices || {}).sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
    if (names.join() !== [...this.leds.keys()].join()) this.build(names);
    for (const n of names) this.set(n, !!map.devices[n].plugged, map.devices[n]);
    return map;
  }

  build(names) {
    this.leds.clear();
    this.switches.clear();
    const leds = [];
    const switches = [];
    for (const n of names) {
      const led = el("li", { class: "led", "data-device": n }, el("span", { class: "dot", "aria-hidden": "true" }), n, ZH[n] ? el("span", { class: "zh", lang: "zh" }, ZH[n]) : null);
      this.leds.set(n, led);
      leds.push(led);
      const box = el("input", { type: "checkbox", role: "switch", "data-device": n, checked: true });
      box.addEventListener("change", () => this.toggle(n, box));
      this.switches.set(n, box);
      switches.push(el("label", { class: "switch" }, box, ` ${n} ${ZH[n] || ""}`));
    }
    this.ledList.replaceChildren(...leds);
    this.plugSet.querySelectorAll("label.switch").forEach((l) => l.remove());
    this.plugSet.append(...switches);
  }

  set(name, plugged, info) {
    this.plugged.set(name, plugged);
    const led = this.leds.get(name);
    if (led) {
      led.classList.toggle("on", plugged);
      led.classList.toggle("off", !plugged);
      led.dataset.state = plugged ? "connected" : "unplugged";
      const where = info && info.path ? ` on ${info.path}` : "";
      led.title = `${name}: ${plugged ? "connected" + where : "unplugged"}`;
      led.setAttribute("aria-label", led.title);
    }
    const box = this.switches.get(name);
    if (box) box.checked = plugged;
    for (const fn of this.listeners) fn(name, plugged);
  }

  async toggle(name, box) {
    const plug = box.checked;
    box.disabled = true;
    try {
      const info = await post(`devices/${encodeURIComponent(name)}/${plug ? "replug" : "unplug"}`);
      this.set(name, !!info.plugged, info);
      say(this.msg, `${name} ${plug ? "plugged in" : "unplugged"}`);
    } catch (e) {
      box.checked = !plug;
      say(this.msg, e.message, true);
    } finally {
      box.disabled = false;
    }
  }

  onEvent(ev) {
    if (ev.kind !== "unplug" && ev.kind !== "replug") return;
    // Each device reports its own cable; an emulator-wide event names it.
    const d = ev.detail || {};
    const name = ev.device === "emulator" ? d.device || d.name : ev.device;
    if (name) this.set(name, ev.kind === "replug", d);
  }
}
