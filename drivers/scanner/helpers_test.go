package scanner_test

import (
	"os"
	"sync"
	"syscall"

	"github.com/posemu/posemu/drivers/port"
	"github.com/posemu/posemu/emulator/ptydev"
	emscanner "github.com/posemu/posemu/emulator/scanner"
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
