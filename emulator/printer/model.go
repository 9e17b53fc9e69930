package printer

import (
	"io"
	"sync"

	"github.com/posemu/posemu/clock"
	"github.com/posemu/posemu/emulator/events"
	"github.com/posemu/posemu/profile"
)

// Device is the name the printer publishes events under.
const Device = "printer"

// Defaults of Options.
const (
	DefaultMaxReceipts    = 256
	DefaultMaxReceiptDots = 16384    // about 2 m of paper at 8 dots/mm
	DefaultMaxKeptBytes   = 64 << 20 // all kept receipts together
	maxReceiptCost        = 8 << 20  // one receipt's text, runs and images
)

// Options tune a Model beyond its profile.
type Options struct {
	// Clock stamps receipts; nil means the wall clock.
	Clock clock.Clock
	// SingleByte starts the printer in single-byte mode, as Epson-style
	// printers do: bytes 0x80–0xFF are characters of the code table (ESC
	// t). The default, false, is a Chinese printer, which starts (and
	// returns on ESC @) in 2-byte GB mode, where such bytes pair up into
	// GB2312/GBK characters until FS . leaves the mode.
	SingleByte bool
	// MaxReceipts is how many cut receipts are kept; the oldest go first.
	// 0 means DefaultMaxReceipts.
	MaxReceipts int
	// MaxReceiptDots bounds one receipt's length: paper printed beyond it
	// without a cut closes the receipt (Cut "overflow") and starts the
	// next, so memory stays bounded whatever the host sends. 0 means
	// DefaultMaxReceiptDots.
	MaxReceiptDots int
	// MaxKeptBytes bounds the memory of all kept receipts together; the
	// oldest cut receipts go first. 0 means DefaultMaxKeptBytes.
	MaxKeptBytes int
}

// DecodeError is a malformed or unknown command in the host's stream.
type DecodeError struct {
	Offset int64  `json:"offset"` // from the first byte the printer received
	Msg    string `json:"error"`
}

func (e DecodeError) Error() string { return e.Msg }

// Model is the emulated receipt printer. It is safe for concurrent use.
type Model struct {
	profile profile.Printer
	opts    Options
	host    io.Writer
	bus     *events.Bus

	mu sync.Mutex
	// wmu orders replies to the host: taken before mu is released, so two
	// callers' replies go out in the order they were made.
	wmu sync.Mutex
	out []byte // replies not yet written

	dec  decoder // executes the stream
	scan decoder // while offline: finds real-time requests ahead of dec

	// Receive buffer: bytes that came while offline, executed on resume.
	rx     []byte
	rxTail int64 // bytes dropped since rx filled up
	// clearMark is where a buffer clear during the current offline Feed
	// took effect; -1 if none did.
	clearMark int64
	dropped   int64

	faults  faults
	asbMask byte
	asbLast [4]byte

	st    style
	ank   look  // how single-byte characters print now: st, worked out
	wlk   look  // how 2-byte characters print now
	lnSp  int32 // line spacing in dots
	align uint8
	left  int32 // left margin (GS L)
	width int32 // print area width (GS W)
	tabs  [32]int32
	ntabs int
	table byte // ESC t
	intl  byte // ESC R
	off   bool // ESC = 0: the printer ignores everything but ESC =
	page  bool // ESC L … FF/ESC S: page mode, laid out as standard mode

	hri     uint8 // GS H
	hriFont uint8 // GS f
	barH    int32 // GS h
	barW    int32 // GS w

	qrModel byte
	qrSize  int32
	qrLevel byte
	qrData  []byte

	ln    lineBuf
	dat   dataState
	gfx   graphics // GS ( L graphics buffer
	roll  *roll
	done  []*roll // cut receipts, oldest first
	spare *roll   // the last evicted receipt, whose pools the next one reuses
	kept  int     // their cost
	next  int     // id of the next receipt

	stats    Stats
	errs     []DecodeError // the last few
	feedErrs int           // decode errors in the current Feed call

	glyphs   *glyphCache
	codePage map[byte]*[128]rune
}

// Stats counts what the printer received and did.
type Stats struct {
	Received     int64 `json:"received"`      // bytes from the host
	DecodeErrors int64 `json:"decode_errors"` // malformed or unknown commands
	Dropped      int64 `json:"dropped"`       // bytes lost to a full receive buffer
	Receipts     int64 `json:"receipts"`      // cuts (and overflows) so far
	Evicted      int64 `json:"evicted"`       // cut receipts dropped to stay within the limits
}

// New returns a printer at power on that answers on host and reports on
// bus; either may be nil.
func New(p profile.Printer, host io.Writer, bus *events.Bus) *Model {
	return NewWithOptions(p, host, bus, Options{})
}

// NewWithOptions is New with options.
func NewWithOptions(p profile.Printer, host io.Writer, bus *events.Bus, opts Options) *Model {
	if p.Dots <= 0 {
		p.Dots = 384
	}
	if p.ReceiveBuffer <= 0 {
		p.ReceiveBuffer = 4096
	}
	if opts.Clock == nil {
		opts.Clock = clock.Real()
	}
	if opts.MaxReceipts <= 0 {
		opts.MaxReceipts = DefaultMaxReceipts
	}
	if opts.MaxReceiptDots <= 0 {
		opts.MaxReceiptDots = DefaultMaxReceiptDots
	}
	if opts.MaxKeptBytes <= 0 {
		opts.MaxKeptBytes = DefaultMaxKeptBytes
	}
	m := &Model{profile: p, opts: opts, host: host, bus: bus, glyphs: newGlyphCache(), codePage: map[byte]*[128]rune{}}
	m.dec = decoder{s: m, gb: !opts.SingleByte, gbInit: !opts.SingleByte}
	m.next = 1
	m.roll = m.newRoll()
	m.initialize()
	m.asbLast = m.asbStatus()
	return m
}

