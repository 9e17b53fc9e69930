package printer

import "fmt"

// sink is what the decoder reports to: the model, executing commands.
// Every slice passed is only valid during the call.
type sink interface {
	// text is a run of single-byte characters (0x20 and up; in 2-byte
	// mode only 0x20–0x7F, or one stray 0x80/0xFF); ascii says none is
	// 0x80 or above.
	text(p []byte, ascii bool)
	// wide is one 2-byte GB character.
	wide(lead, trail byte)
	// control is LF, HT, CR, FF or CAN.
	control(b byte)
	// command is a command with all its parameters and no data.
	command(c cmd, par []byte, off int64)
	// realtime is DLE EOT, DLE ENQ or DLE DC4: answered on receipt.
	realtime(c cmd, par []byte, off int64)
	// dataStart announces n data bytes (or, for a NUL-terminated
	// command, at most n) after the parameters par; data delivers them in
	// pieces and dataEnd closes them (ok is false when a NUL-terminated
	// field overran its limit).
	dataStart(c cmd, par []byte, n int64, off int64)
	data(c cmd, p []byte)
	dataEnd(c cmd, ok bool)
	// decodeError is a malformed or unknown command at stream offset off.
	decodeError(off int64, msg string)
}

// Decoder states.
const (
	stGround = iota // between commands
	stTrail         // a GB lead byte came; its trail byte is next
	stPrefix        // ESC, GS, FS or DLE came; the command byte is next
	stParams        // collecting parameter bytes
	stData          // streaming a counted data field
	stNUL           // streaming a NUL-terminated data field
)

// What comes after a command's parameters.
const (
	actDone = iota // the command is complete
	actMore        // more parameters (need is set)
	actData        // a counted data field (left is set)
	actNUL         // a NUL-terminated data field (limit is set)
	actBad         // malformed: reported, back to ground
)

// decoder is a streaming ESC/POS parser. Every field is a value, so a copy
// is an independent decoder at the same point of the stream: the model
// scans ahead with a copy while offline (see model.go).
type decoder struct {
	s     sink
	off   int64 // stream offset of the next byte fed
	start int64 // offset of the command being decoded
	state uint8
	pfx   byte
	cmd   cmd
	need  int // parameter bytes still to come
	np    int // parameter bytes collected
	par   [12]byte
	left  int64 // counted data bytes still to come
	limit int64 // NUL-terminated data bytes still allowed
	count int   // definitions still to come (ESC &, FS q)
	lead  byte

	gb     bool // 2-byte GB mode (FS & … FS .)
	gbInit bool // the mode at power on and after ESC @
	scan   bool // only real-time commands are acted on
	replay bool // real-time commands were acted on by a scan already
}

