package printer

import (
	"fmt"
)

// initialize is power on and ESC @: every mode back to its default, the
// line being composed and the stored QR data discarded. Paper, faults and
// automatic status back stay.
func (m *Model) initialize() {
	m.st = style{w: 1, h: 1}
	m.lnSp = defaultLineSpacing
	m.align = 0
	m.left = 0
	m.width = int32(m.profile.Dots)
	m.defaultTabs()
	m.table, m.intl = 0, 0
	m.off, m.page = false, false
	m.hri, m.hriFont, m.barH, m.barW = 0, 0, 162, 3
	m.qrModel, m.qrSize, m.qrLevel = 50, 3, 48
	m.qrData = m.qrData[:0]
	m.ln.reset()
	m.ank, m.wlk = m.ankLook(), m.wideLook()
	if m.faults.paper == "" {
		m.faults.paper = PaperOK
	}
}

// flushLine prints what the line buffer holds before something that
// starts on a line of its own (an image, a barcode, a QR code, a cut).
// Epson printers ignore some of those in mid-line; printing the line is
// the forgiving reading.
func (m *Model) flushLine() {
	if m.ln.started {
		m.printLine(m.lnSp, false)
	}
}

func (m *Model) control(b byte) {
	if m.off {
		return
	}
	switch b {
	case 0x0A: // LF
		m.printLine(m.lnSp, true)
	case 0x09: // HT
		m.tab()
	case 0x0C: // FF: in page mode, print the page and leave the mode
		if m.page {
			m.flushLine()
			m.page = false
		}
	}
	// CR is ignored (auto line feed off, as on serial printers); CAN
	// cancels page-mode data, which is laid out as standard mode here.
}

func (m *Model) badParam(c cmd, par []byte, off int64, what string) {
	m.decodeError(off, fmt.Sprintf("%s %d: %s; ignored", c, par[0], what))
}

// command executes a command without data.
func (m *Model) command(c cmd, par []byte, off int64) {
	m.exec(c, par, off)
	m.ank, m.wlk = m.ankLook(), m.wideLook()
}

func (m *Model) exec(c cmd, par []byte, off int64) {
	if m.off && c != cESCEq {
		return
	}
	var n byte
	if len(par) > 0 {
		n = par[0]
	}
	st := &m.st
	switch c {
	case cESCAt:
		m.initialize()
	case cESCBang:
		st.fontB = n&0x01 != 0
		st.boldE = n&0x08 != 0
		st.h, st.w = 1+(n>>4)&1, 1+(n>>5)&1
		st.ul = 0
		if n&0x80 != 0 {
			st.ul = 1
		}
	case cESCE:
		st.boldE = n&1 != 0
	case cESCG:
		st.boldG = n&1 != 0
	case cESCMinus, cFSMinus:
		u := n
		if u >= '0' {
			u -= '0'
		}
		if u > 2 {
			m.badParam(c, par, off, "underline is not 0–2 or 48–50")
			return
		}
		if c == cFSMinus {
			st.cnUL = u
		} else {
			st.ul = u
		}
	case cESCa:
		a := n
		if a >= '0' {
			a -= '0'
		}
		if a > 2 {
			m.badParam(c, par, off, "alignment is not 0–2 or 48–50")
			return
		}
		m.align = a
	case cGSBang:
		w, h := 1+n>>4, 1+n&0x0F
		if w > 8 || h > 8 {
			m.badParam(c, par, off, "size is beyond 8×8")
			return
		}
		st.w, st.h = w, h
	case cGSB:
		st.inverse = n&1 != 0
	case cESCM:
		st.fontB = n == 1 || n == '1'
	case cESCV:
		st.rotate = n == 1 || n == '1' || n == 2 || n == '2'
	case cESCBrace:
		st.upside = n&1 != 0
	case cESCSpace:
		st.rsp = int32(n)
	case cFSBang:
		st.cnW, st.cnH = n&0x04 != 0, n&0x08 != 0
		st.cnUL = 0
		if n&0x80 != 0 {
			st.cnUL = 1
		}
	case cFSW:
		st.cnW, st.cnH = n&1 != 0, n&1 != 0
	case cFSS:
		st.cnL, st.cnR = int32(par[0]), int32(par[1])
	case cFSAmp, cFSDot:
		// The decoder switches the mode; nothing else changes.
	case cESC2:
		m.lnSp = defaultLineSpacing
	case cESC3:
		m.lnSp = int32(n)
	case cESCJ:
		m.printLine(int32(n), false)
	case cESCd:
		m.printLine(int32(n)*m.lnSp, false)
	case mk(esc, 'K'), mk(esc, 'e'):
		// Reverse feed: the line prints; paper cannot be unprinted.
		m.printLine(0, false)
	case cESCDollar:
		m.moveTo(int32(par[0]) | int32(par[1])<<8)
	case cESCBslash:
		m.startLine()
		m.moveTo(m.ln.x + int32(int16(uint16(par[0])|uint16(par[1])<<8)))
	case cGSL:
		m.left = int32(par[0]) | int32(par[1])<<8
	case cGSW:
		m.width = int32(par[0]) | int32(par[1])<<8
		if m.width == 0 {
			m.width = int32(m.profile.Dots)
		}
	case cESCt:
		m.table = n
	case cESCR:
		m.intl = n
	case cESCEq:
		m.off = n&1 == 0
	case mk(esc, 'L'):
		m.page = true
	case mk(esc, 'S'):
		m.page = false
	case cESCi:
		m.cutPaper(CutFull, 0)
	case cESCm:
		m.cutPaper(CutPartial, 0)
	case cGSV:
		m.gsV(par, off)
	case cESCp:
		m.drawer(c, par, off)
	case cGSH:
		if h := n & 0x0F; n <= 3 || (n >= '0' && n <= '3') {
			m.hri = h
		} else {
			m.badParam(c, par, off, "HRI position is not 0–3 or 48–51")
		}
	case cGSf:
		m.hriFont = n & 1
	case cGSh:
		if n == 0 {
			m.badParam(c, par, off, "barcode height must be 1–255")
			return
		}
		m.barH = int32(n)
	case cGSw:
		if n < 1 || n > 6 {
			m.badParam(c, par, off, "module width is not 1–6")
			return
		}
		m.barW = int32(n)
	case cGSa:
		m.enableASB(n)
	case cGSr:
		switch n {
		case 1, 49:
			m.reply(m.gsR(1))
		case 2, 50:
			m.reply(m.gsR(2))
		default:
			m.badParam(c, par, off, "GS r asks for 1/49 (paper) or 2/50 (drawer)")
		}
	case cESCu:
		m.reply(m.gsR(2))
	case cESCv:
		m.reply(m.gsR(1))
	case cGSI:
		m.printerID(c, par, off)
	}
	// Everything else known (user-defined characters, macros, NV images,
	// sensors, page-mode areas, print speed, colours, buzzers) is
	// accepted and has no effect on paper.
}