// Feed takes bytes the host sent to the printer, split anywhere.
func (m *Model) Feed(p []byte) {
	m.mu.Lock()
	m.stats.Received += int64(len(p))
	m.feedErrs = 0
	if !m.faults.offline() && len(m.rx) == 0 {
		m.dec.feed(p)
	} else {
		m.receiveOffline(p)
	}
	m.flush()
}

// receiveOffline keeps p for later, as far as the receive buffer goes, and
// acts on the real-time requests in it now.
func (m *Model) receiveOffline(p []byte) {
	base := m.scan.off
	m.clearMark = -1
	m.scan.feed(p)
	if m.clearMark >= base {
		p = p[m.clearMark-base:]
	}
	room := m.profile.ReceiveBuffer - len(m.rx)
	if room >= len(p) && m.rxTail == 0 {
		m.rx = append(m.rx, p...)
		return
	}
	// The rest is lost: a real printer whose host ignores BUSY (a pty has
	// no handshake lines) drops it the same way.
	room = max(room, 0)
	if m.rxTail == 0 {
		m.rx = append(m.rx, p[:room]...)
	} else {
		room = 0
	}
	lost := int64(len(p) - room)
	m.rxTail += lost
	m.dropped += lost
	m.stats.Dropped += lost
	m.publish("overflow", func() map[string]any {
		return map[string]any{"dropped": lost, "dropped_total": m.dropped, "buffer": m.profile.ReceiveBuffer}
	})
}

// goOffline starts scanning ahead: from here the host's bytes are kept,
// not printed, and a copy of the decoder finds the real-time requests in
// them, so it agrees with the executing decoder about where a command's
// parameters are.
func (m *Model) goOffline() {
	m.scan = m.dec
	m.scan.scan, m.scan.replay = true, false
}

// resume prints what was kept while offline. Its real-time requests were
// answered on receipt and are not answered again.
func (m *Model) resume() {
	data := m.rx
	m.rx = nil
	m.dec.replay = true
	m.dec.feed(data)
	m.dec.replay = false
	// Bytes the buffer had no room for never reach the decoder; offsets
	// stay those of the host's stream.
	m.dec.off += m.rxTail
	m.rxTail = 0
}

// clearBuffers is DLE ENQ 2 and DLE DC4 8: the receive buffer and the
// line being composed are discarded and decoding starts afresh at stream
// offset after (the byte after the request).
func (m *Model) clearBuffers(after int64) {
	m.rx = m.rx[:0]
	m.rxTail = 0
	m.ln.reset()
	m.dec.state = stGround
	if m.faults.offline() {
		// The request was found by the scan, inside a Feed whose earlier
		// bytes must not be kept either.
		m.dec.off = after
		m.scan.state = stGround
		m.scan.gb = m.dec.gb
		m.clearMark = after
	}
}

// flush releases the lock and writes the replies made under it, in order.
func (m *Model) flush() {
	out := m.out
	m.out = nil
	if len(out) == 0 || m.host == nil {
		m.mu.Unlock()
		return
	}
	m.wmu.Lock()
	m.mu.Unlock()
	defer m.wmu.Unlock()
	// An unplugged printer's answers go nowhere, as a real one's would.
	m.host.Write(out) //nolint:errcheck
}

func (m *Model) reply(b ...byte) { m.out = append(m.out, b...) }

// publish builds the event's detail only when there is a bus to take it.
func (m *Model) publish(kind string, detail func() map[string]any) {
	if m.bus != nil {
		m.bus.Publish(Device, kind, detail())
	}
}

// maxEventsPerFeed bounds decode-error events from one Feed call, so line
// noise cannot flood the bus; Stats and DecodeErrors count them all.
const maxEventsPerFeed = 4

// maxErrs is how many decode errors DecodeErrors remembers.
const maxErrs = 64

func (m *Model) decodeError(off int64, msg string) {
	m.stats.DecodeErrors++
	if len(m.errs) == maxErrs {
		copy(m.errs, m.errs[1:])
		m.errs = m.errs[:maxErrs-1]
	}
	m.errs = append(m.errs, DecodeError{Offset: off, Msg: msg})
	m.feedErrs++
	if m.feedErrs <= maxEventsPerFeed {
		m.publish("decode-error", func() map[string]any { return map[string]any{"offset": off, "error": msg} })
	}
}

// DecodeErrors returns the most recent decode errors, oldest first.
func (m *Model) DecodeErrors() []DecodeError {
	m.mu.Lock()
	defer m.mu.Unlock()
	return append([]DecodeError(nil), m.errs...)
}

// Stats returns the counters.
func (m *Model) Stats() Stats {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.stats
}

// Width is the paper width in dots.
func (m *Model) Width() int { return m.profile.Dots }