// feed decodes p.
func (d *decoder) feed(p []byte) {
	base := d.off
	for i := 0; i < len(p); {
		switch d.state {
		case stGround:
			b := p[i]
			if b >= 0x20 {
				if d.gb && b >= 0x80 {
					if b >= 0x81 && b <= 0xFE {
						d.lead, d.state, d.start = b, stTrail, base+int64(i)
					} else if !d.scan {
						d.s.text(p[i:i+1], false)
					}
					i++
					continue
				}
				// or collects the high bits of each byte and of each byte
				// plus one, so that DEL (0x7F) counts as not ASCII: it is
				// a character of the code table.
				j, or := i+1, b|(b+1)
				if d.gb {
					for j < len(p) && p[j]-0x20 < 0x5F { // 0x20–0x7E
						j++
					}
				} else {
					for j < len(p) && p[j] >= 0x20 {
						or |= p[j] | (p[j] + 1)
						j++
					}
				}
				if !d.scan {
					d.s.text(p[i:j], or < 0x80)
				}
				i = j
				continue
			}
			switch b {
			case esc, gs, fs, dle:
				d.pfx, d.state, d.start = b, stPrefix, base+int64(i)
			case 0x0A, 0x09, 0x0D, 0x0C, 0x18:
				if !d.scan {
					d.s.control(b)
				}
			}
			// Other control bytes (NUL padding, BEL, …) are ignored,
			// as printers do.
			i++

		case stTrail:
			t := p[i]
			d.state = stGround
			if t >= 0x40 && t <= 0xFE && t != 0x7F {
				if !d.scan {
					d.s.wide(d.lead, t)
				}
				i++
				continue
			}
			// The trail byte is decoded anew: it may be a command or a
			// real-time request, which must not be swallowed.
			d.errorf("GB lead byte 0x%02X followed by 0x%02X, not a trail byte; dropped", d.lead, t)

		case stPrefix:
			c := p[i]
			d.cmd = mk(d.pfx, c)
			n := paramCount(d.cmd)
			if n < 0 {
				d.state = stGround
				if c < 0x20 {
					// Resynchronise on the control byte.
					d.errorf("%s not followed by a command byte (0x%02X); skipped", prefixName(d.pfx), c)
					continue
				}
				d.errorf("unknown command %s; skipped", d.cmd)
				i++
				continue
			}
			i++
			d.np, d.need = 0, n
			if n == 0 {
				d.complete()
			} else {
				d.state = stParams
			}

		case stParams:
			n := min(d.need, len(p)-i)
			copy(d.par[d.np:], p[i:i+n])
			d.np += n
			d.need -= n
			i += n
			if d.need == 0 {
				d.complete()
			}

		case stData:
			n := int(min(d.left, int64(len(p)-i)))
			if !d.scan {
				d.s.data(d.cmd, p[i:i+n])
			}
			d.left -= int64(n)
			i += n
			if d.left == 0 {
				d.dataEnd(true)
			}

		case stNUL:
			end := i + int(min(d.limit, int64(len(p)-i)))
			j := i
			for j < end && p[j] != 0 {
				j++
			}
			if j > i && !d.scan {
				d.s.data(d.cmd, p[i:j])
			}
			d.limit -= int64(j - i)
			i = j
			switch {
			case j < end: // the NUL
				i++
				d.dataEnd(true)
			case d.limit == 0 && i < len(p):
				// The field is full: only its NUL may follow.
				if p[i] == 0 {
					i++
					d.dataEnd(true)
				} else {
					d.dataEnd(false)
				}
			}
		}
	}
	d.off = base + int64(len(p))
}

func prefixName(p byte) string {
	switch p {
	case esc:
		return "ESC"
	case gs:
		return "GS"
	case fs:
		return "FS"
	}
	return "DLE"
}

// errorf reports a decode error at the current command's offset. A scan
// keeps quiet: the bytes are decoded again, and reported, when they are
// executed.
func (d *decoder) errorf(format string, args ...any) {
	if !d.scan {
		d.s.decodeError(d.start, fmt.Sprintf(format, args...))
	}
}

func (d *decoder) u16(i int) int64 { return int64(d.par[i]) | int64(d.par[i+1])<<8 }

// complete handles a command whose parameters are all in.
func (d *decoder) complete() {
	switch d.after() {
	case actDone:
		d.state = stGround
		d.dispatch()
	case actMore:
		d.state = stParams
	case actData:
		d.state = stData
		if !d.scan {
			d.s.dataStart(d.cmd, d.par[:d.np], d.left, d.start)
		}
		if d.left == 0 {
			d.dataEnd(true)
		}
	case actNUL:
		d.state = stNUL
		if !d.scan {
			d.s.dataStart(d.cmd, d.par[:d.np], d.limit, d.start)
		}
	case actBad:
		d.state = stGround
	}
}

