package keypad

import (
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/posemu/posemu/emulator/events"
	"github.com/posemu/posemu/profile"
)

// Device is the name the model publishes its events under.
const Device = "keypad"

// Model is one emulated keypad. It is safe for concurrent use.
type Model struct {
	keys []profile.Key
	host io.Writer
	bus  *events.Bus

	// pressMu keeps the keys of one Press call together on the wire when
	// several goroutines press at once. Feed does not take it: a write can
	// block while the host is not reading, and the pty's reader must not
	// wait behind it.
	pressMu sync.Mutex
	pressed atomic.Int64
	fed     atomic.Int64
}

// New returns a keypad with the key map p; host receives the bytes the
// keypad sends and bus (which may be nil) records the presses.
func New(p profile.Keypad, host io.Writer, bus *events.Bus) *Model {
	return &Model{keys: append([]profile.Key(nil), p.Keys...), host: host, bus: bus}
}

// Keys returns the key map, in profile order.
func (m *Model) Keys() []profile.Key { return append([]profile.Key(nil), m.keys...) }

// Press sends the named keys in order (names are case-insensitive). If any
// name is unknown nothing is sent. A write error (the device is unplugged,
// or the host is not reading) stops the sequence; the keys before it were
// sent.
func (m *Model) Press(keys ...string) error {
	if len(keys) == 0 {
		return errors.New("keypad: no keys to press")
	}
	resolved := make([]profile.Key, len(keys))
	for i, name := range keys {
		k, ok := m.lookup(name)
		if !ok {
			return fmt.Errorf("keypad: unknown key %q (valid: %s)", name, strings.Join(m.names(), ", "))
		}
		resolved[i] = k
	}
	m.pressMu.Lock()
	defer m.pressMu.Unlock()
	for i, k := range resolved {
		if _, err := m.host.Write([]byte{k.Code}); err != nil {
			return fmt.Errorf("keypad: press %s (key %d of %d): %w", k.Name, i+1, len(resolved), err)
		}
		m.pressed.Add(1)
		if m.bus != nil {
			m.bus.Publish(Device, "key", map[string]any{"key": k.Name, "code": int(k.Code)})
		}
	}
	return nil
}

// PressSequence is Press(ParseSequence(s)...).
func (m *Model) PressSequence(s string) error {
	keys, err := ParseSequence(s)
	if err != nil {
		return err
	}
	return m.Press(keys...)
}

// Feed takes bytes the host wrote to the keypad. A keypad has nothing to
// say to them, but counting them lets a test notice a driver that talks to
// an input-only device.
func (m *Model) Feed(p []byte) { m.fed.Add(int64(len(p))) }

// Fed is how many bytes the host has written to the keypad.
func (m *Model) Fed() int64 { return m.fed.Load() }

// Pressed is how many key presses reached the host writer.
func (m *Model) Pressed() int64 { return m.pressed.Load() }

func (m *Model) lookup(name string) (profile.Key, bool) {
	for _, k := range m.keys {
		if strings.EqualFold(k.Name, name) {
			return k, true
		}
	}
	return profile.Key{}, false
}

func (m *Model) names() []string {
	out := make([]string, len(m.keys))
	for i, k := range m.keys {
		out[i] = k.Name
	}
	return out
}

// ParseSequence turns what a person would type into key names: tokens are
// separated by spaces; a token made only of digits and '.' is typed one
// character at a time ("12.50" → 1 2 . 5 0), except the token "00", which is
// the double-zero key; any other token is a key name ("ENTER", "cancel")
// and is checked only when pressed, so the same text works with any
// profile's key map.
func ParseSequence(s string) ([]string, error) {
	var out []string
	for _, tok := range strings.Fields(s) {
		if tok == "00" || !typed(tok) {
			out = append(out, tok)
			continue
		}
		for _, c := range tok {
			out = append(out, string(c))
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("keypad: sequence %q has no keys", s)
	}
	return out, nil
}

func typed(tok string) bool {
	for _, c := range tok {
		if (c < '0' || c > '9') && c != '.' {
			return false
		}
	}
	return true
}
