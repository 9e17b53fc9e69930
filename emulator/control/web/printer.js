// The receipt printer: its status (paper, cover, cutter), the paper roll
// with each slip as the printer's own PNG, newest first, the tear-off
// button and the printer's fault switches. Everything reloads after a
// printer event, so the roll grows while the terminal prints.

import { get, post, del, probe, el, say, setAvailable, clockTime } from "./api.js";

const pick = (o, ...names) => {
  for (const n of names) if (o && o[n] !== undefined && o[n] !== null) return o[n];
  return undefined;
};

export class Printer {
  constructor({ panel, statusNode, roll, tearBtn, faultsSet, paperSel, coverBox, cutterBox, faultsMsg }) {
    Object.assign(this, { panel, statusNode, roll, tearBtn, faultsSet, paperSel, coverBox, cutterBox, faultsMsg });
    this.available = false;
    this.slips = new Map(); // id → li
    this.timer = 0;
    tearBtn.addEventListener("click", () => this.tearOff());
    paperSel.addEventListener("change", () => this.set("paper", { state: paperSel.value }));
    coverBox.addEventListener("change", () => this.set("cover", { open: coverBox.checked }));
    cutterBox.addEventListener("change", () => this.set("cutter", { jammed: cutterBox.checked }));
  }

  async sync() {
    const status = await probe("printer/status");
    this.available = status !== null;
    const note = "This posemu has no printer API yet (GET /api/v1/printer/status answers 404).";
    setAvailable(this.panel, this.available, note);
    setAvailable(this.faultsSet, this.available, note);
    if (!this.available) {
      this.statusNode.replaceChildren();
      this.roll.replaceChildren();
      this.slips.clear();
      return;
    }
    this.showStatus(status);
    await this.loadRoll(true);
  }

  onEvent() {
    if (!this.available) return;
    // A slip is many events (data, lines, the cut); reload once after them.
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.reload(), 60);
  }

  async reload() {
    try {
      this.showStatus(await get("printer/status"));
      await this.loadRoll(false);
    } catch (e) {
      say(this.faultsMsg, e.message, true);
    }
  }

  showStatus(s) {
    this.status = s;
    const paper = String(pick(s, "paper", "paper_state") ?? "ok");
    const cover = !!(pick(s, "cover_open") ?? (s.cover === "open" || s.cover === true));
    const cutter = !!(pick(s, "cutter_jammed", "cutter_error") ?? (s.cutter === "jammed" || s.cutter === true));
    const online = pick(s, "online");
    const items = [
      ["Paper 纸", paper, paper === "ok" ? "good" : paper === "out" ? "bad" : "warn"],
      ["Cover 盖", cover ? "open 开" : "closed", cover ? "bad" : "good"],
      ["Cutter 切刀", cutter ? "jammed 卡纸" : "ok", cutter ? "bad" : "good"],
    ];
    if (online !== undefined) items.push(["State 状态", online ? "online" : "offline", online ? "good" : "bad"]);
    const buffered = pick(s, "buffered", "buffer_bytes", "pending_bytes");
    if (buffered) items.push(["Waiting 待打印", `${buffered} bytes in the buffer`, "warn"]);
    const dropped = pick(s, "dropped");
    if (dropped) items.push(["Lost 丢失", `${dropped} bytes (buffer full)`, "bad"]);
    this.statusNode.replaceChildren(
      ...items.flatMap(([k, v, cls]) => [el("dt", {}, k), el("dd", { class: cls, "data-field": k.split(" ")[0].toLowerCase() }, v)]),
    );
    this.panel.dataset.paper = paper;
    this.panel.dataset.cover = cover ? "open" : "closed";
    if (document.activeElement !== this.paperSel) this.paperSel.value = paper;
    this.coverBox.checked = cover;
    this.cutterBox.checked = cutter;
  }

  async loadRoll(reset) {
    const data = await get("printer/receipts");
    const receipts = Array.isArray(data) ? data : (data && data.receipts) || [];
    if (reset) {
      this.roll.replaceChildren();
      this.slips.clear();
    }
    const seen = new Set();
    // Newest first: the roll shows the slip that just came out on top.
    const ordered = receipts.slice().sort((a, b) => order(b) - order(a));
    let prev = null;
    for (const r of ordered) {
      const id = String(r.id);
      seen.add(id);
      let li = this.slips.get(id);
      if (!li || li.dataset.version !== version(r)) {
        const fresh = this.slip(r);
        if (li) li.replaceWith(fresh);
        li = fresh;
        this.slips.set(id, li);
      }
      if (prev ? prev.nextElementSibling !== li : this.roll.firstElementChild !== li) {
        if (prev) prev.after(li);
        else this.roll.prepend(li);
      }
      prev = li;
    }
    for (const [id, li] of this.slips) {
      if (!seen.has(id)) {
        li.remove();
        this.slips.delete(id);
      }
    }
    this.tearBtn.disabled = receipts.length === 0;
  }

  slip(r) {
    const id = String(r.id);
    const lines = pick(r, "lines", "text") || [];
    const text = (Array.isArray(lines) ? lines : [lines]).map((l) => (typeof l === "string" ? l : l.text || "")).join("\n");
    const cut = pick(r, "cut");
    return el(
      "li",
      { class: "slip", "data-id": id, "data-version": version(r) },
      el(
        "div",
        { class: "slip-head" },
        el("span", { class: "time" }, clockTime(pick(r, "time", "printed", "created")) || ""),
        el("span", {}, `#${id}`),
        cut ? null : el("span", { class: "warn" }, "in the printer, not cut yet"),
      ),
      el("img", { class: "slip-img", src: `api/v1/printer/receipts/${encodeURIComponent(id)}.png?v=${version(r)}`, alt: text || `slip ${id}`, loading: "lazy" }),
    );
  }

  async tearOff() {
    try {
      await del("printer/receipts");
      say(this.faultsMsg, "Tore off the paper roll.");
    } catch (e) {
      say(this.faultsMsg, e.message, true);
    }
    this.reload();
  }

  async set(what, body) {
    try {
      const s = await post("printer/" + what, body);
      if (s && typeof s === "object") this.showStatus(s);
      say(this.faultsMsg, `printer ${what}: ${Object.values(body).join(" ")}`);
    } catch (e) {
      say(this.faultsMsg, e.message, true);
      this.reload();
    }
  }
}

function order(r) {
  const n = Number(r.id);
  if (!isNaN(n)) return n;
  const t = Date.parse(pick(r, "time", "printed", "created"));
  return isNaN(t) ? 0 : t;
}

// version changes when a receipt still being printed grows.
function version(r) {
  const lines = pick(r, "lines", "text");
  const n = Array.isArray(lines) ? lines.length : 0;
  return `${n}-${pick(r, "cut") ? 1 : 0}-${pick(r, "height", "dots", "length") || 0}`;
}
