package printer

import (
	"fmt"
	"strings"
)

// Condition is a set of printer conditions, as reported by DLE EOT 1–4 or
// an automatic status back (GS a) frame.
type Condition uint32

// Conditions, with the reply bit that reports each.
const (
	DrawerOpen       Condition = 1 << iota // EOT 1 bit 2 (drawer connector pin 3 high), ASB 1 bit 2
	Offline                                // EOT 1 bit 3, ASB 1 bit 3
	WaitingRecovery                        // EOT 1 bit 5: waiting for online recovery
	FeedButton                             // EOT 1 bit 6, ASB 1 bit 6: feed button pressed
	CoverOpen                              // EOT 2 bit 2, ASB 1 bit 5
	FeedingByButton                        // EOT 2 bit 3
	PaperEndStop                           // EOT 2 bit 5: printing stopped at paper end
	ErrorOccurred                          // EOT 2 bit 6
	RecoverableError                       // EOT 3 bit 2
	CutterError                            // EOT 3 bit 3, ASB 2 bit 3
	Unrecoverable                          // EOT 3 bit 5, ASB 2 bit 5
	AutoRecoverable                        // EOT 3 bit 6, ASB 2 bit 6
	PaperNearEnd                           // EOT 4 bits 2–3, ASB 3 bits 0–1
	PaperOut                               // EOT 4 bits 5–6, ASB 3 bits 2–3
)

var conditionNames = []string{"drawer open", "offline", "waiting for recovery", "feed button",
	"cover open", "feeding by button", "stopped at paper end", "error", "recoverable error",
	"cutter error", "unrecoverable error", "auto-recoverable error", "paper near end", "paper out"}

// Faults are the conditions under which the printer does not print.
const Faults = Offline | CoverOpen | PaperEndStop | ErrorOccurred | RecoverableError |
	CutterError | Unrecoverable | AutoRecoverable | PaperOut

func (c Condition) String() string {
	if c == 0 {
		return "ready"
	}
	var names []string
	for i, n := range conditionNames {
		if c&(1<<i) != 0 {
			names = append(names, n)
		}
	}
	if rest := c &^ (1<<len(conditionNames) - 1); rest != 0 {
		names = append(names, fmt.Sprintf("0x%X", uint32(rest)))
	}
	return strings.Join(names, ", ")
}

// Status is the printer's state from the replies to DLE EOT 1, 2, 3 and 4.
type Status struct {
	Conditions Condition
	Raw        [4]byte // the reply bytes to n = 1, 2, 3, 4
}

// Has reports whether every condition in c is present.
func (s Status) Has(c Condition) bool { return s.Conditions&c == c }

// Ready reports whether the printer can print: no fault condition.
func (s Status) Ready() bool { return s.Conditions&Faults == 0 }

func (s Status) String() string {
	return fmt.Sprintf("%s [% X]", s.Conditions, s.Raw[:])
}

// Reply byte patterns. A DLE EOT reply is 0xx1xx10; the first byte of an
// automatic status back frame is 0xx1xx00 and its other three bytes have
// bit 4 clear, as does a GS r reply; so one byte says what it is.
const (
	fixedMask = 0x93
	eotFixed  = 0x12
	asbFixed  = 0x10
)

// IsEOTReply reports whether b has the fixed bits of a DLE EOT reply.
func IsEOTReply(b byte) bool { return b&fixedMask == eotFixed }

// EOTCondition maps the reply b to DLE EOT n (1–4) to conditions.
func EOTCondition(n int, b byte) Condition {
	var c Condition
	bit := func(i int, cond Condition) {
		if b&(1<<i) != 0 {
			c |= cond
		}
	}
	switch n {
	case 1:
		bit(2, DrawerOpen)
		bit(3, Offline)
		bit(5, WaitingRecovery)
		bit(6, FeedButton)
	case 2:
		bit(2, CoverOpen)
		bit(3, FeedingByButton)
		bit(5, PaperEndStop)
		bit(6, ErrorOccurred)
	case 3:
		bit(2, RecoverableError)
		bit(3, CutterError)
		bit(5, Unrecoverable)
		bit(6, AutoRecoverable)
	case 4:
		if b&0x0C != 0 {
			c |= PaperNearEnd
		}
		if b&0x60 != 0 {
			c |= PaperOut
		}
	}
	return c
}

// ASBCondition maps a 4-byte automatic status back frame to conditions.
func ASBCondition(f [4]byte) Condition {
	var c Condition
	for _, m := range []struct {
		i    int
		mask byte
		c    Condition
	}{
		{0, 1 << 2, DrawerOpen}, {0, 1 << 3, Offline}, {0, 1 << 5, CoverOpen}, {0, 1 << 6, FeedButton},
		{1, 1 << 3, CutterError}, {1, 1 << 5, Unrecoverable}, {1, 1 << 6, AutoRecoverable},
		{2, 0x03, PaperNearEnd}, {2, 0x0C, PaperOut},
	} {
		if f[m.i]&m.mask != 0 {
			c |= m.c
		}
	}
	return c
}

// ParseStatus reads the bytes a printer sent in answer to DLE EOT 1, 2, 3,
// 4 (in that order). Automatic status back frames and GS r replies mixed
// in are skipped, as are bytes that fit no reply pattern. It fails with
// ErrMalformed unless four DLE EOT replies are present; bytes after the
// fourth are ignored.
func ParseStatus(replies []byte) (Status, error) {
	var dec decoder
	dec.feed(replies)
	var s Status
	n := 0
	for _, r := range dec.out {
		if r.kind != replyEOT {
			continue
		}
		s.Raw[n] = r.b
		s.Conditions |= EOTCondition(n+1, r.b)
		if n++; n == 4 {
			return s, nil
		}
	}
	return Status{}, fmt.Errorf("printer: status reply [% X]: %d of 4 DLE EOT replies: %w", replies, n, ErrMalformed)
}

type replyKind byte

const (
	replyEOT replyKind = iota + 1
	replyGSr
	replyASB
)

type reply struct {
	kind replyKind
	b    byte
	asb  [4]byte
}

// decoder splits the printer's byte stream into replies; the printer
// sends an ASB frame whole, so only its own bytes follow its first.
type decoder struct {
	asb  [4]byte
	asbN int // bytes of the current ASB frame so far; 0 outside one
	out  []reply
	junk int // bytes that fit no pattern
}

func (d *decoder) feed(p []byte) {
	for _, b := range p {
		switch {
		case d.asbN > 0:
			d.asb[d.asbN] = b
			if d.asbN++; d.asbN == 4 {
				d.out = append(d.out, reply{kind: replyASB, asb: d.asb})
				d.asbN = 0
			}
		case b&fixedMask == eotFixed:
			d.out = append(d.out, reply{kind: replyEOT, b: b})
		case b&fixedMask == asbFixed:
			d.asb[0], d.asbN = b, 1
		case b&0x90 == 0:
			d.out = append(d.out, reply{kind: replyGSr, b: b})
		default:
			d.junk++
		}
	}
}

// next pops the oldest reply.
func (d *decoder) next() (reply, bool) {
	if len(d.out) == 0 {
		return reply{}, false
	}
	r := d.out[0]
	d.out = d.out[1:]
	if len(d.out) == 0 {
		d.out = d.out[:0:0]
	}
	return r, true
}
