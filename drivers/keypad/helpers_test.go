package keypad_test

import (
	"bytes"
	"io"
	"sync"

	emkeypad "github.com/posemu/posemu/emulator/keypad"
	"github.com/posemu/posemu/emulator/ptydev"
	"github.com/posemu/posemu/profile"
)

// rig is an emulated keypad on a real pty.
type rig struct {
	model *emkeypad.Model
	dev   *ptydev.Device
}

func newRig(dir string) (*rig, error) {
	var m *emkeypad.Model
	dev, err := ptydev.Attach("keypad", dir, func(host io.Writer) func([]byte) {
		m = emkeypad.New(profile.Default().Keypad, host, nil)
		return m.Feed
	})
	if err != nil {
		return nil, err
	}
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
