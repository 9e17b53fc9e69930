// posemu's web page: wires the panels to the control API and its live
// event feed. Every panel loads its state when the feed (re)connects, then
// follows the events; nothing polls.

import { get, say } from "./api.js";
import { Feed } from "./events.js";
import { LCD, CustomerDisplay } from "./screen.js";
import { Keypad } from "./keypad.js";
import { Devices } from "./devices.js";
import { EventLog } from "./log.js";
import { Scanner } from "./scanner.js";
import { Printer } from "./printer.js";
import { Host } from "./host.js";

const $ = (id) => document.getElementById(id);

// Devices whose events are the hardware's; anything else (the platform
// simulator, the terminal application) goes to the platform panels.
const HARDWARE = new Set(["lcd", "custdisplay", "keypad", "scanner", "printer", "emulator"]);

const lcd = new LCD($("lcd-img"), $("lcd-text"), document.querySelectorAll("#lcd-panel [data-scale]"));
const cd = new CustomerDisplay($("cd"), $("cd-lamps"));
const keypad = new Keypad($("keypad"), $("keypad-msg"), $("keymap"));
const devices = new Devices($("leds"), $("plugs"), $("faults-msg"));
const log = new EventLog($("log"), $("log-device"), $("log-kind"), $("log-text"), $("log-clear"));
const scanner = new Scanner($("scan-form"), $("scan-code"), $("buyer"), $("scan-msg"));
const printer = new Printer({
  panel: $("printer-panel"),
  statusNode: $("printer-status"),
  roll: $("roll"),
  tearBtn: $("tear"),
  faultsSet: $("printer-faults"),
  paperSel: $("paper"),
  coverBox: $("cover"),
  cutterBox: $("cutter"),
  faultsMsg: $("faults-msg"),
});
const host = new Host({
  tradesPanel: $("trades-panel"),
  tradesTable: $("trades"),
  phonePanel: $("phone-panel"),
  waitingList: $("waiting"),
  idleNode: $("phone-idle"),
  phoneMsg: $("phone-msg"),
  faultsSet: $("host-faults"),
  faultFields: $("host-fault-fields"),
  faultsMsg: $("faults-msg"),
});
host.onBuyers = (buyers) => scanner.setBuyers(buyers);

devices.onChange((name, plugged) => {
  if (name === "keypad") keypad.setPlugged(plugged);
  if (name === "scanner") scanner.setPlugged(plugged);
});

function onEvent(ev) {
  log.add(ev);
  switch (ev.device) {
    case "lcd":
      lcd.onEvent(ev);
      break;
    case "custdisplay":
      cd.onEvent(ev);
      break;
    case "keypad":
      keypad.onEvent(ev);
      break;
    case "printer":
      printer.onEvent(ev);
      break;
  }
  devices.onEvent(ev);
  if (!HARDWARE.has(ev.device)) host.onEvent(ev);
}

let pid = null;
let synced = false;

// resync loads every panel's state before the feed resumes, and finds out
// whether posemu restarted meanwhile (a new process numbers its events
// from 1 again, so resuming after the old number would miss them all).
async function resync(last) {
  const map = await devices.sync();
  let since = last;
  const kept = await get("events?since=0");
  const newest = kept.length ? kept[kept.length - 1].seq : 0;
  const restarted = synced && (map.pid !== pid || newest < last);
  if (!synced || restarted) {
    // Show the history posemu kept, then stream from its end.
    log.clear();
    for (const ev of kept.slice(-200)) log.add(ev);
    since = newest;
  }
  pid = map.pid;
  document.title = `posemu — ${map.profile || "virtual terminal"}`;
  await Promise.all([keypad.sync(), lcd.sync(since), cd.sync(), printer.sync(), host.sync()]);
  synced = true;
  return since;
}

const conn = $("conn");
const banner = $("banner");
let lostSince = 0;

function onState(state, err) {
  conn.dataset.state = state;
  document.body.dataset.conn = state;
  switch (state) {
    case "connecting":
      conn.textContent = "Connecting to posemu…";
      break;
    case "reconnecting":
      conn.textContent = "Reconnecting…";
      break;
    case "live":
      conn.textContent = "Live ● connected";
      banner.hidden = true;
      lostSince = 0;
      break;
    case "lost":
      if (!lostSince) lostSince = Date.now();
      conn.textContent = "Disconnected";
      banner.hidden = false;
      say(
        banner,
        `posemu's control API is not answering (${err ? err.message : "connection lost"}). ` +
          "Is posemu still running? This page reconnects by itself when it is back.",
        true,
      );
      break;
  }
}

new Feed({ onEvent, onState, beforeConnect: resync }).start();
