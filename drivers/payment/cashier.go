package payment

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/posemu/posemu/clock"
)

// Gateway is what the cashier needs of the platform; *Client is one.
type Gateway interface {
	Pay(ctx context.Context, r PayRequest) (*Trade, error)
	Precreate(ctx context.Context, r PrecreateRequest) (*PrecreateResult, error)
	Query(ctx context.Context, ref TradeRef) (*Trade, error)
	Cancel(ctx context.Context, ref TradeRef) (*CancelResult, error)
}

// Defaults of the cashier rule (the platform's face-to-face guidance).
const (
	DefaultPollInterval   = 5 * time.Second
	DefaultMaxPolls       = 6
	DefaultCancelRetries  = 3
	DefaultCancelInterval = 2 * time.Second
)

// Cashier runs the till's payment rule: submit; while the platform says
// the buyer must confirm (10003) or it does not know (20000, no reply, a
// reply that fails verification) query every PollInterval up to MaxPolls
// times; if still unpaid cancel at once, retrying while retry_flag=Y. It
// never submits a payment twice: after a lost reply it asks, it does not
// resend. Zero fields take the defaults above; Clock nil means the
// client's clock (or the wall clock).
type Cashier struct {
	Client         Gateway
	Clock          clock.Clock
	PollInterval   time.Duration
	MaxPolls       int
	CancelRetries  int // cancel calls in all, 2 s apart (the Alipay demo's MAX_CANCEL_RETRY)
	CancelInterval time.Duration
	// Progress, if set, hears what the till should show. It runs on the
	// cashier's goroutine and must return quickly.
	Progress func(Progress)
}

// Result is how a trade ended.
type Result int

const (
	// ResultApproved: the buyer paid.
	ResultApproved Result = iota + 1
	// ResultDeclined: refused or not paid; no money moved.
	ResultDeclined
	// ResultCancelled: the till cancelled it; any payment was given back.
	ResultCancelled
	// ResultInDoubt: the outcome is not known; Resolve it before the next trade.
	ResultInDoubt
)

func (r Result) String() string {
	switch r {
	case ResultApproved:
		return "approved"
	case ResultDeclined:
		return "declined"
	case ResultCancelled:
		return "cancelled"
	case ResultInDoubt:
		return "in doubt"
	}
	return fmt.Sprintf("Result(%d)", int(r))
}

// Outcome is the end of one trade, with what the journal and the receipt need.
type Outcome struct {
	Result        Result
	OutTradeNo    string
	TradeNo       string
	Amount        Fen // the platform's total_amount when it said one, else the amount asked
	ReceiptAmount Fen
	BuyerLogonID  string // masked by the platform
	PaidAt        time.Time
	Refunded      bool // cancelled after the buyer had paid: the money went back
	Declined      *Declined
	InDoubt       *InDoubt
	Queries       int // query calls made
	Cancels       int // cancel calls made
}

// InDoubt is a trade whose outcome could not be learnt: keep it in the
// journal and call Resolve with OutTradeNo before the next trade.
type InDoubt struct {
	OutTradeNo string
	TradeNo    string // when any verified reply named it
	Amount     Fen
	LastKnown  string    // last trade_status verified (WAIT_BUYER_PAY…), or "" if never confirmed
	Reason     string    // why the cashier gave up
	Err        error     // the last error seen
	Since      time.Time // the cashier clock when it gave up
	Cancelled  bool      // a cancel was attempted (its result unknown)
}

func (d *InDoubt) Error() string {
	return fmt.Sprintf("payment: trade %s in doubt (last known %q): %s", d.OutTradeNo, d.LastKnown, d.Reason)
}

func (d *InDoubt) Unwrap() error { return d.Err }

// Stage is what the till is doing, for the screen.
type Stage int

const (
	StageSubmitting Stage = iota + 1
	StageWaitingForBuyer
	StageQuerying
	StageCancelling
)

// Progress is one update for the screen. Remaining counts down to when the
// cashier stops waiting and cancels.
type Progress struct {
	Stage      Stage
	OutTradeNo string
	Poll       int // the query about to be made, 1…MaxPolls
	MaxPolls   int
	Remaining  time.Duration
	Message    Message
}

