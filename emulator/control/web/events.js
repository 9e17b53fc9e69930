// The live feed: posemu's server-sent event stream (/api/v1/events),
// read with fetch rather than EventSource. The stream names every event by
// its kind, and an EventSource only delivers named events to listeners
// registered for that exact name; the page must also see kinds it has
// never heard of (a device added after this page was written), so it
// parses the stream itself. It resumes where it stopped (?since=) after a
// drop, and says when posemu has gone away and when it is back.

const MIN_RETRY = 500; // ms
const MAX_RETRY = 5000;
// The server sends a heartbeat comment every 15 s; twice that without a
// byte means the connection is dead even if TCP has not noticed.
const SILENCE = 35000;

export class Feed {
  // onEvent(ev) gets each event once, in order. onState(state, info) is
  // told "live", "lost" (with the error) and "connecting". beforeConnect()
  // runs before every (re)connection and returns the seq to resume after;
  // it may throw while posemu is down.
  constructor({ onEvent, onState, beforeConnect }) {
    this.onEvent = onEvent;
    this.onState = onState;
    this.beforeConnect = beforeConnect;
    this.last = 0;
    this.stopped = false;
  }

  start() {
    this.run();
  }

  stop() {
    this.stopped = true;
    if (this.abort) this.abort.abort();
  }

  async run() {
    let retry = MIN_RETRY;
    let attempt = 0;
    while (!this.stopped) {
      attempt++;
      this.onState(attempt === 1 ? "connecting" : "reconnecting");
      try {
        this.last = await this.beforeConnect(this.last);
        await this.stream();
        retry = MIN_RETRY;
        this.onState("lost", new Error("posemu closed the event stream"));
      } catch (e) {
        if (this.stopped) return;
        this.onState("lost", e);
        retry = Math.min(retry * 2, MAX_RETRY);
      }
      await new Promise((r) => setTimeout(r, retry));
    }
  }

  async stream() {
    const abort = new AbortController();
    this.abort = abort;
    let timer;
    const watchdog = () => {
      clearTimeout(timer);
      timer = setTimeout(() => abort.abort(new Error("no heartbeat from posemu")), SILENCE);
    };
    watchdog();
    try {
      const resp = await fetch(`api/v1/events?since=${this.last}`, {
        headers: { Accept: "text/event-stream" },
        cache: "no-store",
        signal: abort.signal,
      });
      if (!resp.ok) throw new Error(`event stream: HTTP ${resp.status}`);
      this.onState("live");
      const reader = resp.body.pipeThrough(new TextDecoderStream()).getReader();
      let buf = "";
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        watchdog();
        // posemu ends lines with \n; a CRLF would be a proxy's doing.
        buf += value.replace(/\r\n/g, "\n");
        let cut;
        while ((cut = buf.indexOf("\n\n")) >= 0) {
          const block = buf.slice(0, cut);
          buf = buf.slice(cut + 2);
          this.dispatch(block);
        }
      }
    } finally {
      clearTimeout(timer);
    }
  }

  dispatch(block) {
    let data = "";
    for (const line of block.split("\n")) {
      if (line === "" || line.startsWith(":")) continue;
      const i = line.indexOf(":");
      const field = i < 0 ? line : line.slice(0, i);
      let val = i < 0 ? "" : line.slice(i + 1);
      if (val.startsWith(" ")) val = val.slice(1);
      if (field === "data") data += (data ? "\n" : "") + val;
    }
    if (!data) return;
    let ev;
    try {
      ev = JSON.parse(data);
    } catch {
      return;
    }
    if (typeof ev.seq === "number") {
      if (ev.seq <= this.last) return;
      this.last = ev.seq;
    }
    try {
      this.onEvent(ev);
    } catch (e) {
      console.error("handling event", ev, e);
    }
  }
}
