package harness

import (
	"fmt"
	"slices"
	"strings"

	"github.com/posemu/posemu/terminal/journal"
)

// Slip texts as terminal/slip.go prints them.
const (
	slipTitle     = "支付宝签购单"
	slipDuplicate = "重打印 DUPLICATED"
	slipTesting   = "测试 TESTING"
)

var slipCopies = map[string]string{"merchant": "商户存根 MERCHANT COPY", "cardholder": "持卡人存根 CARDHOLDER COPY"}

// printedSlip is one slip found on the paper: its lines, and the QR codes
// of the piece of paper it is on.
type printedSlip struct {
	lines []string
	qr    []string
}

// slipsOnPaper splits what was printed since the last tear-off into
// slips, each starting at the slip's title.
func slipsOnPaper(r *Run) []printedSlip {
	var out []printedSlip
	for _, rc := range r.Emulator().Printer().Receipts() {
		for _, l := range rc.Text() {
			if strings.Contains(l, slipTitle) || len(out) == 0 {
				next := printedSlip{qr: rc.QR}
				// A reprint by drivers/printer's Resume is headed by its
				// mark, above the slip's own title.
				if n := len(out); n > 0 && len(out[n-1].lines) > 0 {
					prev := &out[n-1]
					if last := prev.lines[len(prev.lines)-1]; strings.Contains(last, slipDuplicate) {
						prev.lines = prev.lines[:len(prev.lines)-1]
						next.lines = append(next.lines, last)
					}
				}
				out = append(out, next)
			}
			out[len(out)-1].lines = append(out[len(out)-1].lines, l)
		}
	}
	return slices.DeleteFunc(out, func(s printedSlip) bool { return !strings.Contains(strings.Join(s.lines, "\n"), slipTitle) })
}

// field is the value printed for label: the rest of its line, or the
// next line when the value did not fit beside it.
func (s printedSlip) field(label string) (string, bool) {
	for i, l := range s.lines {
		if _, rest, ok := strings.Cut(l, label); ok {
			if v := strings.TrimSpace(rest); v != "" || i+1 >= len(s.lines) {
				return v, true
			}
			return strings.TrimSpace(s.lines[i+1]), true
		}
	}
	return "", false
}

func (s printedSlip) count(text string) int {
	n := 0
	for _, l := range s.lines {
		n += strings.Count(l, text)
	}
	return n
}

func (s printedSlip) has(text string) bool {
	return slices.ContainsFunc(s.lines, func(l string) bool { return strings.Contains(l, text) })
}

// check lists how the slip differs from what entry e's copy must show.
func (s printedSlip) check(t *termApp, e journal.Entry, copyLabel string, duplicate *bool) []string {
	var bad []string
	want := func(label, value string) {
		got, ok := s.field(label)
		switch {
		case !ok:
			bad = append(bad, fmt.Sprintf("no %q line", label))
		case got != value:
			bad = append(bad, fmt.Sprintf("%s %q, want %q", label, got, value))
		case s.count(label) > 1:
			bad = append(bad, fmt.Sprintf("%q printed %d times", label, s.count(label)))
		}
	}
	if !s.has(copyLabel) {
		bad = append(bad, "no "+copyLabel)
	}
	cfg := t.cfg
	want("商户名称 MERCHANT NAME:", cfg.Merchant.Name)
	want("商户编号 MERCHANT NO:", cfg.Merchant.Number)
	want("终端编号 TERMINAL NO:", cfg.Terminal.Number)
	want("操作员号 OPERATOR:", e.Operator)
	account := e.Account
	if account == "" {
		account = e.BuyerLogonID
	}
	if account != "" {
		want("付款账号 ACCOUNT:", journal.MaskCode(account))
	}
	want("交易类型 TRANS TYPE:", e.Kind.ZH()+" "+e.Kind.EN())
	want("批次号 BATCH:", e.BatchNo())
	want("凭证号 VOUCHER:", e.VoucherNo())
	auth := e.TradeNo
	if len(auth) > 6 {
		auth = auth[len(auth)-6:]
	}
	want("授权码 AUTH:", auth)
	want("参考号 REF:", e.TradeNo)
	want("订单号 ORDER NO:", e.OutTradeNo)
	amount := "RMB " + yuanOf(e.Amount)
	if e.Kind == journal.Void || e.Kind == journal.Refund {
		amount = "RMB -" + yuanOf(e.Amount)
	}
	want("金额 AMOUNT:", amount)
	if e.OrigVoucher != 0 {
		want("备注 REFERENCE:", fmt.Sprintf("原凭证号 %06d", e.OrigVoucher))
	}
	if e.TradeNo != "" && !slices.Contains(s.qr, e.TradeNo) {
		bad = append(bad, fmt.Sprintf("no QR code of the trade number %s on its paper (QR codes: %q)", e.TradeNo, s.qr))
	}
	if cfg.TestMode != s.has(slipTesting) {
		bad = append(bad, fmt.Sprintf("test mode is %t but %q printed is %t", cfg.TestMode, slipTesting, s.has(slipTesting)))
	}
	if duplicate != nil && *duplicate != s.has(slipDuplicate) {
		bad = append(bad, fmt.Sprintf("marked %s: %t, want %t", slipDuplicate, s.has(slipDuplicate), *duplicate))
	}
	return bad
}

func expectSlip(r *Run, s *ExpectSlipStep) error {
	t, err := needTerminalApp(r)
	if err != nil {
		return err
	}
	copyName := s.Copy
	if copyName == "" {
		copyName = "merchant"
	}
	label := slipCopies[copyName]
	what := fmt.Sprintf("the %s copy of voucher %s, as the journal has the trade", copyName, s.Voucher)
	if s.Voucher == "" {
		what = fmt.Sprintf("the %s copy of the newest journal entry, as the journal has the trade", copyName)
	}
	return r.Await(r.Timeout(s.Timeout), what, func() (bool, string) {
		jf, err := readJournal(t.cfg.StateDir)
		if err != nil {
			return false, err.Error()
		}
		var e journal.Entry
		found := false
		for _, x := range jf.Entries {
			if s.Voucher == "" || x.Voucher == voucherNo(s.Voucher) {
				e, found = x, true
			}
		}
		if !found {
			return false, jf.describe()
		}
		slips := slipsOnPaper(r)
		var seen []string
		for i := len(slips) - 1; i >= 0; i-- {
			sl := slips[i]
			if v, _ := sl.field("凭证号 VOUCHER:"); v != e.VoucherNo() || !sl.has(label) {
				continue
			}
			bad := sl.check(t, e, label, s.Duplicate)
			if len(bad) == 0 {
				return true, ""
			}
			seen = append(seen, fmt.Sprintf("a slip of voucher %s differs: %s\n%s", e.VoucherNo(),
				strings.Join(bad, "; "), quoteLines("its text", sl.lines)))
		}
		if len(seen) == 0 {
			var lines []string
			for _, sl := range slips {
				lines = append(lines, sl.lines...)
			}
			seen = append(seen, fmt.Sprintf("no %s slip of voucher %s among %d slips\n%s", copyName, e.VoucherNo(), len(slips),
				quoteLines("paper since the last tear-off", lines)))
		}
		return false, "journal entry: " + entryLine(e) + "\n" + strings.Join(seen, "\n")
	})
}
