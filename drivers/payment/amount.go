package payment

import (
	"fmt"
	"strconv"
	"strings"
)

// Fen is an amount of money in fen (0.01 yuan). The wire carries yuan with
// exactly two decimals; converting through float64 would turn 0.29 into
// 0.28999…, so both directions work on the digits.
type Fen int64

// MaxFen is the largest amount the trade API accepts (100000000 yuan).
const MaxFen Fen = 100000000_00

// Yuan formats the amount as the wire wants it: "12.34", "0.05", "-1.00".
func (f Fen) Yuan() string {
	sign := ""
	v := int64(f)
	if v < 0 {
		sign = "-"
		v = -v // MinInt64 cannot be an amount: validate() rejects it first
	}
	return fmt.Sprintf("%s%d.%02d", sign, v/100, v%100)
}

// String is Yuan, so amounts read naturally in logs and errors.
func (f Fen) String() string { return f.Yuan() }

// ParseYuan reads a wire amount: digits, optionally a point and one or two
// decimals ("12", "12.3", "12.34"). Anything else, including a sign, an
// exponent or a third decimal, is an error, because a reply whose amount we
// cannot read exactly is not one we may act on.
func ParseYuan(s string) (Fen, error) {
	whole, frac, hasPoint := strings.Cut(s, ".")
	if whole == "" || len(whole) > 12 || !allDigits(whole) {
		return 0, fmt.Errorf("amount %q: not a yuan amount", s)
	}
	if hasPoint && (frac == "" || len(frac) > 2 || !allDigits(frac)) {
		return 0, fmt.Errorf("amount %q: want at most two decimals", s)
	}
	w, err := strconv.ParseInt(whole, 10, 64)
	if err != nil {
		return 0, fmt.Errorf("amount %q: %w", s, err)
	}
	for len(frac) < 2 {
		frac += "0"
	}
	c, _ := strconv.ParseInt(frac, 10, 64)
	return Fen(w*100 + c), nil
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// validAmount is the range alipay.trade.pay accepts.
func validAmount(f Fen) bool { return f >= 1 && f <= MaxFen }
