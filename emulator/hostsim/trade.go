package hostsim

import (
	"fmt"
	"regexp"
	"sort"
	"time"
)

// Trade statuses (trade_status).
const (
	StatusWaitBuyerPay = "WAIT_BUYER_PAY"
	StatusSuccess      = "TRADE_SUCCESS"
	StatusClosed       = "TRADE_CLOSED"
	StatusFinished     = "TRADE_FINISHED"
)

// Trade kinds.
const (
	KindBarCode   = "bar_code"  // alipay.trade.pay: the cashier scanned the buyer's code
	KindPrecreate = "precreate" // alipay.trade.precreate: the buyer scans the terminal's QR
	// KindPlaceholder is what alipay.trade.cancel leaves for an
	// out_trade_no the platform had never seen, so that a pay request
	// still in flight cannot succeed after the cashier gave up on it.
	KindPlaceholder = "placeholder"
)

// Why a trade was closed (Trade.ClosedBy).
const (
	ClosedTimeout = "timeout" // unpaid when its time ran out
	ClosedClose   = "close"   // alipay.trade.close
	ClosedCancel  = "cancel"  // alipay.trade.cancel (unpaid: closed; paid: refunded)
	ClosedDecline = "decline" // the buyer declined on the phone
	ClosedRefund  = "refund"  // refunded in full
)

// Refund is one accepted alipay.trade.refund (or the refund a cancel
// made). Amounts are in fen.
type Refund struct {
	OutRequestNo string    `json:"out_request_no"`
	Amount       int64     `json:"refund_fen"`
	Reason       string    `json:"refund_reason,omitempty"`
	At           time.Time `json:"gmt_refund_pay"`
}

// Trade is the platform's record of one trade. Amounts are in fen. It is
// what GET /api/v1/host/trades lists and what the state file keeps.
type Trade struct {
	TradeNo    string `json:"trade_no"`
	OutTradeNo string `json:"out_trade_no"`
	AppID      string `json:"app_id"`
	Kind       string `json:"kind"`
	Status     string `json:"trade_status"`
	Total      int64  `json:"total_fen"`
	Refunded   int64  `json:"refunded_fen"`
	Subject    string `json:"subject,omitempty"`
	StoreID    string `json:"store_id,omitempty"`
	TerminalID string `json:"terminal_id,omitempty"`
	OperatorID string `json:"operator_id,omitempty"`

	// AuthCode is the payment code a bar-code trade was submitted with.
	AuthCode string `json:"auth_code,omitempty"`
	// Buyer is the payment code of the sandbox buyer who pays (or is
	// asked to pay) the trade.
	Buyer        string `json:"buyer,omitempty"`
	BuyerUserID  string `json:"buyer_user_id,omitempty"`
	BuyerLogonID string `json:"buyer_logon_id,omitempty"` // masked
	FundChannel  string `json:"fund_channel,omitempty"`
	QRCode       string `json:"qr_code,omitempty"`
	// Scanned: a precreate trade's QR has been scanned by a buyer. Until
	// then the platform answers ACQ.TRADE_NOT_EXIST for it, as Alipay
	// does.
	Scanned bool `json:"scanned,omitempty"`
	// AwaitingPassword: the buyer has to confirm (or decline) on the phone.
	AwaitingPassword bool `json:"awaiting_password,omitempty"`

	Created  time.Time `json:"gmt_create"`
	Deadline time.Time `json:"deadline,omitzero"` // an unpaid trade closes then
	Paid     time.Time `json:"gmt_payment,omitzero"`
	Closed   time.Time `json:"gmt_close,omitzero"`
	ClosedBy string    `json:"closed_by,omitempty"`
	// CancelAction is what alipay.trade.cancel did: "close" or "refund".
	CancelAction string   `json:"cancel_action,omitempty"`
	Refunds      []Refund `json:"refunds,omitempty"`
}

func (t *Trade) clone() Trade {
	c := *t
	c.Refunds = append([]Refund(nil), t.Refunds...)
	return c
}

