package scanner_test

import (
	"sync"

	"github.com/posemu/posemu/emulator/ptydev"
	emscanner "github.com/posemu/posemu/emulator/scanner"
	"github.com/posemu/posemu/profile"
)

// forward lets the model write to a device created after it.
type forward struct {
	mu  sync.Mutex
	dev *ptydev.Device
}

func (f *forward) Write(p []byte) (int, error) {
	f.mu.Lock()
	dev := f.dev
	f.mu.Unlock()
	return dev.Write(p)
}

// rig is an emulated scanner on a real pty.
type rig struct {
	model *emscanner.Model
	dev   *ptydev.Device
}

func newRig(dir string, p profile.Scanner) (*rig, error) {
	fw := &forward{}
	m := emscanner.New(p, fw, nil)
	dev, err := ptydev.New("scanner", dir, m.Feed)
	if err != nil {
		return nil, err
	}
	fw.mu.Lock()
	fw.dev = dev
	fw.mu.Unlock()
	return &rig{model: m, dev: dev}, nil
}
