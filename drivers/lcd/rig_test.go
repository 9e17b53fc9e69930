package lcd_test

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"sync"
	"sync/atomic"
	"time"

	"github.com/posemu/posemu/clock"
	"github.com/posemu/posemu/drivers/lcd"
	"github.com/posemu/posemu/drivers/port"
	emu "github.com/posemu/posemu/emulator/lcd"
	"github.com/posemu/posemu/emulator/ptydev"
	"github.com/posemu/posemu/profile"
)

// These tests run the driver against the emulator's model over a real pty:
// the only place where drivers/ code meets emulator/ code is here, in
// tests, so each side is checked against the other's independent reading
// of docs/protocols/lcd.md.

var lcdProfile = profile.LCD{Width: 320, Height: 240, Firmware: "posemu-lcd 1.0", Baud: 115200}

// devWriter forwards the model's replies to the pty once it exists.
// tapPort records every write and may change or drop it before it reaches
// the line, to stand in for a noisy cable.
//
// A frame it drops or cuts short cannot be answered, so the read that
// waits for that answer times out at once instead of after the driver's
// Timeout: the driver sees what a real deadline would give it, and the
// specs can give every answer they do expect a generous Timeout without
// paying it for each lost frame. The write after a cut one first lets
// the display see a silent line for longer than its frame gap (on the
// model's own clock), as the driver's wait would have.
type tapPort struct {
	port.Port
	mu     sync.Mutex
	writes [][]byte
	mangle func(i int, p []byte) []byte

	sent       int64 // bytes that went onto the line
	short      bool  // the last frame reached the display cut short or not at all
	unanswered bool  // and the read waiting for its answer has not yet been told
	silence    func(sent int64)
}

// errUnanswered is the read timeout for a frame that never arrived whole.
var errUnanswered = fmt.Errorf("tap: the frame did not reach the display whole, so nothing answers it: %w", os.ErrDeadlineExceeded)

func (t *tapPort) Write(p []byte) (int, error) {
	t.mu.Lock()
	i := len(t.writes)
	t.writes = append(t.writes, bytes.Clone(p))
	mangle, after, sent, silence := t.mangle, t.short, t.sent, t.silence
	t.mu.Unlock()
	if after && silence != nil {
		silence(sent)
	}
	out := p
	if mangle != nil {
		out = mangle(i, bytes.Clone(p))
	}
	t.mu.Lock()
	t.short = len(out) < len(p)
	t.unanswered = t.short
	t.sent += int64(len(out))
	t.mu.Unlock()
	if len(out) > 0 {
		if _, err := t.Port.Write(out); err != nil {
			return 0, err
		}
	}
	return len(p), nil
}

func (t *tapPort) Read(p []byte) (int, error) {
	t.mu.Lock()
	unanswered := t.unanswered
	t.unanswered = false
	t.mu.Unlock()
	if unanswered {
		return 0, errUnanswered
	}
	return t.Port.Read(p)
}

func (t *tapPort) written() [][]byte {
	t.mu.Lock()
	defer t.mu.Unlock()
	return append([][]byte(nil), t.writes...)
}

type rig struct {
	model *emu.Model
	dev   *ptydev.Device
	tap   *tapPort
	disp  *lcd.Display
	// clk is the model's clock for its inter-byte frame gap: it moves only
	// when a spec says the line went quiet, so a frame the pty hands over
	// in pieces on a loaded machine is never abandoned half way.
	clk *clock.Virtual
	fed atomic.Int64 // bytes the model has taken in
}

// newRig starts a model on a pty (none when withModel is false: a display
// that never answers) and opens it with drivers/port.
func newRig(cfg lcd.Config, withModel bool) (*rig, error) {
	r := &rig{clk: clock.NewVirtual(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))}
	dev, err := ptydev.Attach("lcd", "", func(host io.Writer) func([]byte) {
		if !withModel {
			return nil
		}
		r.model = emu.New(lcdProfile, host, nil)
		r.model.SetClock(r.clk)
		return func(p []byte) {
			r.model.Feed(p)
			r.fed.Add(int64(len(p)))
		}
	})
	if err != nil {
		return nil, err
	}
	r.dev = dev
	p, err := port.Open(dev.Path())
	if err != nil {
		dev.Close()
		return nil, err
	}
	r.tap = &tapPort{Port: p, silence: r.silence}
	r.disp = lcd.New(r.tap, cfg)
	return r, nil
}

// silence lets the line go quiet past the frame gap once the model has
// taken in the sent bytes (a partial frame among them), so that it drops
// the partial frame before the next one arrives.
func (r *rig) silence(sent int64) {
	if r.model == nil {
		return
	}
	for give := time.Now().Add(10 * time.Second); r.fed.Load() < sent && time.Now().Before(give); {
		time.Sleep(time.Millisecond) // a condition polled, not a guess: the pty's delivery
	}
	r.clk.Advance(emu.FrameGap + time.Millisecond)
}

func (r *rig) close() {
	r.tap.Close()
	r.dev.Close()
}
