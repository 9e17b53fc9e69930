// The scanner panel: type a payment code or pick a sandbox buyer, then
// scan; the scanner sends the code to the terminal as a real one would.

import { post, el, say } from "./api.js";
import { buyerCode, yuan } from "./host.js";

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
      const code = buyerCode(b);
      const parts = [b.name || b.logon_id || b.buyer_logon_id || code];
      if (b.balance !== undefined) parts.push("balance " + yuan(b.balance));
      const pw = passwordNote(b);
      if (pw) parts.push(pw);
      return el("option", { value: code, "data-code": code }, `${parts.join(" · ")} — ${code}`);
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

// passwordNote says when the buyer must confirm on the phone.
function passwordNote(b) {
  if (b.password === true || b.needs_password === true || b.password_required === true) return "password";
  const t = b.password_threshold ?? b.password_above ?? b.password_over;
  if (t !== undefined && t !== null) return "password above " + yuan(t);
  return "";
}
