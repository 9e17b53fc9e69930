package printer_test

import (
	"bytes"
	"sync"
	"time"

	. "github.com/onsi/gomega"

	"github.com/posemu/posemu/clock"
	"github.com/posemu/posemu/emulator/events"
	"github.com/posemu/posemu/emulator/printer"
	"github.com/posemu/posemu/profile"
)

// epoch is the virtual time every test printer starts at.
var epoch = time.Date(2026, 11, 26, 9, 30, 0, 0, time.UTC)

// hostSide collects what the printer sends back.
type hostSide struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (h *hostSide) Write(p []byte) (int, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.buf.Write(p)
}

// take returns and forgets what came back so far.
func (h *hostSide) take() []byte {
	h.mu.Lock()
	defer h.mu.Unlock()
	out := append([]byte{}, h.buf.Bytes()...)
	h.buf.Reset()
	return out
}

// rig is a printer under test with its host side, bus and clock.
type rig struct {
	*printer.Model
	host  *hostSide
	bus   *events.Bus
	clock *clock.Virtual
}

func newRig(opts printer.Options) *rig {
	return newRigWith(profile.Default().Printer, opts)
}

func newRigWith(p profile.Printer, opts printer.Options) *rig {
	r := &rig{host: &hostSide{}, clock: clock.NewVirtual(epoch)}
	r.bus = events.NewBus(1<<14, r.clock.Now)
	if opts.Clock == nil {
		opts.Clock = r.clock
	}
	r.Model = printer.NewWithOptions(p, r.host, r.bus, opts)
	return r
}

func (r *rig) feed(parts ...[]byte) {
	for _, p := range parts {
		r.Feed(p)
	}
}

// events returns the published events of one kind.
func (r *rig) events(kind string) []events.Event {
	var out []events.Event
	for _, e := range r.bus.Since(0) {
		if e.Kind == kind {
			out = append(out, e)
		}
	}
	return out
}

// ask feeds a request and returns the reply bytes.
func (r *rig) ask(req ...byte) []byte {
	r.host.take()
	r.Feed(req)
	return r.host.take()
}

// cat joins byte strings.
func cat(parts ...any) []byte {
	var b []byte
	for _, p := range parts {
		switch v := p.(type) {
		case string:
			b = append(b, v...)
		case []byte:
			b = append(b, v...)
		case byte:
			b = append(b, v)
		case int:
			b = append(b, byte(v))
		default:
			panic("cat: unsupported part")
		}
	}
	return b
}

// ESC/POS building blocks for the tests: spelled out by hand, so the tests
// check the model against the manual, not against another codec.
var (
	escInit   = []byte{0x1B, 0x40}
	fullCut   = []byte{0x1D, 0x56, 0x00}
	partCut   = []byte{0x1D, 0x56, 0x01}
	gbOn      = []byte{0x1C, 0x26}
	gbOff     = []byte{0x1C, 0x2E}
	centre    = []byte{0x1B, 0x61, 0x01}
	left      = []byte{0x1B, 0x61, 0x00}
	right     = []byte{0x1B, 0x61, 0x02}
	boldOn    = []byte{0x1B, 0x45, 0x01}
	boldOff   = []byte{0x1B, 0x45, 0x00}
	ulOn      = []byte{0x1B, 0x2D, 0x01}
	ulOff     = []byte{0x1B, 0x2D, 0x00}
	invOn     = []byte{0x1D, 0x42, 0x01}
	invOff    = []byte{0x1D, 0x42, 0x00}
	dleEOT    = func(n byte) []byte { return []byte{0x10, 0x04, n} }
	gsSize    = func(w, h byte) []byte { return []byte{0x1D, 0x21, (w-1)<<4 | (h - 1)} }
	qrPayload = func(s string) []byte {
		n := len(s) + 3
		return cat([]byte{0x1D, 0x28, 0x6B, byte(n), byte(n >> 8), 0x31, 0x50, 0x30}, s)
	}
	qrPrint = []byte{0x1D, 0x28, 0x6B, 0x03, 0x00, 0x31, 0x51, 0x30}
	qrSize  = func(n byte) []byte { return []byte{0x1D, 0x28, 0x6B, 0x03, 0x00, 0x31, 0x43, n} }
)

// raster is GS v 0 for an image of w bytes by h rows, every byte fill.
func raster(w, h int, fill byte) []byte {
	b := []byte{0x1D, 0x76, 0x30, 0x00, byte(w), byte(w >> 8), byte(h), byte(h >> 8)}
	return append(b, bytes.Repeat([]byte{fill}, w*h)...)
}

// texts is the text of every line of the receipts.
func texts(rs []printer.Receipt) [][]string {
	var out [][]string
	for _, r := range rs {
		out = append(out, r.Text())
	}
	return out
}

// blackDots counts black dots in a rectangle of a raster.
func blackDots(r *printer.Model, id, x0, y0, x1, y1 int) int {
	img, err := r.Raster(id)
	Expect(err).NotTo(HaveOccurred())
	n := 0
	b := img.Bounds()
	for y := max(y0, b.Min.Y); y < min(y1, b.Max.Y); y++ {
		for x := max(x0, b.Min.X); x < min(x1, b.Max.X); x++ {
			if img.ColorIndexAt(x, y) == 1 {
				n++
			}
		}
	}
	return n
}

// smallRoll is the default 58 mm printer.
func smallRoll() profile.Printer { return profile.Default().Printer }