// exists reports whether the platform admits the trade exists: a
// precreate trade exists once a buyer scanned its QR, a placeholder never.
func (t *Trade) exists() bool {
	switch t.Kind {
	case KindPrecreate:
		return t.Scanned
	case KindPlaceholder:
		return false
	}
	return true
}

func (t *Trade) paid() bool { return !t.Paid.IsZero() }

func (t *Trade) refund(outRequestNo string) (Refund, bool) {
	for _, r := range t.Refunds {
		if r.OutRequestNo == outRequestNo {
			return r, true
		}
	}
	return Refund{}, false
}

var outTradeNoPattern = regexp.MustCompile(`^[A-Za-z0-9_]{1,64}$`)

// store holds trades and buyer balances; the Simulator's mutex guards it.
type store struct {
	byOut    map[string]*Trade
	byNo     map[string]*Trade
	balances map[string]int64 // payment code → fen
	seq      int64

	dirtyTrades map[*Trade]bool
	dirtyBuyers map[string]bool
}

func newStore() *store {
	return &store{
		byOut:       map[string]*Trade{},
		byNo:        map[string]*Trade{},
		balances:    map[string]int64{},
		dirtyTrades: map[*Trade]bool{},
		dirtyBuyers: map[string]bool{},
	}
}

func (st *store) add(t *Trade) {
	st.byOut[t.OutTradeNo] = t
	st.byNo[t.TradeNo] = t
	st.dirtyTrades[t] = true
}

func (st *store) touch(t *Trade) { st.dirtyTrades[t] = true }

func (st *store) setBalance(code string, fen int64) {
	st.balances[code] = fen
	st.dirtyBuyers[code] = true
}

// nextTradeNo numbers trades the way Alipay's look: 28 digits, the China
// date first.
func (st *store) nextTradeNo(now time.Time) string {
	st.seq++
	return fmt.Sprintf("%s2200%016d", now.In(CST).Format("20060102"), st.seq)
}

// sorted lists trades oldest first.
func (st *store) sorted() []*Trade {
	out := make([]*Trade, 0, len(st.byOut))
	for _, t := range st.byOut {
		out = append(out, t)
	}
	sort.Slice(out, func(i, j int) bool {
		if !out[i].Created.Equal(out[j].Created) {
			return out[i].Created.Before(out[j].Created)
		}
		return out[i].TradeNo < out[j].TradeNo
	})
	return out
}

// lookup finds a trade by out_trade_no or trade_no (trade_no wins when both
// are given, as at Alipay; both must then name the same trade).
func (st *store) lookup(outTradeNo, tradeNo string) (*Trade, *Result) {
	if outTradeNo == "" && tradeNo == "" {
		return nil, failure(SubInvalidBizParameter, "out_trade_no 和 trade_no 不能同时为空")
	}
	if tradeNo != "" {
		t := st.byNo[tradeNo]
		if t == nil || (outTradeNo != "" && t.OutTradeNo != outTradeNo) {
			return nil, failure(SubTradeNotExist)
		}
		return t, nil
	}
	t := st.byOut[outTradeNo]
	if t == nil {
		return nil, failure(SubTradeNotExist)
	}
	return t, nil
}

// settle applies what time has done to t: an unpaid trade past its
// deadline is closed (at the deadline), a paid one past the refund window
// is finished.
func (s *Simulator) settle(t *Trade, now time.Time) {
	switch t.Status {
	case StatusWaitBuyerPay:
		if !t.Deadline.IsZero() && !now.Before(t.Deadline) {
			t.Status = StatusClosed
			t.Closed = t.Deadline
			t.ClosedBy = ClosedTimeout
			t.AwaitingPassword = false
			s.st.touch(t)
			s.publish(t)
		}
	case StatusSuccess:
		if s.opts.RefundWindow > 0 && !now.Before(t.Paid.Add(s.opts.RefundWindow)) {
			t.Status = StatusFinished
			s.st.touch(t)
			s.publish(t)
		}
	}
}
