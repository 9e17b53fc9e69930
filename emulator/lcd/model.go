package lcd

import (
	"image"
	"image/png"
	"io"
	"sync"
	"time"

	"github.com/posemu/posemu/clock"
	"github.com/posemu/posemu/emulator/events"
	"github.com/posemu/posemu/profile"
)

// Device is the name the model publishes its events under.
const Device = "lcd"

// Depth is the colour depth the model announces: it keeps RGB565 pixels.
const Depth = 16

// FrameGap is the silence after which the display abandons a frame in
// progress (the spec's inter-byte timeout). A host sends each frame in one
// go and waits far longer than this before it retransmits, so bytes from
// before such a gap can only be the remains of a frame that will never be
// completed.
const FrameGap = 50 * time.Millisecond

// Stats counts what the decoder saw.
type Stats struct {
	Frames       int // frames applied (or answered, for INFO)
	Duplicates   int // retransmissions answered again without being applied
	NAKs         int // NAKs sent, whatever the reason
	DecodeErrors int // runs of discarded bytes: line noise or unreadable headers
	Garbage      int // bytes discarded while hunting for a start of frame
	WriteErrors  int // replies the host writer refused (device unplugged)
}

// Model is the emulated operator LCD. It is safe for concurrent use.
type Model struct {
	host io.Writer
	bus  *events.Bus
	fw   string
	w, h int

	// feedMu serialises Feed, so replies leave in the order the frames came,
	// without holding mu (and blocking readers of the screen) while the
	// host writer is slow.
	feedMu sync.Mutex
	dec    decoder
	clk    clock.Clock
	lastIn time.Time

	mu        sync.Mutex
	fb        *image.RGBA
	items     []TextItem
	backlight int
	stats     Stats
	busy      int
	last      struct {
		ok    bool
		seq   byte
		crc   uint16
		reply []byte
	}

	// per-Feed output, collected under mu and flushed after it.
	replies    [][]byte
	evs        []pendingEvent
	garbageRun int
}

type pendingEvent struct {
	kind   string
	detail map[string]any
}

// New returns a display of p's geometry, dark, with the backlight full on.
// host receives the replies; bus (which may be nil) the events.
func New(p profile.LCD, host io.Writer, bus *events.Bus) *Model {
	w, h := p.Width, p.Height
	if w <= 0 || h <= 0 {
		w, h = 320, 240
	}
	m := &Model{host: host, bus: bus, fw: p.Firmware, w: w, h: h, clk: clock.Real()}
	m.fb = image.NewRGBA(image.Rect(0, 0, w, h))
	m.reset()
	return m
}

func (m *Model) reset() {
	fill(m.fb, m.fb.Bounds(), rgb565(0x0000))
	m.items = nil
	m.backlight = 100
	m.busy = 0
	m.last.ok = false
}

// Reset is a power cycle: dark screen, no text, backlight full, no memory
// of the last frame. Bytes of a half-received frame are dropped.
func (m *Model) Reset() {
	m.feedMu.Lock()
	defer m.feedMu.Unlock()
	m.mu.Lock()
	defer m.mu.Unlock()
	m.dec.buf = m.dec.buf[:0]
	m.reset()
}

// SetClock replaces the wall clock that times the inter-byte gap. The gap
// is a property of the line, so the emulator normally leaves the real clock
// here even when scenarios run in virtual time; tests set a fake one to
// make splits deterministic.
func (m *Model) SetClock(c clock.Clock) {
	m.feedMu.Lock()
	defer m.feedMu.Unlock()
	m.clk = c
}

// Feed takes bytes the host wrote, split anywhere.
func (m *Model) Feed(p []byte) {
	m.feedMu.Lock()
	defer m.feedMu.Unlock()
	now := m.clk.Now()
	m.mu.Lock()
	if len(m.dec.buf) > 0 && now.Sub(m.lastIn) > FrameGap {
		m.garbage(len(m.dec.buf))
		m.dec.buf = m.dec.buf[:0]
	}
	m.lastIn = now
	m.dec.feed(p, m)
	if m.garbageRun > 0 {
		m.evs = append(m.evs, pendingEvent{"decode-error", map[string]any{"bytes": m.garbageRun}})
		m.garbageRun = 0
	}
	replies, evs := m.replies, m.evs
	m.replies, m.evs = nil, nil
	m.mu.Unlock()

	// Events go out before the replies, so that a host that has its ACK
	// finds the event already on the bus.
	if m.bus != nil {
		for _, e := range evs {
			m.bus.Publish(Device, e.kind, e.detail)
		}
	}
	for _, r := range replies {
		if m.host == nil {
			break
		}
		if _, err := m.host.Write(r); err != nil {
			m.mu.Lock()
			m.stats.WriteErrors++
			m.mu.Unlock()
		}
	}
}

// decodeSink, called by the decoder with mu held.

func (m *Model) garbage(n int) {
	if n <= 0 {
		return
	}
	m.stats.DecodeErrors++
	m.stats.Garbage += n
	m.garbageRun += n
}

func (m *Model) nak(seq, reason byte) {
	m.stats.NAKs++
	m.replies = append(m.replies, encodeFrame(seq, replyNAK, []byte{reason}))
	m.evs = append(m.evs, pendingEvent{"nak", map[string]any{"seq": int(seq), "reason": NakReason(reason)}})
}

func (m *Model) frame(f frame) {
	if m.last.ok && m.last.seq == f.seq && m.last.crc == f.crc {
		m.stats.Duplicates++
		m.replies = append(m.replies, m.last.reply)
		m.evs = append(m.evs, pendingEvent{"duplicate", map[string]any{"seq": int(f.seq), "cmd": cmdName(f.cmd)}})
		return
	}
	if m.busy > 0 {
		m.busy--
		m.nak(f.seq, NakBusy)
		return
	}
	reply, ev, reason := m.apply(f)
	if reason != 0 {
		m.nak(f.seq, reason)
		return
	}
	if reply == nil {
		reply = encodeFrame(f.seq, replyACK, nil)
	}
	m.stats.Frames++
	m.last.ok, m.last.seq, m.last.crc, m.last.reply = true, f.seq, f.crc, reply
	m.replies = append(m.replies, reply)
	ev.detail["seq"] = int(f.seq)
	ev.detail["cmd"] = cmdName(f.cmd)
	m.evs = append(m.evs, ev)
}

// BusyFor makes the display answer the next n new frames with NAK busy, as
// a controller does while it is still busy with a slow redraw.
func (m *Model) BusyFor(n int) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.busy = n
}

// Size is the screen's width and height in pixels.
func (m *Model) Size() (w, h int) { return m.w, m.h }

// Backlight is the backlight level, 0–100.
func (m *Model) Backlight() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.backlight
}

// Stats returns the decoder's counters.
func (m *Model) Stats() Stats {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.stats
}

// Snapshot returns a copy of the screen.
func (m *Model) Snapshot() *image.RGBA {
	m.mu.Lock()
	defer m.mu.Unlock()
	c := image.NewRGBA(m.fb.Rect)
	copy(c.Pix, m.fb.Pix)
	return c
}

// WritePNG writes the screen as a PNG image.
func (m *Model) WritePNG(w io.Writer) error {
	return png.Encode(w, m.Snapshot())
}