var stageMessages = map[Stage]Message{
	StageSubmitting:      {"正在支付…", "Paying…"},
	StageWaitingForBuyer: {"等待买家确认付款", "Waiting for buyer"},
	StageQuerying:        {"正在查询…", "Checking…"},
	StageCancelling:      {"正在撤销…", "Cancelling…"},
}

func (c *Cashier) config() (clock.Clock, time.Duration, int, int, time.Duration) {
	clk := c.Clock
	if clk == nil {
		if cl, ok := c.Client.(*Client); ok {
			clk = cl.Clock()
		} else {
			clk = clock.Real()
		}
	}
	pi, mp, cr, ci := c.PollInterval, c.MaxPolls, c.CancelRetries, c.CancelInterval
	if pi <= 0 {
		pi = DefaultPollInterval
	}
	if mp <= 0 {
		mp = DefaultMaxPolls
	}
	if cr <= 0 {
		cr = DefaultCancelRetries
	}
	if ci <= 0 {
		ci = DefaultCancelInterval
	}
	return clk, pi, mp, cr, ci
}

// run is one trade in progress.
type run struct {
	c          *Cashier
	clk        clock.Clock
	poll       time.Duration
	maxPolls   int
	cancels    int
	cancelWait time.Duration
	out        Outcome
	lastKnown  string
	lastErr    error
	cancelled  bool
	// closedIsCancelled: a closed trade found while resolving was closed
	// for the till (by its cancel, or by the timeout), not refused.
	closedIsCancelled bool
}

func (c *Cashier) start(outTradeNo string, amount Fen) *run {
	clk, pi, mp, cr, ci := c.config()
	return &run{c: c, clk: clk, poll: pi, maxPolls: mp, cancels: cr, cancelWait: ci,
		out: Outcome{OutTradeNo: outTradeNo, Amount: amount}}
}

func (r *run) progress(p Progress) {
	if r.c.Progress == nil {
		return
	}
	p.OutTradeNo = r.out.OutTradeNo
	p.MaxPolls = r.maxPolls
	p.Message = stageMessages[p.Stage]
	r.c.Progress(p)
}

// wait sleeps d on the cashier's clock unless ctx ends first.
func (r *run) wait(ctx context.Context, d time.Duration) error {
	t := r.clk.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C():
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (r *run) ref() TradeRef { return TradeRef{OutTradeNo: r.out.OutTradeNo} }

// note keeps what a trade reply told.
func (r *run) note(t *Trade) {
	if t == nil {
		return
	}
	if t.TradeNo != "" {
		r.out.TradeNo = t.TradeNo
	}
	if t.TradeStatus != "" {
		r.lastKnown = t.TradeStatus
	}
	if t.TotalAmount != 0 {
		r.out.Amount = t.TotalAmount
	}
	if t.ReceiptAmount != 0 {
		r.out.ReceiptAmount = t.ReceiptAmount
	}
	if t.BuyerLogonID != "" {
		r.out.BuyerLogonID = t.BuyerLogonID
	}
	if !t.PaidAt.IsZero() {
		r.out.PaidAt = t.PaidAt
	}
}

func (r *run) finish(res Result) Outcome {
	r.out.Result = res
	return r.out
}

func (r *run) declined(d *Declined) Outcome {
	r.out.Declined = d
	return r.finish(ResultDeclined)
}

func (r *run) inDoubt(reason string) Outcome {
	r.out.InDoubt = &InDoubt{OutTradeNo: r.out.OutTradeNo, TradeNo: r.out.TradeNo, Amount: r.out.Amount,
		LastKnown: r.lastKnown, Reason: reason, Err: r.lastErr, Since: r.clk.Now(), Cancelled: r.cancelled}
	return r.finish(ResultInDoubt)
}

func subCodeOf(err error) string {
	var api *APIError
	if errors.As(err, &api) {
		return api.SubCode
	}
	return ""
}
