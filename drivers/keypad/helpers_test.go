package keypad_test

import (
	"bytes"
	"os"
	"sync"
	"syscall"

	"github.com/posemu/posemu/drivers/port"
	emkeypad "github.com/posemu/posemu/emulator/keypad"
	"github.com/posemu/posemu/emulator/ptydev"
	"github.com/posemu/posemu/profile"
)

// filePort is the smallest port.Port over a pty slave, so these tests do
// not depend on drivers/port's opener.
type filePort struct {
	*os.File
	addr string
}

func (f filePort) Address() string { return f.addr }

func openPort(path string) (port.Port, error) {
	f, err := os.OpenFile(path, os.O_RDWR|syscall.O_NOCTTY, 0)
	if err != nil {
		return nil, err
	}
	return filePort{File: f, addr: path}, nil
}

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
