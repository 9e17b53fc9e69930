package custdisplay

import (
	"fmt"

	"golang.org/x/text/encoding/charmap"
)

// The decoder is a byte-at-a-time state machine, so a command split across
// Feed calls anywhere decodes exactly as if it came in one piece.

const (
	stGround  = iota
	stESC     // after 1B
	stUS      // after 1F
	stArgs    // collecting a command's fixed parameter bytes
	stBracket // after 1B 5B (CD5220 ESC [ x cursor moves)
	stQ       // after 1B 51 (CD5220 ESC Q x)
	stString  // text of ESC Q A/B/D, up to CR
)

// maxMarquee bounds an ESC Q D message; the CD5220 manual allows < 40.
const maxMarquee = 40

type decoder struct {
	state  int
	seq    []byte // the command's bytes so far, without ESC Q text
	start  int64  // stream offset of seq[0]
	cmd    command
	target byte // 'A', 'B' or 'D' of ESC Q
	text   []rune
}

// command is an ESC or US command with a fixed number of parameter bytes.
// run returns why it was ignored, or "" when it took effect.
type command struct {
	args int
	run  func(m *Model, a []byte) string
}

func noEffect(*Model, []byte) string { return "" }

var escCommands = map[byte]command{
	0x40: {0, func(m *Model, _ []byte) string { m.initialize(); return "" }}, // ESC @
	0x73: {1, (*Model).setLamp},                                              // ESC s n (LED type)
	0x6C: {2, (*Model).cursorTo},                                             // ESC l x y (CD5220)
	0x11: {0, mode(ModeOverwrite)},                                           // ESC DC1
	0x12: {0, mode(ModeVertical)},                                            // ESC DC2
	0x13: {0, mode(ModeHorizontal)},                                          // ESC DC3
	0x5F: {1, (*Model).setCursorOn},                                          // ESC _ n
	0x2A: {1, (*Model).setBrightness},                                        // ESC * n
	0x74: {1, (*Model).setTable},                                             // ESC t n
	// Accepted but not modelled: international set, peripheral select,
	// user-defined set select/delete, CD5220 font selects.
	0x52: {1, noEffect}, 0x3D: {1, noEffect}, 0x25: {1, noEffect},
	0x3F: {1, noEffect}, 0x66: {1, noEffect}, 0x63: {1, noEffect},
}

var usCommands = map[byte]command{
	0x01: {0, mode(ModeOverwrite)},                                                      // US MD1
	0x02: {0, mode(ModeVertical)},                                                       // US MD2
	0x03: {0, mode(ModeHorizontal)},                                                     // US MD3
	0x0A: {0, func(m *Model, _ []byte) string { m.up(); return "" }},                    // US LF
	0x0D: {0, func(m *Model, _ []byte) string { m.moveTo(m.cols-1, m.row); return "" }}, // US CR
	0x42: {0, func(m *Model, _ []byte) string { m.moveTo(0, m.rows-1); return "" }},     // US B
	0x24: {2, (*Model).cursorTo},                                                        // US $ x y
	0x43: {1, (*Model).setCursorOn},                                                     // US C n
	0x58: {1, (*Model).setBrightness},                                                   // US X n
	0x40: {0, func(m *Model, _ []byte) string { m.initialize(); return "" }},            // US @ self-test ends initialised
	// Accepted but not modelled: blink, reverse, DTR status, annunciator
	// (the DM-D110 ignores US # itself).
	0x45: {1, noEffect}, 0x72: {1, noEffect}, 0x76: {1, noEffect}, 0x23: {2, noEffect},
}

// bracketMoves are the CD5220 ESC [ x cursor moves.
var bracketMoves = map[byte]func(m *Model){
	'D': (*Model).left,
	'C': (*Model).right,
	'A': (*Model).up,
	'B': (*Model).down,
	'H': func(m *Model) { m.moveTo(0, 0) },
	'L': func(m *Model) { m.moveTo(0, m.row) },
	'R': func(m *Model) { m.moveTo(m.cols-1, m.row) },
	'K': func(m *Model) { m.moveTo(0, m.rows-1) },
}

func mode(name string) func(*Model, []byte) string {
	return func(m *Model, _ []byte) string { m.mode = name; return "" }
}

func (m *Model) cursorTo(a []byte) string {
	x, y := int(a[0]), int(a[1])
	if x < 1 || x > m.cols || y < 1 || y > m.rows {
		return fmt.Sprintf("cursor position (%d,%d) outside 1–%d × 1–%d", x, y, m.cols, m.rows)
	}
	m.moveTo(x-1, y-1)
	return ""
}

func (m *Model) setCursorOn(a []byte) string {
	switch a[0] {
	case 0, '0':
		m.cursorOn = false
	case 1, '1':
		m.cursorOn = true
	default:
		return fmt.Sprintf("cursor display %d is not 0 or 1", a[0])
	}
	return ""
}

func (m *Model) setBrightness(a []byte) string {
	if a[0] < 1 || a[0] > 4 {
		return fmt.Sprintf("brightness %d outside 1–4", a[0])
	}
	m.brightness = int(a[0])
	return ""
}

func (m *Model) setLamp(a []byte) string {
	lamps := []string{LampOff, LampPrice, LampTotal, LampPaid, LampChange}
	if a[0] < '0' || a[0] > '4' {
		return fmt.Sprintf("lamp %#02x is not '0'–'4'", a[0])
	}
	m.lamp = lamps[a[0]-'0']
	return ""
}

