// The payment platform's fault switches. The simulator keeps a list of
// armed faults (GET/POST/DELETE /api/v1/host/faults); a switch is on while
// a fault of its kind is armed. Turning one off clears the list and arms
// the others again, since the API can only clear them all.

import { get, post, del, el, say, setAvailable } from "./api.js";

const KINDS = [
  ["latency", "Latency 延迟"],
  ["no_reply", "No reply 不应答"],
  ["unknown", "Unknown result (20000) 结果未知"],
  ["lost_reply", "Reply lost after the charge 扣款后应答丢失"],
  ["http_error", "HTTP 502 from the gateway 网关错误"],
  ["bad_signature", "Bad signature on the reply 验签失败"],
  ["error", "System error (40004) 系统错误"],
];

const METHODS = ["alipay.trade.pay", "alipay.trade.query", "alipay.trade.cancel", "alipay.trade.precreate", "alipay.trade.refund"];

export class HostFaults {
  constructor(fieldset, fields, msg) {
    this.fieldset = fieldset;
    this.fields = fields;
    this.msg = msg;
    this.armed = [];
    this.switches = new Map();
    this.build();
  }

  build() {
    const rows = [];
    for (const [kind, label] of KINDS) {
      const box = el("input", { type: "checkbox", role: "switch", id: "hf-" + kind, "data-fault": kind });
      box.addEventListener("change", () => this.toggle(kind, box.checked));
      this.switches.set(kind, box);
      const row = el("div", { class: "fault" }, el("label", { class: "switch", for: "hf-" + kind }, box, " " + label));
      if (kind === "latency") {
        this.latency = el("input", { id: "hf-latency-value", class: "short", value: "2s", "aria-label": "latency, e.g. 2s or 500ms", title: "e.g. 2s, 500ms" });
        row.append(this.latency);
      }
      rows.push(row);
    }
    this.method = el("select", { id: "hf-method" }, el("option", { value: "" }, "every method"), ...METHODS.map((m) => el("option", { value: m }, m)));
    this.once = el("input", { type: "checkbox", id: "hf-once" });
    const clear = el("button", { type: "button", class: "btn small", id: "hf-clear" }, "Clear all");
    clear.addEventListener("click", () => this.clearAll());
    this.list = el("ul", { class: "armed", "aria-label": "armed platform faults" });
    this.fields.replaceChildren(
      ...rows,
      el("div", { class: "row" }, el("label", { for: "hf-method" }, "New faults hit"), this.method),
      el("label", { class: "switch", for: "hf-once" }, this.once, " only the next request"),
      el("div", { class: "row" }, clear),
      this.list,
    );
  }

  async sync(available) {
    setAvailable(this.fieldset, available, "No payment platform in this posemu (GET /api/v1/host/faults answers 404).");
    if (available) await this.reload();
    else this.show([]);
  }

  async reload() {
    this.show(await get("host/faults"));
  }

  show(faults) {
    this.armed = faults || [];
    for (const [kind, box] of this.switches) box.checked = this.armed.some((f) => f.kind === kind);
    this.list.replaceChildren(
      ...this.armed.map((f) => {
        const parts = [f.kind];
        if (f.latency && f.latency !== "0s") parts.push(f.latency);
        if (f.status) parts.push("HTTP " + f.status);
        if (f.sub_code) parts.push(f.sub_code);
        parts.push(f.method || "every method");
        parts.push(f.count ? `next ${f.count}` : "until cleared");
        if (f.commit) parts.push("after carrying it out");
        return el("li", { "data-fault": f.kind }, parts.join(" · "));
      }),
    );
  }

  fault(kind) {
    const f = { kind };
    if (this.method.value) f.method = this.method.value;
    if (this.once.checked) f.count = 1;
    if (kind === "latency") f.latency = this.latency.value.trim() || "2s";
    return f;
  }

  async toggle(kind, on) {
    try {
      if (on) {
        this.show(await post("host/faults", this.fault(kind)));
        say(this.msg, `platform: ${kind} armed`);
      } else {
        const keep = this.armed.filter((f) => f.kind !== kind);
        let now = await del("host/faults");
        for (const f of keep) now = await post("host/faults", f);
        this.show(now);
        say(this.msg, `platform: ${kind} cleared`);
      }
    } catch (e) {
      say(this.msg, e.message, true);
      this.reload().catch(() => {});
    }
  }

  async clearAll() {
    try {
      this.show(await del("host/faults"));
      say(this.msg, "platform: every fault cleared");
    } catch (e) {
      say(this.msg, e.message, true);
    }
  }
}