// after says what follows the parameters collected so far.
func (d *decoder) after() int {
	switch d.cmd {
	case cESCAmp: // ESC & y c1 c2 [x d1…d(y·x)]…
		if d.np == 3 {
			y, c1, c2 := d.par[0], d.par[1], d.par[2]
			if y < 1 || y > 3 || c1 < 0x20 || c1 > 0x7E || c2 < c1 || c2 > 0x7E {
				d.errorf("ESC & y=%d c1=0x%02X c2=0x%02X out of range; skipped", y, c1, c2)
				return actBad
			}
			d.count = int(c2-c1) + 1
			d.need = 1
			return actMore
		}
		d.left = int64(d.par[0]) * int64(d.par[3])
		return actData
	case cFSq: // FS q n [xL xH yL yH d1…dk]…
		if d.np == 1 {
			if d.par[0] == 0 {
				d.errorf("FS q with no images; skipped")
				return actBad
			}
			d.count = int(d.par[0])
			d.need = 4
			return actMore
		}
		d.left = d.u16(1) * d.u16(3) * 8
		return actData
	case cESCStar:
		n := d.u16(1)
		switch d.par[0] {
		case 0, 1:
			d.left = n
		case 32, 33:
			d.left = 3 * n
		default:
			d.errorf("ESC * mode %d is not 0, 1, 32 or 33; skipped", d.par[0])
			return actBad
		}
		return actData
	case cESCParen, cGSParen, cFSParen:
		d.left = d.u16(1)
		return actData
	case cGS8:
		if d.par[0] != 'L' {
			d.errorf("GS 8 0x%02X is not GS 8 L; skipped", d.par[0])
			return actBad
		}
		d.left = int64(d.par[1]) | int64(d.par[2])<<8 | int64(d.par[3])<<16 | int64(d.par[4])<<24
		return actData
	case cGSv, cGSQ:
		if d.par[0] != 0 && d.par[0] != '0' {
			d.errorf("%s 0x%02X is not %s 0; skipped", d.cmd, d.par[0], d.cmd)
			return actBad
		}
		x, y := d.u16(2), d.u16(4)
		if d.cmd == cGSQ {
			x = (x + 7) / 8
		}
		d.left = x * y
		return actData
	case cGSStar:
		d.left = int64(d.par[0]) * int64(d.par[1]) * 8
		return actData
	case cGSk:
		m := d.par[0]
		switch {
		case d.np == 2:
			d.left = int64(d.par[1])
			return actData
		case m <= 6:
			d.limit = 255
			return actNUL
		case m >= 65 && m <= 78:
			d.need = 1
			return actMore
		}
		d.errorf("GS k barcode system %d is not 0–6 or 65–78; skipped", m)
		return actBad
	case cGSV:
		switch m := d.par[0]; {
		case d.np == 2:
		case m == 0 || m == 1 || m == 48 || m == 49:
		case m == 65 || m == 66 || m == 97 || m == 98 || m == 103 || m == 104:
			d.need = 1
			return actMore
		default:
			d.errorf("GS V mode %d is not a cut; skipped", m)
			return actBad
		}
	case cESCD:
		d.limit = 32
		return actNUL
	case cESCZ:
		d.left = d.u16(3)
		return actData
	case cFS2:
		d.left = 72
		return actData
	case cDLEEOT:
		if d.np == 1 {
			switch n := d.par[0]; {
			case n >= 1 && n <= 4:
			case n == 7 || n == 8:
				d.need = 1
				return actMore
			default:
				d.errorf("DLE EOT %d is not a status request (1–4, 7, 8); skipped", n)
				return actBad
			}
		}
	case cDLEDC4:
		if d.np == 1 {
			switch d.par[0] {
			case 1, 2:
				d.need = 2
			case 7:
				d.need = 1
			case 8:
				d.need = 7
			default:
				d.errorf("DLE DC4 function %d is not 1, 2, 7 or 8; skipped", d.par[0])
				return actBad
			}
			return actMore
		}
	}
	return actDone
}

// dataEnd closes a data field; ESC & and FS q go on to their next
// definition.
func (d *decoder) dataEnd(ok bool) {
	d.state = stGround
	switch d.cmd {
	case cESCAmp:
		if d.count--; d.count > 0 {
			d.np, d.need, d.state = 3, 1, stParams
			return
		}
	case cFSq:
		if d.count--; d.count > 0 {
			d.np, d.need, d.state = 1, 4, stParams
			return
		}
	}
	if !ok && d.cmd == cGSk {
		d.errorf("GS k %d data has no NUL within 255 bytes; skipped", d.par[0])
	}
	if !d.scan {
		d.s.dataEnd(d.cmd, ok || d.cmd == cESCD)
	}
}

// dispatch hands over a complete command without data.
func (d *decoder) dispatch() {
	if realtime(d.cmd) {
		if !d.replay {
			d.s.realtime(d.cmd, d.par[:d.np], d.start)
		}
		return
	}
	// The decoder keeps the one mode that changes how bytes group.
	switch d.cmd {
	case cFSAmp:
		d.gb = true
	case cFSDot:
		d.gb = false
	case cESCAt:
		d.gb = d.gbInit
	}
	if !d.scan {
		d.s.command(d.cmd, d.par[:d.np], d.start)
	}
}