// gsV cuts: m 0/48 full, 1/49 partial; 65/66, 97/98 and 103/104 feed n
// dots first (the cutting-position reserve of 97/98 and the return feed
// of 103/104 do not show on paper).
func (m *Model) gsV(par []byte, off int64) {
	var feed int32
	if len(par) > 1 {
		feed = int32(par[1])
	}
	switch par[0] {
	case 0, 48, 65, 97, 103:
		m.cutPaper(CutFull, feed)
	default:
		m.cutPaper(CutPartial, feed)
	}
}

func (m *Model) cutPaper(kind string, feed int32) {
	m.flushLine()
	m.advance(feed)
	m.cut(kind)
}

// drawer is ESC p m t1 t2: a pulse on connector pin 2 (m 0/48) or 5 (m
// 1/49), on for t1·2 ms and off for t2·2 ms.
func (m *Model) drawer(c cmd, par []byte, off int64) {
	pin := 0
	switch par[0] {
	case 0, 48:
		pin = 2
	case 1, 49:
		pin = 5
	default:
		m.badParam(c, par, off, "drawer pin is not 0/48 (pin 2) or 1/49 (pin 5)")
		return
	}
	on, offMS := int(par[1])*2, int(par[2])*2
	if offMS < on {
		offMS = on
	}
	m.publish("drawer", func() map[string]any { return map[string]any{"pin": pin, "on_ms": on, "off_ms": offMS} })
}

// printerID answers GS I n as a Chinese 58/80 mm printer would.
func (m *Model) printerID(c cmd, par []byte, off int64) {
	str := func(s string) { m.reply('_'); m.reply([]byte(s)...); m.reply(0) }
	switch par[0] {
	case 1, 49:
		m.reply(0x20) // model
	case 2, 50:
		m.reply(0x03) // 2-byte characters, autocutter
	case 3, 51:
		m.reply(0x10) // firmware version
	case 65:
		str("1.0")
	case 66:
		str("POSEMU")
	case 67:
		str(fmt.Sprintf("POSEMU-%d", m.profile.PaperMM))
	case 68:
		str("00000001")
	case 69:
		str("CHINA GB18030")
	default:
		m.badParam(c, par, off, "GS I asks for 1–3 or 65–69")
	}
}

// realtime executes DLE EOT, DLE ENQ and DLE DC4, online or not.
func (m *Model) realtime(c cmd, par []byte, off int64) {
	switch c {
	case cDLEEOT:
		if n := par[0]; n >= 1 && n <= 4 {
			m.reply(m.dleEOT(n))
		}
		// DLE EOT 7/8 (ink, peripheral) do not apply to a thermal printer.
	case cDLEENQ:
		// 1: recover and go on; 2: recover and clear the buffers. Only a
		// recoverable error (the cutter) can be recovered from, and the
		// jam itself has to go first.
		if par[0] == 2 && m.faults.cutter {
			m.clearBuffers(off + 3)
		}
	case cDLEDC4:
		switch par[0] {
		case 1: // pulse: m pin, t·100 ms
			if (par[1] == 0 || par[1] == 1) && par[2] >= 1 && par[2] <= 8 {
				pin := 2 + 3*int(par[1])
				m.publish("drawer", func() map[string]any {
					return map[string]any{"pin": pin, "on_ms": int(par[2]) * 100, "off_ms": int(par[2]) * 100}
				})
				return
			}
			m.decodeError(off, fmt.Sprintf("DLE DC4 1 %d %d: pin must be 0–1 and time 1–8; ignored", par[1], par[2]))
		case 2: // power off: nothing to do for an emulator
		case 7:
			if par[1] == 1 {
				s := m.asbStatus()
				m.reply(s[:]...)
			}
		case 8:
			if string(par[1:8]) == "\x01\x03\x14\x01\x06\x02\x08" {
				m.clearBuffers(off + 10)
				return
			}
			m.decodeError(off, "DLE DC4 8 without its fixed parameters 1 3 20 1 6 2 8; ignored")
		}
	}
}
