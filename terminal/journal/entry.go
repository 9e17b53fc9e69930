package journal

import (
	"fmt"
	"strings"
	"time"
)

// Kind is what a journal entry did.
type Kind string

// Kinds of entry.
const (
	Sale   Kind = "sale"    // bar-code sale: the buyer's code was scanned or keyed
	SaleQR Kind = "sale_qr" // dynamic-QR sale: the buyer scanned the terminal's code
	Void   Kind = "void"    // cancel of an earlier sale (alipay.trade.cancel)
	Refund Kind = "refund"  // full or partial refund of an earlier sale
)

// ZH and EN name a kind on screen and paper.
func (k Kind) ZH() string {
	switch k {
	case Sale:
		return "扫码消费"
	case SaleQR:
		return "二维码消费"
	case Void:
		return "消费撤销"
	case Refund:
		return "退货"
	}
	return string(k)
}

// EN is the English name of the kind.
func (k Kind) EN() string {
	switch k {
	case Sale:
		return "SALE"
	case SaleQR:
		return "QR SALE"
	case Void:
		return "VOID"
	case Refund:
		return "REFUND"
	}
	return strings.ToUpper(string(k))
}

// IsSale reports a kind that takes money from the buyer.
func (k Kind) IsSale() bool { return k == Sale || k == SaleQR }

// State is where an entry's trade stands.
type State string

// States of an entry. Pending is written before the request leaves the
// terminal: found at start-up it means the outcome is unknown.
const (
	Pending   State = "pending"
	InDoubt   State = "in_doubt"  // the platform's answer did not settle it; resolve before the next trade
	Approved  State = "approved"  // money moved as asked
	Declined  State = "declined"  // refused; no money moved
	Cancelled State = "cancelled" // closed unpaid (or a paid sale reversed by the cashier's cancel)
)

// Final reports a state that needs no more requests.
func (s State) Final() bool { return s == Approved || s == Declined || s == Cancelled }

// Entry is one trade as the journal knows it. Amounts are integer fen.
type Entry struct {
	ID           uint64    `json:"id"`
	Kind         Kind      `json:"kind"`
	State        State     `json:"state"`
	Voucher      int       `json:"voucher"`
	Batch        int       `json:"batch"`
	Operator     string    `json:"operator"`
	Amount       int64     `json:"amount"`
	OutTradeNo   string    `json:"out_trade_no"`
	OutRequestNo string    `json:"out_request_no,omitempty"` // refund idempotency key
	TradeNo      string    `json:"trade_no,omitempty"`       // the platform's number
	Account      string    `json:"account,omitempty"`        // masked payment code
	BuyerLogonID string    `json:"buyer,omitempty"`          // as the platform masks it
	OrigID       uint64    `json:"orig_id,omitempty"`        // void/refund: the sale
	OrigVoucher  int       `json:"orig_voucher,omitempty"`
	Created      time.Time `json:"created"`
	Updated      time.Time `json:"updated"`
	PaidAt       time.Time `json:"paid_at,omitzero"`
	Code         string    `json:"code,omitempty"`
	SubCode      string    `json:"sub_code,omitempty"`
	Message      string    `json:"message,omitempty"`
	// Slips is how many copies have come out of the printer whole: 0, 1
	// (merchant copy), 2 (both). An approved entry with fewer than 2 owes
	// slips.
	Slips int `json:"slips"`
	// SlipStarted says copy number Slips went to the printer, at least in
	// part, and was not seen to come out whole: part of it may be on paper
	// (printed before a fault, held in the printer's buffer to print when
	// the fault clears, or sent before a crash). It is written before the
	// first byte of the copy is sent, so that the copy printed again later
	// is marked 重打印 DUPLICATED, and cleared when the copy comes out.
	SlipStarted bool `json:"slip_started,omitempty"`
	// Reprints counts duplicate slips printed later.
	Reprints int `json:"reprints,omitempty"`
}

// SlipsOwed reports whether the entry still owes printed copies.
func (e Entry) SlipsOwed() bool { return e.State == Approved && e.Slips < 2 }

// VoucherNo renders the voucher as printed (%06d).
func (e Entry) VoucherNo() string { return fmt.Sprintf("%06d", e.Voucher) }

// BatchNo renders the batch as printed (%06d).
func (e Entry) BatchNo() string { return fmt.Sprintf("%06d", e.Batch) }

// MaskCode masks a payment code (or any account number) to its first 6
// and last 4 digits at most, "286012********1234". Short codes keep only
// their last 4. It is idempotent, so an already masked value passes.
func MaskCode(code string) string {
	digits := 0
	for _, r := range code {
		if r >= '0' && r <= '9' {
			digits++
		}
	}
	if digits <= 4 || (digits <= 10 && strings.Contains(code, "*")) {
		return code
	}
	r := []rune(code)
	if len(r) >= 14 {
		return string(r[:6]) + strings.Repeat("*", len(r)-10) + string(r[len(r)-4:])
	}
	return strings.Repeat("*", len(r)-4) + string(r[len(r)-4:])
}

// Totals sums one batch's approved entries.
type Totals struct {
	Batch        int   `json:"batch"`
	SaleCount    int   `json:"sale_count"`
	SaleAmount   int64 `json:"sale_amount"` // bar-code and QR sales
	CodeCount    int   `json:"code_count"`
	CodeAmount   int64 `json:"code_amount"`
	QRCount      int   `json:"qr_count"`
	QRAmount     int64 `json:"qr_amount"`
	VoidCount    int   `json:"void_count"`
	VoidAmount   int64 `json:"void_amount"`
	RefundCount  int   `json:"refund_count"`
	RefundAmount int64 `json:"refund_amount"`
}

// Net is what the batch moved into the merchant's account.
func (t Totals) Net() int64 { return t.SaleAmount - t.VoidAmount - t.RefundAmount }

func (t *Totals) add(e Entry) {
	switch e.Kind {
	case Sale:
		t.SaleCount++
		t.SaleAmount += e.Amount
		t.CodeCount++
		t.CodeAmount += e.Amount
	case SaleQR:
		t.SaleCount++
		t.SaleAmount += e.Amount
		t.QRCount++
		t.QRAmount += e.Amount
	case Void:
		t.VoidCount++
		t.VoidAmount += e.Amount
	case Refund:
		t.RefundCount++
		t.RefundAmount += e.Amount
	}
}

// BatchClose records the end of a batch.
type BatchClose struct {
	Batch    int       `json:"batch"`
	ClosedAt time.Time `json:"closed_at"`
	Totals   Totals    `json:"totals"`
	Matched  bool      `json:"matched"` // the platform's bill agreed
}
