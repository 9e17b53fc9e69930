package custdisplay

import (
	"strings"
	"sync"
	"unicode"

	"golang.org/x/text/encoding/charmap"

	"github.com/posemu/posemu/emulator/events"
	"github.com/posemu/posemu/profile"
)

// Device is the name the model publishes its events under.
const Device = "custdisplay"

// Scroll modes, as Mode reports them.
const (
	ModeOverwrite  = "overwrite"  // US MD1 / ESC DC1
	ModeVertical   = "vertical"   // US MD2 / ESC DC2
	ModeHorizontal = "horizontal" // US MD3 / ESC DC3
)

// Lamp states of the 8-digit LED type (ESC s '0'..'4').
const (
	LampOff    = "off"
	LampPrice  = "price"
	LampTotal  = "total"
	LampPaid   = "paid"
	LampChange = "change"
)

// Stats counts what the model received.
type Stats struct {
	Bytes        int64 // bytes fed
	DecodeErrors int64 // unknown sequences and stray control bytes
	Ignored      int64 // well-formed commands whose parameters were out of range
}

// Model is one emulated customer display. It is safe for concurrent use.
type Model struct {
	mu         sync.Mutex
	bus        *events.Bus
	cols, rows int
	commandSet string

	cells      [][]rune
	col, row   int  // 0-based
	owed       bool // a character went into the last column; the wrap is owed
	cursorOn   bool
	brightness int
	mode       string
	lamp       string
	marquee    string
	table      *charmap.Charmap

	stats Stats
	dec   decoder
}

// New returns a display as it is at power on. A zero size falls back to
// 20×2; sizes are capped at 255 because positions travel as one byte.
func New(p profile.CustDisplay, bus *events.Bus) *Model {
	m := &Model{bus: bus, cols: p.Columns, rows: p.Rows, commandSet: p.CommandSet}
	if m.cols <= 0 {
		m.cols = 20
	}
	if m.rows <= 0 {
		m.rows = 2
	}
	m.cols, m.rows = min(m.cols, 255), min(m.rows, 255)
	m.cells = make([][]rune, m.rows)
	for i := range m.cells {
		m.cells[i] = make([]rune, m.cols)
	}
	m.initialize()
	return m
}

// initialize is ESC @: power-on settings, screen cleared, cursor home.
func (m *Model) initialize() {
	m.clearAll()
	m.cursorOn = true
	m.brightness = 4
	m.mode = ModeOverwrite
	m.lamp = LampOff
	m.marquee = ""
	m.table = charmap.CodePage437
}

// Reset is a power cycle: settings, screen and a half-received command are
// all forgotten. Counters are kept.
func (m *Model) Reset() {
	m.mu.Lock()
	defer m.mu.Unlock()
	before := m.snapshot()
	m.dec = decoder{}
	m.initialize()
	m.publishIfChanged(before)
}

// Feed decodes bytes the host wrote; p may end in the middle of a command.
func (m *Model) Feed(p []byte) {
	if len(p) == 0 {
		return
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	before := m.snapshot()
	for i := 0; i < len(p); {
		if m.step(p[i]) {
			i++
			m.stats.Bytes++
		}
	}
	m.publishIfChanged(before)
}

// Lines returns each line with trailing blanks trimmed.
func (m *Model) Lines() []string {
	m.mu.Lock()
	defer m.mu.Unlock()
	out := make([]string, m.rows)
	for i, r := range m.cells {
		out[i] = strings.TrimRight(string(r), " ")
	}
	return out
}

// Cells returns a copy of the screen, Rows lines of exactly Columns runes.
func (m *Model) Cells() [][]rune {
	m.mu.Lock()
	defer m.mu.Unlock()
	out := make([][]rune, m.rows)
	for i, r := range m.cells {
		out[i] = append([]rune(nil), r...)
	}
	return out
}

// Size returns the number of columns and rows.
func (m *Model) Size() (cols, rows int) { return m.cols, m.rows }

// CommandSet is the profile's command set ("dmd" or "cd5220").
func (m *Model) CommandSet() string { return m.commandSet }

// Cursor returns the 1-based cursor position.
func (m *Model) Cursor() (col, row int) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.col + 1, m.row + 1
}

// CursorVisible reports whether the cursor is shown (US C n / ESC _ n).
func (m *Model) CursorVisible() bool {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.cursorOn
}

// Brightness is the level 1 (dim) to 4 (brightest).
func (m *Model) Brightness() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.brightness
}

// Mode is one of ModeOverwrite, ModeVertical, ModeHorizontal.
func (m *Model) Mode() string {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.mode
}

// Lamp is the lit lamp of the LED type: one of the Lamp constants.
func (m *Model) Lamp() string {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.lamp
}

// Marquee is the scrolling upper-line message (ESC Q D) while it runs, or "".
func (m *Model) Marquee() string {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.marquee
}

// Stats returns the counters.
func (m *Model) Stats() Stats {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.stats
}

// state is everything an "update" event reports; comparing two tells
// whether a Feed changed anything the customer could see.
type state struct {
	screen, mode, lamp, marquee string
	col, row, brightness        int
	cursorOn                    bool
}

func (m *Model) snapshot() state {
	var b strings.Builder
	for _, r := range m.cells {
		b.WriteString(string(r))
		b.WriteByte('\n')
	}
	return state{screen: b.String(), mode: m.mode, lamp: m.lamp, marquee: m.marquee,
		col: m.col, row: m.row, brightness: m.brightness, cursorOn: m.cursorOn}
}

// publishIfChanged sends one "update" per Feed, so a 40-byte line write
// is one event and not forty.
func (m *Model) publishIfChanged(before state) {
	if m.bus == nil || m.snapshot() == before {
		return
	}
	lines := make([]string, m.rows)
	for i, r := range m.cells {
		lines[i] = strings.TrimRight(string(r), " ")
	}
	m.bus.Publish(Device, "update", map[string]any{
		"lines":          lines,
		"cursor":         []int{m.col + 1, m.row + 1},
		"cursor_visible": m.cursorOn,
		"brightness":     m.brightness,
		"mode":           m.mode,
		"lamp":           m.lamp,
		"marquee":        m.marquee,
	})
}

// glyph maps a byte ≥ 0x80 through the code table; positions the table
// leaves undefined show as '?', as an unprogrammed font cell would.
func (m *Model) glyph(b byte) rune {
	r := m.table.DecodeByte(b)
	if r == unicode.ReplacementChar || !unicode.IsPrint(r) {
		return '?'
	}
	return r
}
