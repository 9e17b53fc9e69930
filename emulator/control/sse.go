package control

import (
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/posemu/posemu/emulator/events"
)

// subscriberBuffer is how far an event stream may fall behind before it
// catches up from the bus's log instead of the live channel.
const subscriberBuffer = 1024

// events serves GET /api/v1/events: a server-sent event stream, or with
// Accept: application/json the kept events after ?since= as one array.
func (s *Server) events(w http.ResponseWriter, r *http.Request) error {
	since, err := parseSince(r)
	if err != nil {
		return err
	}
	bus := s.e.Bus()
	if wantsJSON(r) {
		list := bus.Since(since)
		if list == nil {
			list = []events.Event{}
		}
		writeJSON(w, http.StatusOK, list)
		return nil
	}
	return s.stream(w, r, bus, since)
}

// parseSince reads where a client wants to resume: Last-Event-ID (what a
// reconnecting EventSource sends) wins over ?since=; neither means "from
// now on" for a stream and "everything kept" for a JSON list.
func parseSince(r *http.Request) (uint64, error) {
	if v := r.Header.Get("Last-Event-ID"); v != "" {
		n, err := strconv.ParseUint(strings.TrimSpace(v), 10, 64)
		if err != nil {
			return 0, errorf(http.StatusBadRequest, "Last-Event-ID %q is not an event sequence number", v)
		}
		return n, nil
	}
	if v := r.URL.Query().Get("since"); v != "" {
		n, err := strconv.ParseUint(v, 10, 64)
		if err != nil {
			return 0, errorf(http.StatusBadRequest, "since=%q is not an event sequence number", v)
		}
		return n, nil
	}
	if !wantsJSON(r) {
		return ^uint64(0), nil // live only
	}
	return 0, nil
}

// wantsJSON reports an Accept header that asks for JSON and not for an
// event stream.
func wantsJSON(r *http.Request) bool {
	json, stream := false, false
	for _, part := range strings.Split(r.Header.Get("Accept"), ",") {
		mt, _, err := mime.ParseMediaType(strings.TrimSpace(part))
		if err != nil {
			continue
		}
		switch mt {
		case "application/json":
			json = true
		case "text/event-stream":
			stream = true
		}
	}
	return json && !stream
}

func (s *Server) stream(w http.ResponseWriter, r *http.Request, bus *events.Bus, since uint64) error {
	rc := http.NewResponseController(w)
	// Subscribe before replaying, so nothing published in between is lost;
	// the sequence numbers drop what both deliver.
	sub := bus.Subscribe(subscriberBuffer)
	defer sub.Close()
	rc.SetWriteDeadline(time.Time{}) //nolint:errcheck // not every writer has deadlines

	h := w.Header()
	h.Set("Content-Type", "text/event-stream")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Accel-Buffering", "no")
	w.WriteHeader(http.StatusOK)
	if _, err := io.WriteString(w, ": posemu events\n\n"); err != nil {
		return nil
	}
	if err := rc.Flush(); err != nil {
		return fmt.Errorf("event stream: %w", err)
	}

	last := since
	if since == ^uint64(0) {
		last = bus.Last()
	}
	send := func(evs []events.Event) bool {
		for _, ev := range evs {
			if ev.Seq <= last {
				continue
			}
			if err := writeEvent(w, ev); err != nil {
				return false
			}
			last = ev.Seq
		}
		return rc.Flush() == nil
	}
	if since != ^uint64(0) && !send(bus.Since(since)) {
		return nil
	}

	beat := time.NewTicker(s.opts.Heartbeat)
	defer beat.Stop()
	for {
		select {
		case ev, ok := <-sub.C():
			if !ok {
				return nil // the bus closed: the emulator is gone
			}
			batch := []events.Event{ev}
			if ev.Seq > last+1 {
				// Behind (the subscription dropped events): catch up
				// from the log, which holds ev too.
				batch = bus.Since(last)
			}
			if !send(batch) {
				return nil
			}
		case <-beat.C:
			if _, err := io.WriteString(w, ": heartbeat\n\n"); err != nil || rc.Flush() != nil {
				return nil
			}
		case <-r.Context().Done():
			return nil
		case <-s.done:
			return nil
		}
	}
}

func writeEvent(w io.Writer, ev events.Event) error {
	data, err := json.Marshal(ev)
	if err != nil {
		data, _ = json.Marshal(map[string]any{"seq": ev.Seq, "device": ev.Device, "kind": ev.Kind, "error": err.Error()})
	}
	kind := strings.NewReplacer("\r", "", "\n", "").Replace(ev.Kind)
	_, err = fmt.Fprintf(w, "id: %d\nevent: %s\ndata: %s\n\n", ev.Seq, kind, data)
	return err
}
