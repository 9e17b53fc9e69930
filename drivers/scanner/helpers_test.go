package scanner_test

import (
	"io"

	"github.com/posemu/posemu/emulator/ptydev"
	emscanner "github.com/posemu/posemu/emulator/scanner"
	"github.com/posemu/posemu/profile"
)

// rig is an emulated scanner on a real pty.
type rig struct {
	model *emscanner.Model
	dev   *ptydev.Device
}

func newRig(dir string, p profile.Scanner) (*rig, error) {
	var m *emscanner.Model
	dev, err := ptydev.Attach("scanner", dir, func(host io.Writer) func([]byte) {
		m = emscanner.New(p, host, nil)
		return m.Feed
	})
	if err != nil {
		return nil, err
	}
	return &rig{model: m, dev: dev}, nil
}
