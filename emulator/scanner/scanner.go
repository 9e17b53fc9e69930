package scanner

import (
	"errors"
	"fmt"
	"io"
	"sync"
	"sync/atomic"

	"github.com/posemu/posemu/emulator/events"
	"github.com/posemu/posemu/profile"
)

// Device is the name the model publishes its events under.
const Device = "scanner"

// AIMPrefix is the symbology identifier sent before every code when the
// profile enables AIM. The emulator scans every code as a QR code ("]Q1",
// QR Code, ECI protocol not implemented): payment codes are shown as QR
// codes and hosts only strip the identifier, so which one it is does not
// matter to them.
const AIMPrefix = "]Q1"

// DefaultMaxLength applies when the profile leaves max_length at zero.
const DefaultMaxLength = 128

// Model is one emulated scanner. It is safe for concurrent use.
type Model struct {
	p    profile.Scanner
	host io.Writer
	bus  *events.Bus

	mu      sync.Mutex // keeps whole scans in order on the wire
	scanned atomic.Int64
	fed     atomic.Int64
}

// New returns a scanner framed as p says; host receives the bytes the
// scanner sends and bus (which may be nil) records the scans.
func New(p profile.Scanner, host io.Writer, bus *events.Bus) *Model {
	if p.MaxLength <= 0 {
		p.MaxLength = DefaultMaxLength
	}
	return &Model{p: p, host: host, bus: bus}
}

// Profile returns the framing the model uses.
func (m *Model) Profile() profile.Scanner { return m.p }

// Scan sends one decoded code. The code must be 1 to MaxLength bytes of
// printable ASCII (0x20–0x7E): that is what a serial scanner in its
// default keyboard-compatible mode emits, and it keeps the suffix byte
// from ever appearing inside a code.
func (m *Model) Scan(code string) error {
	if err := m.check(code); err != nil {
		return err
	}
	frame := make([]byte, 0, len(m.p.Prefix)+len(AIMPrefix)+len(code)+len(m.p.Suffix))
	frame = append(frame, m.p.Prefix...)
	if m.p.AIM {
		frame = append(frame, AIMPrefix...)
	}
	frame = append(frame, code...)
	frame = append(frame, m.p.Suffix...)

	m.mu.Lock()
	defer m.mu.Unlock()
	if _, err := m.host.Write(frame); err != nil {
		return fmt.Errorf("scanner: scan of %d-byte code: %w", len(code), err)
	}
	m.scanned.Add(1)
	if m.bus != nil {
		// The code itself is published because scenarios assert on it; a
		// payment code is a one-time token that expires within minutes,
		// unlike a PIN, which never goes on the bus.
		m.bus.Publish(Device, "scan", map[string]any{"code": code, "length": len(code)})
	}
	return nil
}

func (m *Model) check(code string) error {
	if code == "" {
		return errors.New("scanner: empty code")
	}
	if len(code) > m.p.MaxLength {
		return fmt.Errorf("scanner: code is %d bytes, longer than the profile's max_length %d", len(code), m.p.MaxLength)
	}
	for i := 0; i < len(code); i++ {
		if c := code[i]; c < 0x20 || c > 0x7E {
			return fmt.Errorf("scanner: code has non-printable byte 0x%02X at offset %d (only printable ASCII is scanned)", c, i)
		}
	}
	return nil
}

// Feed takes bytes the host wrote to the scanner; they are only counted.
func (m *Model) Feed(p []byte) { m.fed.Add(int64(len(p))) }

// Fed is how many bytes the host has written to the scanner.
func (m *Model) Fed() int64 { return m.fed.Load() }

// Scanned is how many codes reached the host writer.
func (m *Model) Scanned() int64 { return m.scanned.Load() }
