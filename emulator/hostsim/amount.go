package hostsim

import (
	"encoding/json"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// TimeLayout is how the gateway writes and reads times: timestamp,
// gmt_payment, send_pay_date, gmt_refund_pay, all in China Standard Time.
const TimeLayout = "2006-01-02 15:04:05"

// CST is UTC+8, the zone of every time on the wire.
var CST = time.FixedZone("CST", 8*3600)

// MaxAmount is the largest total_amount Alipay accepts, in fen
// (100000000.00 yuan).
const MaxAmount = 100_000_000_00

var yuanPattern = regexp.MustCompile(`^(0|[1-9][0-9]{0,8})(\.[0-9]{1,2})?$`)

// ParseYuan reads an amount in yuan with at most two decimals ("88.88",
// "5", "0.1") into fen. It refuses signs, exponents, spaces and more than
// nine integer digits.
func ParseYuan(s string) (int64, error) {
	if !yuanPattern.MatchString(s) {
		return 0, fmt.Errorf("%q is not an amount in yuan with at most 2 decimals", s)
	}
	whole, frac, _ := strings.Cut(s, ".")
	w, err := strconv.ParseInt(whole, 10, 64)
	if err != nil {
		return 0, err
	}
	for len(frac) < 2 {
		frac += "0"
	}
	f, _ := strconv.ParseInt(frac, 10, 64)
	return w*100 + f, nil
}

// Yuan writes fen as yuan with two decimals, as every amount on the wire.
func Yuan(fen int64) string {
	sign := ""
	if fen < 0 {
		sign, fen = "-", -fen
	}
	return fmt.Sprintf("%s%d.%02d", sign, fen/100, fen%100)
}

// amountField is a biz_content amount: clients send it as a JSON string
// ("88.88", as the documentation shows) or as a bare number (88.88). It
// keeps the text as sent.
type amountField struct {
	text string
	set  bool
}

func (a *amountField) UnmarshalJSON(b []byte) error {
	a.set = true
	if len(b) > 0 && b[0] == '"' {
		return json.Unmarshal(b, &a.text)
	}
	if string(b) == "null" {
		a.set = false
		return nil
	}
	var n json.Number
	if err := json.Unmarshal(b, &n); err != nil {
		return err
	}
	a.text = n.String()
	return nil
}

// fen parses the field; name is quoted in the error.
func (a amountField) fen(name string, required bool) (int64, *Result) {
	if !a.set || a.text == "" {
		if required {
			return 0, failure(SubInvalidBizParameter, "缺少参数 "+name)
		}
		return 0, nil
	}
	v, err := ParseYuan(a.text)
	if err != nil || v < 1 || v > MaxAmount {
		return 0, failure(SubInvalidBizParameter, name+" 取值范围 [0.01,100000000]，不合法："+a.text)
	}
	return v, nil
}

// MaskLogonID hides the middle of a buyer's logon id the way replies do:
// a phone number keeps its first 3 and last 4 digits (138****8888), an
// e-mail address the first 3 characters of the local part
// (lis***@sandbox.com).
func MaskLogonID(id string) string {
	if local, domain, ok := strings.Cut(id, "@"); ok {
		r := []rune(local)
		if len(r) > 3 {
			r = r[:3]
		}
		return string(r) + "***@" + domain
	}
	r := []rune(id)
	switch {
	case len(r) >= 11:
		return string(r[:3]) + "****" + string(r[len(r)-4:])
	case len(r) > 4:
		return string(r[:2]) + "***" + string(r[len(r)-2:])
	case len(r) > 1:
		return string(r[:1]) + "***"
	}
	return "***"
}

// wireTime formats t for a reply; the zero time is "".
func wireTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(CST).Format(TimeLayout)
}

// parseExpress reads a timeout_express such as "90m", "2h", "1d" or "1c"
// (until the end of the day the trade was created, China time).
func parseExpress(s string, created time.Time) (time.Duration, bool) {
	if len(s) < 2 {
		return 0, false
	}
	n, err := strconv.Atoi(s[:len(s)-1])
	if err != nil || n < 1 {
		return 0, false
	}
	switch s[len(s)-1] {
	case 'm':
		if n <= 15*24*60 {
			return time.Duration(n) * time.Minute, true
		}
	case 'h':
		if n <= 15*24 {
			return time.Duration(n) * time.Hour, true
		}
	case 'd':
		if n <= 15 {
			return time.Duration(n) * 24 * time.Hour, true
		}
	case 'c':
		if n == 1 {
			c := created.In(CST)
			end := time.Date(c.Year(), c.Month(), c.Day()+1, 0, 0, 0, 0, CST)
			return end.Sub(created), true
		}
	}
	return 0, false
}
