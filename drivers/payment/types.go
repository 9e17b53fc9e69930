package payment

import (
	"fmt"
	"regexp"
	"time"
)

// Trade statuses of alipay.trade.query.
const (
	WaitBuyerPay  = "WAIT_BUYER_PAY"
	TradeSuccess  = "TRADE_SUCCESS"
	TradeClosed   = "TRADE_CLOSED" // unpaid and closed, or fully refunded
	TradeFinished = "TRADE_FINISHED"
)

// ChinaTime is the zone of the gateway's timestamps (UTC+8, no DST). A
// fixed zone, because the terminal may have no tzdata.
var ChinaTime = time.FixedZone("CST", 8*60*60)

const wireTime = "2006-01-02 15:04:05"

// PayRequest is one bar-code payment (alipay.trade.pay, scene bar_code).
type PayRequest struct {
	OutTradeNo string // the till's own trade number: ≤ 64 letters, digits, underscore
	AuthCode   string // the buyer's payment code, as scanned
	Amount     Fen
	Subject    string
	OperatorID string
	TerminalID string
	StoreID    string
	// Timeout is timeout_express, rounded up to whole minutes; 0 leaves it
	// to the platform.
	Timeout time.Duration
}

// PrecreateRequest asks for a QR code the buyer scans (alipay.trade.precreate).
type PrecreateRequest struct {
	OutTradeNo string
	Amount     Fen
	Subject    string
	OperatorID string
	TerminalID string
	StoreID    string
	Timeout    time.Duration
}

// Trade is what the platform says about a trade (pay and query replies).
type Trade struct {
	Status        Status
	TradeNo       string
	OutTradeNo    string
	TradeStatus   string // query only; pay's 10000 means TRADE_SUCCESS
	BuyerLogonID  string
	TotalAmount   Fen
	ReceiptAmount Fen
	PaidAt        time.Time // gmt_payment (zero if not paid or not given)
	FundBills     []FundBill
}

// FundBill is one funding channel of a payment.
type FundBill struct {
	Channel string
	Amount  Fen
}

// PrecreateResult carries the code to show.
type PrecreateResult struct {
	Status     Status
	OutTradeNo string
	QRCode     string
}

// CancelResult is alipay.trade.cancel's answer.
type CancelResult struct {
	Status     Status
	TradeNo    string
	OutTradeNo string
	RetryFlag  string // "Y": the cancel did not take and may be retried
	Action     string // close (was unpaid), refund (was paid), or empty
}

// Retry reports retry_flag=Y.
func (r *CancelResult) Retry() bool { return r != nil && r.RetryFlag == "Y" }

// CloseResult is alipay.trade.close's answer.
type CloseResult struct {
	Status     Status
	TradeNo    string
	OutTradeNo string
}

// RefundRequest refunds part or all of a paid trade. OutRequestNo is the
// idempotency key: the same key again answers the same refund instead of
// refunding twice. Give either OutTradeNo or TradeNo.
type RefundRequest struct {
	OutTradeNo   string
	TradeNo      string
	Amount       Fen
	OutRequestNo string
	Reason       string
	OperatorID   string
	TerminalID   string
	StoreID      string
}

// RefundResult is alipay.trade.refund's answer.
type RefundResult struct {
	Status       Status
	TradeNo      string
	OutTradeNo   string
	BuyerLogonID string
	FundChange   bool // false: this request moved no money (e.g. a repeat)
	RefundFee    Fen  // total refunded on the trade so far
	RefundedAt   time.Time
}

// RefundQueryResult is alipay.trade.fastpay.refund.query's answer. An empty
// RefundStatus with code 10000 means no such refund (the platform's way).
type RefundQueryResult struct {
	Status       Status
	TradeNo      string
	OutTradeNo   string
	OutRequestNo string
	TotalAmount  Fen
	RefundAmount Fen
	RefundStatus string // REFUND_SUCCESS when present
}

// BillRequest names a reconciliation bill: BillType "trade" (or "signcustomer")
// and a day ("2006-01-02") or month ("2006-01").
type BillRequest struct {
	BillType string
	BillDate string
}

// outTradeNoPattern is the platform's rule for out_trade_no.
var outTradeNoPattern = regexp.MustCompile(`^[A-Za-z0-9_]{1,64}$`)

func checkOutTradeNo(s string) error {
	if !outTradeNoPattern.MatchString(s) {
		return fmt.Errorf("out_trade_no %q: want 1-64 letters, digits or underscores", s)
	}
	return nil
}

func checkAmount(f Fen) error {
	if !validAmount(f) {
		return fmt.Errorf("amount %s: want 0.01 to 100000000.00 yuan", f.Yuan())
	}
	return nil
}

// timeoutExpress renders d as the platform's "Nm" (whole minutes, ≥ 1).
func timeoutExpress(d time.Duration) string {
	if d <= 0 {
		return ""
	}
	m := int64((d + time.Minute - 1) / time.Minute)
	return fmt.Sprintf("%dm", m)
}

// parseWireTime reads the gateway's "2006-01-02 15:04:05" in China time.
func parseWireTime(s string) time.Time {
	if s == "" {
		return time.Time{}
	}
	t, err := time.ParseInLocation(wireTime, s, ChinaTime)
	if err != nil {
		return time.Time{}
	}
	return t
}
