// The payment platform simulator's side of the page: the trade list, the
// buyer's phone (trades waiting for the buyer to confirm), and its fault
// switches. Each appears only when posemu has the platform.

import { get, post, probe, el, say, setAvailable, clockTime } from "./api.js";

const WAITING = "WAIT_BUYER_PAY";

// Field spellings the simulator may use; the first present wins.
const pick = (o, ...names) => {
  for (const n of names) if (o && o[n] !== undefined && o[n] !== null && o[n] !== "") return o[n];
  return undefined;
};

export const buyerCode = (b) => pick(b, "code", "auth_code", "payment_code");

export function yuan(v) {
  if (v === undefined || v === null || v === "") return "";
  const n = Number(v);
  return isNaN(n) ? String(v) : "¥" + n.toFixed(2);
}

const tradeNo = (t) => pick(t, "out_trade_no", "trade_no", "id");
const tradeState = (t) => pick(t, "state", "trade_status", "status");
const tradeAmount = (t) => pick(t, "total_amount", "amount");
const tradeTime = (t) => pick(t, "time", "updated", "created", "gmt_create", "send_pay_date");
const tradeBuyer = (t) => pick(t, "buyer_code", "auth_code", "buyer", "code");

export class Host {
  constructor({ tradesPanel, tradesTable, phonePanel, waitingList, idleNode, phoneMsg, faultsSet, faultFields, faultsMsg }) {
    Object.assign(this, { tradesPanel, tradesTable, phonePanel, waitingList, idleNode, phoneMsg, faultsSet, faultFields, faultsMsg });
    this.available = false;
    this.faultsAvailable = false;
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
    if (this.available) this.showTrades(trades);
    const buyers = this.available ? await probe("host/buyers") : null;
    this.onBuyers(buyers === null ? null : list(buyers, "buyers"));
    const faults = this.available ? await probe("host/faults") : null;
    this.faultsAvailable = faults !== null;
    setAvailable(this.faultsSet, this.faultsAvailable, "No platform faults in this posemu (GET /api/v1/host/faults answers 404).");
    if (this.faultsAvailable) this.showFaults(faults);
  }

  // onEvent reloads the trades after anything the platform did.
  onEvent() {
    if (!this.available) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.reload(), 50);
  }

  async reload() {
    try {
      this.showTrades(await get("host/trades"));
      if (this.faultsAvailable) this.showFaults(await get("host/faults"));
    } catch (e) {
      say(this.phoneMsg, e.message, true);
    }
  }

  showTrades(data) {
    const trades = list(data, "trades").slice();
    trades.sort((a, b) => String(tradeTime(b) || "").localeCompare(String(tradeTime(a) || "")));
    const rows = trades.map((t) =>
      el(
        "tr",
        { "data-trade": tradeNo(t), "data-state": tradeState(t) },
        el("td", { class: "time" }, clockTime(tradeTime(t)) || ""),
        el("td", { class: "mono" }, tradeNo(t)),
        el("td", { class: "num" }, yuan(tradeAmount(t))),
        el("td", { class: "state " + String(tradeState(t) || "").toLowerCase() }, tradeState(t)),
      ),
    );
    this.tradesTable.tBodies[0].replaceChildren(...rows);
    this.showWaiting(trades.filter((t) => tradeState(t) === WAITING));
  }

  showWaiting(trades) {
    const items = trades.map((t) => {
      const code = tradeBuyer(t);
      const subject = pick(t, "subject") || "";
      const confirm = el("button", { type: "button", class: "btn primary", "data-action": "confirm" }, "Confirm 确认付款");
      const decline = el("button", { type: "button", class: "btn danger", "data-action": "decline" }, "Decline 拒绝");
      confirm.addEventListener("click", () => this.answer(t, code, "confirm"));
      decline.addEventListener("click", () => this.answer(t, code, "decline"));
      return el(
        "li",
        { class: "pay", "data-trade": tradeNo(t) },
        el("div", { class: "amount" }, yuan(tradeAmount(t))),
        el("div", { class: "who" }, subject, subject ? " · " : "", "trade ", el("span", { class: "mono" }, tradeNo(t))),
        code ? el("div", { class: "who" }, "buyer ", el("span", { class: "mono" }, code)) : null,
        el("div", { class: "actions" }, confirm, decline),
      );
    });
    this.waitingList.replaceChildren(...items);
    this.idleNode.hidden = items.length > 0;
  }

  async answer(t, code, action) {
    if (!code) {
      say(this.phoneMsg, `trade ${tradeNo(t)} names no buyer code`, true);
      return;
    }
    try {
      await post(`host/buyers/${encodeURIComponent(code)}/${action}`, {});
      say(this.phoneMsg, `${action === "confirm" ? "Confirmed" : "Declined"} trade ${tradeNo(t)}`);
    } catch (e) {
      say(this.phoneMsg, e.message, true);
    }
    this.reload();
  }

  // showFaults draws a control per fault the simulator reports: a switch
  // for a boolean, a number field for a number (latency in ms).
  showFaults(data) {
    const faults = data && typeof data === "object" && data.faults && typeof data.faults === "object" ? data.faults : data || {};
    for (const [name, value] of Object.entries(faults)) {
      const id = "hf-" + name;
      let input = this.faultFields.querySelector(`[data-fault="${CSS.escape(name)}"]`);
      if (!input) {
        if (typeof value === "boolean") {
          input = el("input", { type: "checkbox", role: "switch", id, "data-fault": name });
          this.faultFields.append(el("label", { class: "switch", for: id }, input, " " + label(name)));
        } else if (typeof value === "number") {
          input = el("input", { type: "number", id, "data-fault": name, min: "0", step: "any", class: "short" });
          this.faultFields.append(el("div", { class: "row" }, el("label", { for: id }, label(name)), input));
        } else {
          continue;
        }
        input.addEventListener("change", () => this.setFault(name, input));
      }
      if (document.activeElement === input) continue;
      if (input.type === "checkbox") input.checked = value;
      else input.value = String(value);
    }
  }

  async setFault(name, input) {
    const value = input.type === "checkbox" ? input.checked : Number(input.value);
    try {
      const r = await post("host/faults", { [name]: value });
      if (r) this.showFaults(r);
      say(this.faultsMsg, `platform: ${label(name)} = ${value}`);
    } catch (e) {
      say(this.faultsMsg, e.message, true);
      this.reload();
    }
  }
}

// list accepts either a bare array or {key: [...]}.
function list(data, key) {
  if (Array.isArray(data)) return data;
  if (data && Array.isArray(data[key])) return data[key];
  return [];
}

function label(name) {
  return name.replace(/_/g, " ");
}