// codeTables are the ESC t pages of the DM-D character tables that x/text
// has; page 1 (Katakana) and the rest are ignored.
var codeTables = map[byte]*charmap.Charmap{
	0: charmap.CodePage437, 2: charmap.CodePage850, 3: charmap.CodePage860,
	4: charmap.CodePage863, 5: charmap.CodePage865, 16: charmap.Windows1252,
	17: charmap.CodePage866, 18: charmap.CodePage852, 19: charmap.CodePage858,
}

func (m *Model) setTable(a []byte) string {
	t, ok := codeTables[a[0]]
	if !ok {
		return fmt.Sprintf("code table %d not modelled", a[0])
	}
	m.table = t
	return ""
}

// step decodes one byte. It returns false when b ended a malformed command
// without belonging to it: the caller then decodes b again from ground.
func (m *Model) step(b byte) bool {
	d := &m.dec
	switch d.state {
	case stGround:
		m.ground(b)
	case stESC, stUS:
		table, what := escCommands, "ESC"
		if d.state == stUS {
			table, what = usCommands, "US"
		}
		if d.state == stESC && b == 'Q' {
			d.seq, d.state = append(d.seq, b), stQ
			return true
		}
		if d.state == stESC && b == '[' {
			d.seq, d.state = append(d.seq, b), stBracket
			return true
		}
		c, ok := table[b]
		if !ok {
			return m.unknown(b, "unknown "+what+" sequence")
		}
		d.seq, d.cmd = append(d.seq, b), c
		if c.args == 0 {
			m.execute()
		} else {
			d.state = stArgs
		}
	case stArgs:
		d.seq = append(d.seq, b)
		if len(d.seq) == 2+d.cmd.args {
			m.execute()
		}
	case stBracket:
		mv, ok := bracketMoves[b]
		if !ok {
			return m.unknown(b, "unknown ESC [ cursor move")
		}
		mv(m)
		d.state = stGround
	case stQ:
		if b != 'A' && b != 'B' && b != 'D' {
			return m.unknown(b, "unknown ESC Q line")
		}
		d.seq, d.target, d.text, d.state = append(d.seq, b), b, d.text[:0], stString
	case stString:
		return m.stringByte(b)
	}
	return true
}

func (m *Model) ground(b byte) {
	if m.marquee != "" {
		m.stopMarquee()
	}
	d := &m.dec
	switch {
	case b >= 0x20 && b <= 0x7E:
		m.put(rune(b))
	case b >= 0x80:
		m.put(m.glyph(b))
	case b == 0x1B, b == 0x1F:
		d.seq, d.start = append(d.seq[:0], b), m.stats.Bytes
		d.state = stESC
		if b == 0x1F {
			d.state = stUS
		}
	case b == 0x08:
		m.left()
	case b == 0x09:
		m.right()
	case b == 0x0A:
		m.down()
	case b == 0x0B:
		m.moveTo(0, 0)
	case b == 0x0C:
		m.clearAll()
	case b == 0x0D:
		m.moveTo(0, m.row)
	case b == 0x18:
		m.blank(m.row)
		m.moveTo(0, m.row)
	default:
		m.decodeError(m.stats.Bytes, []byte{b}, "stray control byte")
	}
}

// execute runs a complete ESC/US command.
func (m *Model) execute() {
	d := &m.dec
	d.state = stGround
	if why := d.cmd.run(m, d.seq[2:]); why != "" {
		m.stats.Ignored++
		m.publish("ignored", d.start, d.seq, why)
	}
}

// unknown ends a sequence that b does not continue. A control byte is not
// swallowed with it: it is more likely the start of the next command.
func (m *Model) unknown(b byte, why string) bool {
	d := &m.dec
	d.state = stGround
	if b < 0x20 {
		m.decodeError(d.start, d.seq, why)
		return false
	}
	m.decodeError(d.start, append(d.seq, b), why)
	return true
}

func (m *Model) stringByte(b byte) bool {
	d := &m.dec
	if b == 0x0D {
		d.state = stGround
		switch {
		case d.target == 'D':
			m.marquee = string(d.text)
			m.setLine(0, d.text)
		case d.target == 'B' && m.rows < 2:
			m.stats.Ignored++
			m.publish("ignored", d.start, d.seq, "no lower line on a one-line display")
		default:
			m.setLine(int(d.target-'A'), d.text)
		}
		return true
	}
	if b < 0x20 {
		d.state = stGround
		m.decodeError(d.start, d.seq, "ESC Q string cut by a control byte before its CR")
		return false
	}
	limit := m.cols
	if d.target == 'D' {
		limit = max(maxMarquee, m.cols)
	}
	if len(d.text) < limit {
		r := rune(b)
		if b >= 0x80 {
			r = m.glyph(b)
		}
		d.text = append(d.text, r)
	}
	return true
}

func (m *Model) decodeError(offset int64, seq []byte, why string) {
	m.stats.DecodeErrors++
	m.publish("decode-error", offset, seq, why)
}

func (m *Model) publish(kind string, offset int64, seq []byte, why string) {
	if m.bus == nil {
		return
	}
	m.bus.Publish(Device, kind, map[string]any{
		"offset": offset,
		"bytes":  fmt.Sprintf("% X", seq),
		"error":  why,
	})
}
