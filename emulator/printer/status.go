package printer

import "fmt"

// Paper states, as SetPaper takes them and Status reports them.
const (
	PaperOK      = "ok"
	PaperNearEnd = "near-end"
	PaperOut     = "out"
)

// faults are the conditions a person (or a test) sets on the printer.
type faults struct {
	paper  string
	cover  bool // open
	cutter bool // jammed
	drawer bool // the drawer's switch reads open
}

// offline reports whether the printer has stopped: it prints nothing and
// keeps what it receives.
func (f faults) offline() bool { return f.paper == PaperOut || f.cover || f.cutter }

// Status is the printer's condition.
type Status struct {
	Online       bool   `json:"online"`
	Paper        string `json:"paper"` // ok, near-end or out
	CoverOpen    bool   `json:"cover_open"`
	CutterJammed bool   `json:"cutter_jammed"`
	DrawerOpen   bool   `json:"drawer_open"`
	// Buffered is how many received bytes wait in the receive buffer for
	// the printer to come back online; BufferSize is its capacity.
	Buffered   int `json:"buffered"`
	BufferSize int `json:"buffer_size"`
	// Dropped counts bytes lost since power on because the receive buffer
	// was full.
	Dropped int64 `json:"dropped"`
	// DLEEOT are the replies to DLE EOT 1, 2, 3 and 4 right now.
	DLEEOT [4]byte `json:"dle_eot"`
	// ASB is the automatic status back mask (GS a n), 0 when off.
	ASB byte `json:"asb"`
	// Mode is "gb" in 2-byte GB mode, else "single-byte".
	Mode string `json:"mode"`
}

// Status returns the printer's condition.
func (m *Model) Status() Status {
	m.mu.Lock()
	defer m.mu.Unlock()
	s := Status{
		Online:       !m.faults.offline(),
		Paper:        m.faults.paper,
		CoverOpen:    m.faults.cover,
		CutterJammed: m.faults.cutter,
		DrawerOpen:   m.faults.drawer,
		Buffered:     len(m.rx),
		BufferSize:   m.profile.ReceiveBuffer,
		Dropped:      m.dropped,
		ASB:          m.asbMask,
		Mode:         "single-byte",
	}
	if m.dec.gb {
		s.Mode = "gb"
	}
	for n := range s.DLEEOT {
		s.DLEEOT[n] = m.dleEOT(byte(n + 1))
	}
	return s
}

// SetPaper loads paper ("ok"), or makes it run low ("near-end") or out
// ("out").
func (m *Model) SetPaper(state string) error {
	switch state {
	case PaperOK, PaperNearEnd, PaperOut:
	default:
		return fmt.Errorf("paper state %q is not %s, %s or %s", state, PaperOK, PaperNearEnd, PaperOut)
	}
	m.setFaults(func(f *faults) { f.paper = state })
	return nil
}

// SetCover opens or closes the paper cover.
func (m *Model) SetCover(open bool) { m.setFaults(func(f *faults) { f.cover = open }) }

// SetCutterJammed jams the autocutter, or clears the jam. A jammed cutter
// is an autocutter error at once (the blade is not home); clearing the jam
// recovers by itself, as a printer set to automatic recovery does.
func (m *Model) SetCutterJammed(jammed bool) { m.setFaults(func(f *faults) { f.cutter = jammed }) }

// SetDrawerOpen sets what the cash drawer's switch reads (DLE EOT 1 bit 2,
// GS r 2, automatic status back).
func (m *Model) SetDrawerOpen(open bool) { m.setFaults(func(f *faults) { f.drawer = open }) }

func (m *Model) setFaults(change func(*faults)) {
	m.mu.Lock()
	before := m.faults
	change(&m.faults)
	after := m.faults
	if before != after {
		switch {
		case !before.offline() && after.offline():
			m.goOffline()
		case before.offline() && !after.offline():
			m.resume()
		}
		m.publish("status", func() map[string]any {
			return map[string]any{
				"online": !after.offline(), "paper": after.paper, "cover_open": after.cover,
				"cutter_jammed": after.cutter, "drawer_open": after.drawer, "buffered": len(m.rx),
			}
		})
		m.statusChanged()
	}
	m.flush()
}

// dleEOT is the reply to DLE EOT n: fixed bits 0xx1xx10 and the condition
// bits of POS-FACTS.
func (m *Model) dleEOT(n byte) byte {
	f := m.faults
	s := byte(0x12)
	switch n {
	case 1: // printer
		if f.drawer {
			s |= 0x04
		}
		if f.offline() {
			s |= 0x08
		}
		if f.cutter {
			s |= 0x20 // waiting for recovery from the cutter error
		}
	case 2: // offline cause
		if f.cover {
			s |= 0x04
		}
		if f.paper == PaperOut {
			s |= 0x20
		}
		if f.cutter {
			s |= 0x40
		}
	case 3: // error cause
		if f.cutter {
			s |= 0x08
		}
	case 4: // paper roll sensors
		if f.paper != PaperOK {
			s |= 0x0C
		}
		if f.paper == PaperOut {
			s |= 0x60
		}
	}
	return s
}

// gsR is the reply to GS r n (n already 1 or 2).
func (m *Model) gsR(n byte) byte {
	if n == 2 {
		if m.faults.drawer {
			return 0x01
		}
		return 0x00
	}
	switch m.faults.paper {
	case PaperNearEnd:
		return 0x03
	case PaperOut:
		return 0x0F
	}
	return 0x00
}

// asbStatus is the 4-byte automatic status back.
func (m *Model) asbStatus() [4]byte {
	f := m.faults
	s := [4]byte{0x10, 0x00, 0x00, 0x00}
	if f.drawer {
		s[0] |= 0x04
	}
	if f.offline() {
		s[0] |= 0x08
	}
	if f.cover {
		s[0] |= 0x20
	}
	if f.cutter {
		s[1] |= 0x08
	}
	if f.paper != PaperOK {
		s[2] |= 0x03
	}
	if f.paper == PaperOut {
		s[2] |= 0x0C
	}
	return s
}

// asbGroups maps GS a n's bits to the status bits each enables: bit 0
// drawer, bit 1 online/offline (and the cover), bit 2 errors, bit 3 paper.
var asbGroups = [4][4]byte{
	{0x04, 0, 0, 0},
	{0x08 | 0x20 | 0x40, 0, 0, 0},
	{0, 0x08 | 0x20 | 0x40, 0, 0},
	{0, 0, 0x0F, 0},
}

// statusChanged sends the automatic status back if an enabled part of it
// changed.
func (m *Model) statusChanged() {
	now := m.asbStatus()
	last := m.asbLast
	m.asbLast = now
	if m.asbMask == 0 {
		return
	}
	for g, bits := range asbGroups {
		if m.asbMask&(1<<g) == 0 {
			continue
		}
		for i := range bits {
			if (now[i]^last[i])&bits[i] != 0 {
				m.reply(now[:]...)
				return
			}
		}
	}
}

// enableASB is GS a n: the status goes out at once when enabled.
func (m *Model) enableASB(n byte) {
	m.asbMask = n & 0x0F
	m.asbLast = m.asbStatus()
	if m.asbMask != 0 {
		m.reply(m.asbLast[:]...)
	}
}
