package lcd_test

import (
	"bytes"
	"errors"
	"sync"
	"sync/atomic"

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
type devWriter struct{ dev atomic.Pointer[ptydev.Device] }

func (w *devWriter) Write(p []byte) (int, error) {
	d := w.dev.Load()
	if d == nil {
		return 0, errors.New("no pty yet")
	}
	return d.Write(p)
}

// tapPort records every write and may change or drop it before it reaches
// the line, to stand in for a noisy cable.
type tapPort struct {
	port.Port
	mu     sync.Mutex
	writes [][]byte
	mangle func(i int, p []byte) []byte
}

func (t *tapPort) Write(p []byte) (int, error) {
	t.mu.Lock()
	i := len(t.writes)
	t.writes = append(t.writes, bytes.Clone(p))
	mangle := t.mangle
	t.mu.Unlock()
	out := p
	if mangle != nil {
		out = mangle(i, bytes.Clone(p))
	}
	if len(out) > 0 {
		if _, err := t.Port.Write(out); err != nil {
			return 0, err
		}
	}
	return len(p), nil
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
}

// newRig starts a model on a pty (none when withModel is false: a display
// that never answers) and opens it with drivers/port.
func newRig(cfg lcd.Config, withModel bool) (*rig, error) {
	r := &rig{}
	var feed func([]byte)
	w := &devWriter{}
	if withModel {
		r.model = emu.New(lcdProfile, w, nil)
		feed = r.model.Feed
	}
	dev, err := ptydev.New("lcd", "", feed)
	if err != nil {
		return nil, err
	}
	w.dev.Store(dev)
	r.dev = dev
	p, err := port.Open(dev.Path())
	if err != nil {
		dev.Close()
		return nil, err
	}
	r.tap = &tapPort{Port: p}
	r.disp = lcd.New(r.tap, cfg)
	return r, nil
}

func (r *rig) close() {
	r.tap.Close()
	r.dev.Close()
}
