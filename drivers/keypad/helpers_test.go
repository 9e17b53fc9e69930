package keypad_test

import (
	"bytes"
	"sync"

	emkeypad "github.com/posemu/posemu/emulator/keypad"
	"github.com/posemu/posemu/emulator/ptydev"
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

// rig is an emulated keypad on a real pty.
type rig struct {
	model *emkeypad.Model
	dev   *ptydev.Device
}

func newRig(dir string) (*rig, error) {
	fw := &forward{}
	m := emkeypad.New(profile.Default().Keypad, fw, nil)
	dev, err := ptydev.New("keypad", dir, m.Feed)
	if err != nil {
		return nil, err
	}
	fw.mu.Lock()
	fw.dev = dev
	fw.mu.Unlock()
	return &rig{model: m, dev: dev}, nil
}

// syncBuffer is a log sink safe for the reader goroutine and the test.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}
