// The operator LCD and the customer display. The LCD is shown as the
// emulator's own PNG (so Chinese is drawn in the emulator's font, pixel for
// pixel), at its real size or scaled ×2 without smoothing; its text layer
// goes underneath for screen readers and tests.

import { get, el } from "./api.js";

// LCD events after which the picture may have changed.
const LCD_DRAWN = new Set(["frame", "text", "clear"]);

export class LCD {
  constructor(img, textNode, scaleButtons) {
    this.img = img;
    this.textNode = textNode;
    this.width = 0;
    this.height = 0;
    this.scale = 2;
    this.wanted = 0; // newest seq the picture should show
    this.loading = false;
    for (const b of scaleButtons) {
      b.addEventListener("click", () => this.setScale(Number(b.dataset.scale), scaleButtons));
    }
  }

  setScale(scale, buttons) {
    this.scale = scale;
    for (const b of buttons) b.setAttribute("aria-pressed", String(Number(b.dataset.scale) === scale));
    this.applySize();
  }

  applySize() {
    if (!this.width) return;
    this.img.style.width = this.width * this.scale + "px";
    this.img.style.height = this.height * this.scale + "px";
  }

  async sync(seq) {
    const s = await get("lcd");
    this.width = s.width;
    this.height = s.height;
    this.applySize();
    this.showText(s);
    // After a reconnection the sequence may have started again (a new
    // posemu), so the newest seq is whatever the feed resumes from.
    this.wanted = 0;
    this.refresh(seq);
  }

  onEvent(ev) {
    if (LCD_DRAWN.has(ev.kind)) this.refresh(ev.seq);
  }

  // refresh loads the picture as of seq. Frames can arrive far faster than
  // a browser loads images, so at most one load is in flight and the next
  // one asks for the newest state.
  refresh(seq) {
    this.wanted = Math.max(this.wanted, seq);
    if (this.loading) return;
    this.loading = true;
    const target = this.wanted;
    this.load(target).finally(() => {
      this.loading = false;
      if (this.wanted > target) this.refresh(this.wanted);
    });
    this.loadText();
  }

  // load fetches the PNG once and shows it from a blob URL: swapping in a
  // loaded picture never flashes an empty box, and never fetches twice.
  async load(seq) {
    try {
      const resp = await fetch("api/v1/lcd.png?seq=" + seq, { cache: "no-store" });
      if (!resp.ok) return;
      const url = URL.createObjectURL(await resp.blob());
      const old = this.img.src;
      this.img.src = url;
      await this.img.decode().catch(() => {});
      this.img.dataset.seq = String(seq);
      if (old.startsWith("blob:")) URL.revokeObjectURL(old);
    } catch {
      // posemu went away; the feed reports that, and resyncs on return.
    }
  }

  async loadText() {
    try {
      this.showText(await get("lcd"));
    } catch {
      // The picture is what matters; the text comes with the next frame.
    }
  }

  showText(s) {
    const text = (s.lines || []).join(" / ");
    this.textNode.textContent = text;
    this.img.alt = text ? "operator screen: " + text : "operator screen (blank)";
    const level = typeof s.backlight === "number" ? s.backlight : 100;
    this.img.style.filter = level >= 100 ? "" : `brightness(${0.25 + (0.75 * level) / 100})`;
    this.img.dataset.backlight = String(level);
  }
}

const LAMPS = ["price", "total", "paid", "change"];
const LAMP_ZH = { price: "单价", total: "总计", paid: "收款", change: "找零" };

// CustomerDisplay draws the VFD: fixed cells, lines padded to the width.
export class CustomerDisplay {
  constructor(node, lampsNode) {
    this.node = node;
    this.lampsNode = lampsNode;
    this.columns = 20;
    this.rows = 2;
  }

  async sync() {
    const s = await get("custdisplay");
    this.columns = s.columns;
    this.rows = s.rows;
    this.node.style.setProperty("--cols", String(s.columns));
    this.show(s);
  }

  onEvent(ev) {
    if (ev.kind === "update" && ev.detail) this.show(ev.detail);
  }

  show(s) {
    const lines = s.lines || [];
    const rows = [];
    for (let i = 0; i < this.rows; i++) {
      const text = (lines[i] || "").padEnd(this.columns, " ").slice(0, this.columns);
      rows.push(el("div", { class: "vfd-line", "data-row": i + 1 }, text));
    }
    this.node.replaceChildren(...rows);
    this.node.setAttribute("aria-label", "customer display: " + lines.map((l) => l.trim()).filter(Boolean).join(" / "));
    this.node.dataset.brightness = String(s.brightness || 4);
    this.node.classList.toggle("marquee", !!s.marquee);
    const lamp = s.lamp || "off";
    this.lampsNode.replaceChildren(
      ...LAMPS.map((l) =>
        el("li", { class: l === lamp ? "lamp lit" : "lamp", "aria-current": l === lamp ? "true" : null }, `${l} ${LAMP_ZH[l]}`),
      ),
    );
  }
}
