package terminal

import (
	"fmt"
	"strconv"
	"strings"
)

// maxWholeDigits bounds the yuan part of a keyed amount (99 999 999.99 is
// the most a screen line and the platform's 100 000 000 limit allow).
const maxWholeDigits = 8

// amountEntry is the amount being keyed: yuan with at most two decimals,
// kept as the typed text and turned into integer fen without floating point.
type amountEntry struct {
	s string
}

// msg is a short bilingual message.
type msg struct{ zh, en string }

func (m msg) String() string {
	if m.zh == "" {
		return m.en
	}
	return m.zh + " " + m.en
}

var (
	msgTwoDecimals = msg{"最多两位小数", "2 decimals at most"}
	msgTooLong     = msg{"金额位数过多", "Amount too long"}
)

// press applies one key; a refused key leaves the entry as it was and says
// why. It reports whether the key belonged to amount entry at all.
func (e *amountEntry) press(key string) (handled bool, refused *msg) {
	whole, frac, dot := strings.Cut(e.s, ".")
	switch {
	case key == KeyClear:
		e.s = ""
	case key == KeyBackspace:
		if e.s != "" {
			e.s = e.s[:len(e.s)-1]
		}
	case key == KeyDot:
		if dot {
			return true, nil
		}
		if e.s == "" {
			e.s = "0"
		}
		e.s += "."
	case isDigit(key) || key == KeyDoubleZero:
		for _, d := range key {
			switch {
			case dot && len(frac) >= 2:
				return true, &msgTwoDecimals
			case !dot && whole == "0":
				whole = string(d) // no leading zeros
				e.s = whole
				continue
			case !dot && len(whole) >= maxWholeDigits:
				return true, &msgTooLong
			}
			e.s += string(d)
			if dot {
				frac += string(d)
			} else {
				whole += string(d)
			}
		}
	default:
		return false, nil
	}
	return true, nil
}

// fen is the amount in fen (0 when nothing or only zeros was keyed).
func (e amountEntry) fen() int64 {
	f, err := parseYuan(e.s)
	if err != nil {
		return 0
	}
	return f
}

// display is the amount as the screen shows it while it is keyed.
func (e amountEntry) display() string {
	if e.s == "" {
		return "0.00"
	}
	return e.s
}

// parseYuan reads "12", "12.", "12.5", "12.50" as fen.
func parseYuan(s string) (int64, error) {
	whole, frac, _ := strings.Cut(s, ".")
	if whole == "" || len(frac) > 2 || len(whole) > 12 {
		return 0, fmt.Errorf("amount %q: want yuan with at most 2 decimals", s)
	}
	for len(frac) < 2 {
		frac += "0"
	}
	for _, r := range whole + frac {
		if r < '0' || r > '9' {
			return 0, fmt.Errorf("amount %q: want yuan with at most 2 decimals", s)
		}
	}
	return strconv.ParseInt(whole+frac, 10, 64)
}

// yuan renders fen as "12.50".
func yuan(fen int64) string {
	sign := ""
	if fen < 0 {
		sign, fen = "-", -fen
	}
	return fmt.Sprintf("%s%d.%02d", sign, fen/100, fen%100)
}

// rmb renders fen for the screen: "￥12.50" (the full-width sign is in
// GB2312, so every CJK font has it).
func rmb(fen int64) string { return "￥" + yuan(fen) }
