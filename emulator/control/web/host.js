// The payment platform simulator's side of the page: the trade list, the
// buyer's phone (payments waiting for the buyer's password, and dynamic QR
// codes a buyer can scan), and the sandbox buyers for the scanner. Each
// appears only when posemu runs the platform (/api/v1/host/… answers).

import { get, post, probe, el, say, setAvailable, clockTime } from "./api.js";
import { HostFaults } from "./hostfaults.js";

const WAITING = "WAIT_BUYER_PAY";

// yuan formats an amount in fen, as the platform counts money.
export function yuan(fen) {
  if (typeof fen !== "number") return "";
  const sign = fen < 0 ? "-" : "";
  const abs = Math.abs(fen);
  return `${sign}¥${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, "0")}`;
}

export class Host {
  constructor({ tradesPanel, tradesTable, phonePanel, waitingList, idleNode, phoneMsg, faultsSet, faultFields, faultsMsg }) {
    Object.assign(this, { tradesPanel, tradesTable, phonePanel, waitingList, idleNode, phoneMsg });
    this.faults = new HostFaults(faultsSet, faultFields, faultsMsg);
    this.available = false;
    this.buyers = [];
    this.timer = 0;
    this.onBuyers = () => {};
  }

  // sync probes the platform's endpoints and loads what they answer.
  async sync() {
    const trades = await probe("host/trades");
    this.available = trades !== null;
    const note = "No payment platform in this posemu (GET /api/v1/host/trades answers 404).";
    setAvailable(this.tradesPanel, this.available, note);
    setAvailable(this.phonePanel, this.available, note);
    if (!this.available) {
      this.buyers = [];
      this.onBuyers(null);
      this.showTrades([]);
      await this.faults.sync(false);
      return;
    }
    await this.loadBuyers();
    this.showTrades(trades);
    await this.faults.sync(true);
  }

  // onEvent reloads after anything the platform did (its "trade" events);
  // a burst of them makes one reload.
  onEvent() {
    if (!this.available) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.reload(), 50);
  }

  async reload() {
    try {
      await this.loadBuyers();
      this.showTrades(await get("host/trades"));
      await this.faults.reload();
    } catch (e) {
      say(this.phoneMsg, e.message, true);
    }
  }

  async loadBuyers() {
    this.buyers = (await get("host/buyers")) || [];
    this.onBuyers(this.buyers);
  }

  showTrades(trades) {
    const newest = (trades || []).slice().reverse(); // the API lists oldest first
    const rows = newest.map((t) =>
      el(
        "tr",
        { "data-trade": t.out_trade_no, "data-state": t.trade_status, title: `${t.out_trade_no} · trade_no ${t.trade_no || "—"} · ${t.kind || ""}` },
        // A terminal's out_trade_no is 26 digits; its tail tells trades apart.
        el(
          "td",
          { class: "mono" },
          t.out_trade_no.length > 12 ? "…" + t.out_trade_no.slice(-8) : t.out_trade_no,
          el("div", { class: "sub time" }, clockTime(t.gmt_create).slice(0, 8)),
        ),
        el("td", { class: "num" }, yuan(t.total_fen), t.refunded_fen ? el("div", { class: "sub" }, "refunded " + yuan(t.refunded_fen)) : null),
        el(
          "td",
          { class: "state " + String(t.trade_status || "").toLowerCase() },
          String(t.trade_status || "").replace(/_/g, "_\u200b"), // may break after each _
          t.awaiting_password ? el("div", { class: "sub" }, "buyer's password") : null,
          t.closed_by ? el("div", { class: "sub" }, "by " + t.closed_by) : null,
        ),
      ),
    );
    this.tradesTable.tBodies[0].replaceChildren(...rows);
    this.showPhone(newest.filter((t) => t.trade_status === WAITING && (t.awaiting_password || (t.kind === "precreate" && !t.scanned))));
  }

  showPhone(trades) {
    const items = trades.map((t) => (t.awaiting_password ? this.passwordCard(t) : this.qrCard(t)));
    this.waitingList.replaceChildren(...items);
    this.idleNode.hidden = items.length > 0;
  }

  // passwordCard: a bar-code payment above the buyer's threshold waits for
  // the password on the phone.
  passwordCard(t) {
    const buyer = this.buyers.find((b) => b.payment_code === t.buyer);
    const confirm = el("button", { type: "button", class: "btn primary", "data-action": "confirm" }, "Confirm 确认付款");
    const decline = el("button", { type: "button", class: "btn danger", "data-action": "decline" }, "Decline 取消");
    confirm.addEventListener("click", () => this.answer(t, "confirm"));
    decline.addEventListener("click", () => this.answer(t, "decline"));
    return el(
      "li",
      { class: "pay", "data-trade": t.out_trade_no, "data-kind": "password" },
      el("div", { class: "who" }, "支付宝 · pay ", t.subject ? el("b", {}, t.subject) : null),
      el("div", { class: "amount" }, yuan(t.total_fen)),
      el("div", { class: "who" }, buyer ? `${buyer.name || buyer.logon_id} · balance ${yuan(buyer.balance)}` : "buyer " + (t.buyer || "?")),
      el("div", { class: "who mono" }, t.out_trade_no),
      el("div", { class: "actions" }, confirm, decline),
    );
  }

  // qrCard: a dynamic QR (precreate) trade nobody has scanned yet; pick a
  // buyer and their phone scans it.
  qrCard(t) {
    const sel = el(
      "select",
      { "aria-label": "buyer who scans the QR code" },
      ...this.buyers.map((b) => el("option", { value: b.payment_code }, `${b.name || b.logon_id} (${yuan(b.balance)})`)),
    );
    const scan = el("button", { type: "button", class: "btn primary", "data-action": "scan" }, "Scan QR 扫码付款");
    scan.addEventListener("click", () => this.scanQR(t, sel.value));
    return el(
      "li",
      { class: "pay", "data-trade": t.out_trade_no, "data-kind": "qr" },
      el("div", { class: "who" }, "QR code on the terminal ", t.subject ? el("b", {}, t.subject) : null),
      el("div", { class: "amount" }, yuan(t.total_fen)),
      el("div", { class: "who mono" }, t.out_trade_no),
      el("div", { class: "actions" }, sel, scan),
    );
  }

  async answer(t, action) {
    try {
      const r = await post(`host/buyers/${encodeURIComponent(t.buyer)}/${action}`, { out_trade_no: t.out_trade_no });
      say(this.phoneMsg, `${action === "confirm" ? "Confirmed" : "Declined"} ${t.out_trade_no}: ${r.trade_status}`);
    } catch (e) {
      say(this.phoneMsg, e.message, true);
    }
    this.reload();
  }

  async scanQR(t, buyer) {
    if (!buyer) {
      say(this.phoneMsg, "No sandbox buyer to scan with.", true);
      return;
    }
    try {
      const r = await post(`host/trades/${encodeURIComponent(t.out_trade_no)}/scan`, { buyer });
      say(this.phoneMsg, `Scanned ${t.out_trade_no}: ${r.awaiting_password ? "waiting for the password" : r.trade_status}`);
    } catch (e) {
      say(this.phoneMsg, e.message, true);
    }
    this.reload();
  }
}
