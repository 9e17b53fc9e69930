package custdisplay

import (
	"strconv"
	"strings"
)

// ASCII returns text as the display can show it: runes outside 0x20–0x7E
// become '?'. A pole display has a Latin character generator only (no CJK,
// and its code page is not UTF-8), and control bytes inside text would be
// taken as commands.
func ASCII(text string) string {
	var b strings.Builder
	b.Grow(len(text))
	for _, r := range text {
		if r < 0x20 || r > 0x7E {
			r = '?'
		}
		b.WriteRune(r)
	}
	return b.String()
}

// fit makes text exactly width cells: ASCII, clipped, padded with blanks.
func fit(text string, width int) string {
	s := ASCII(text)
	if len(s) > width {
		return s[:width]
	}
	return s + strings.Repeat(" ", width-len(s))
}

// rightAlign pads s on the left to width; s must already fit.
func rightAlign(s string, width int) string {
	return strings.Repeat(" ", max(0, width-len(s))) + s
}

// FormatAmount renders fen as yuan with two decimals ("12.50", "-0.05"),
// with integer arithmetic only: a float64 cannot hold every fen amount and
// would round some of them.
func FormatAmount(fen int64) string {
	u := uint64(fen)
	if fen < 0 {
		u = -u // two's complement: right even for math.MinInt64
	}
	frac := strconv.FormatUint(u%100, 10)
	if len(frac) == 1 {
		frac = "0" + frac
	}
	s := strconv.FormatUint(u/100, 10) + "." + frac
	if fen < 0 {
		s = "-" + s
	}
	return s
}
