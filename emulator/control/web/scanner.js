// The scanner panel: type a payment code or pick a sandbox buyer, then
// scan; the scanner sends the code to the terminal as a real one would.

import { post, el, say } from "./api.js";
import { yuan } from "./host.js";

export class Scanner {
  constructor(form, input, buyerSel, msgNode) {
    this.form = form;
    this.input = input;
    this.buyerSel = buyerSel;
    this.msg = msgNode;
    this.buyerSel.dataset.keepDisabled = "";
    form.addEventListener("submit", (e) => {
      e.preventDefault();
      this.scan();
    });
    buyerSel.addEventListener("change", () => {
      if (buyerSel.value) this.input.value = buyerSel.value;
    });
  }

  async scan() {
    const code = this.input.value.trim();
    if (!code) {
      say(this.msg, "Type a code or pick a buyer first.", true);
      this.input.focus();
      return;
    }
    try {
      const r = await post("scanner/scan", { code });
      say(this.msg, `Scanned ${r.scanned} (${r.length} characters)`);
    } catch (e) {
      say(this.msg, e.message, true);
    }
  }

  // setBuyers fills the picker from GET /api/v1/host/buyers (null: the
  // platform simulator is not there).
  setBuyers(buyers) {
    const keep = this.buyerSel.value;
    if (!buyers || buyers.length === 0) {
      this.buyerSel.replaceChildren(el("option", { value: "" }, buyers ? "(no sandbox buyers)" : "(no payment platform)"));
      this.buyerSel.disabled = true;
      return;
    }
    const opts = buyers.map((b) => {
      const parts = [b.name || b.logon_id, "balance " + yuan(b.balance)];
      const pw = passwordNote(b);
      if (pw) parts.push(pw);
      if (b.reject) parts.push("rejected: " + b.reject);
      return el("option", { value: b.payment_code }, `${parts.join(" · ")} — ${b.payment_code}`);
    });
    this.buyerSel.replaceChildren(el("option", { value: "" }, "pick a buyer…"), ...opts);
    this.buyerSel.value = keep;
    this.buyerSel.disabled = false;
  }

  setPlugged(plugged) {
    this.form.classList.toggle("off", !plugged);
    this.form.querySelector("button[type=submit]").disabled = !plugged;
    if (!plugged) say(this.msg, "The scanner is unplugged: replug it under Faults.", true);
    else if (this.msg.classList.contains("error")) say(this.msg, "");
  }
}

// passwordNote says when the buyer must confirm on the phone: above the
// threshold (fen); no threshold, never.
function passwordNote(b) {
  if (typeof b.password_threshold !== "number") return "";
  return b.password_threshold === 0 ? "password always" : "password above " + yuan(b.password_threshold);
}
