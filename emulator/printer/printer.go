package printer

import (
	"io"
	"sync"

	"github.com/posemu/posemu/emulator/events"
	"github.com/posemu/posemu/profile"
)

// Device is the name the printer publishes events under.
const Device = "printer"

// statusAllClear is the DLE EOT reply of a ready printer: the fixed bits
// 0xx1xx10 with every condition bit clear.
const statusAllClear = 0x12

// Model is the emulated receipt printer.
type Model struct {
	profile profile.Printer
	host    io.Writer
	bus     *events.Bus

	mu      sync.Mutex
	raw     []byte
	pending []byte // an incomplete real-time request split across reads
}

// New returns a printer that answers on host and reports on bus.
func New(p profile.Printer, host io.Writer, bus *events.Bus) *Model {
	return &Model{profile: p, host: host, bus: bus}
}

// Feed takes bytes the host sent to the printer.
func (m *Model) Feed(p []byte) {
	m.mu.Lock()
	m.raw = append(m.raw, p...)
	data := append(m.pending, p...)
	m.pending = nil
	var replies []byte
	for i := 0; i < len(data); i++ {
		if data[i] != 0x10 {
			continue
		}
		if i+2 >= len(data) {
			m.pending = append([]byte(nil), data[i:]...)
			break
		}
		if data[i+1] == 0x04 && data[i+2] >= 1 && data[i+2] <= 4 {
			replies = append(replies, statusAllClear)
			i += 2
		}
	}
	m.mu.Unlock()
	if m.bus != nil {
		m.bus.Publish(Device, "data", map[string]any{"bytes": len(p)})
	}
	if len(replies) > 0 && m.host != nil {
		m.host.Write(replies) //nolint:errcheck // an unplugged printer answers nothing, as a real one
	}
}

// Raw returns a copy of every byte received since the last TearOff.
func (m *Model) Raw() []byte {
	m.mu.Lock()
	defer m.mu.Unlock()
	return append([]byte(nil), m.raw...)
}

// TearOff discards what has been received.
func (m *Model) TearOff() {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.raw = nil
}
