package harness

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/posemu/posemu/drivers/payment"
)

// PayStep takes a payment through drivers/payment's Cashier, in the
// background: the step returns once the platform has answered the first
// call, and advance_clock drives the polling that follows.
type PayStep struct {
	Code       string `yaml:"code" doc:"the buyer's payment code, as scanned (not with qr)"`
	Amount     string `yaml:"amount" required:"true" doc:"yuan, e.g. 12.50"`
	OutTradeNo string `yaml:"out_trade_no" doc:"the till's trade number (default: a new POSEMU… number)"`
	Subject    string `yaml:"subject" doc:"what is sold (default: posemu scenario)"`
	QR         bool   `yaml:"qr" doc:"show a QR code for the buyer to scan instead (precreate); see buyer: scan"`
}

// Validate checks the amount and that there is a buyer or a QR code.
func (s *PayStep) Validate() error {
	if !amountRe.MatchString(s.Amount) {
		return fmt.Errorf("amount %q: write yuan with up to two decimals", s.Amount)
	}
	if s.QR == (s.Code != "") {
		return errors.New("give the buyer's code, or qr: true for a QR code the buyer scans (not both)")
	}
	return nil
}

// Payment results, as expect_payment names them.
var paymentResults = map[string]payment.Result{
	"approved": payment.ResultApproved, "declined": payment.ResultDeclined,
	"cancelled": payment.ResultCancelled, "in_doubt": payment.ResultInDoubt,
}

// Till stages, as expect_payment names them.
var paymentStages = map[string]payment.Stage{
	"submitting": payment.StageSubmitting, "waiting_for_buyer": payment.StageWaitingForBuyer,
	"querying": payment.StageQuerying, "cancelling": payment.StageCancelling,
}

// ExpectPaymentStep checks how a payment the harness took ended (or where
// the cashier is with it).
type ExpectPaymentStep struct {
	Result     string    `yaml:"result" shorthand:"true" doc:"approved, declined, cancelled, in_doubt, or pending (the cashier is still at it)"`
	SubCode    string    `yaml:"sub_code" doc:"declined: the platform's sub_code (TRADE_CLOSED: the buyer refused on the phone)"`
	Message    string    `yaml:"message" doc:"the till's text for it (Chinese or English) contains this"`
	Refunded   *bool     `yaml:"refunded" doc:"cancelled: the buyer had paid, and the cancel gave the money back"`
	Amount     string    `yaml:"amount" doc:"yuan, as the platform confirmed it"`
	Queries    *int      `yaml:"queries" doc:"how many queries the cashier made"`
	Cancels    *int      `yaml:"cancels" doc:"how many cancel calls the cashier made"`
	Stage      string    `yaml:"stage" doc:"pending: what the till shows now: submitting, waiting_for_buyer, querying or cancelling"`
	Remaining  *Duration `yaml:"remaining" doc:"pending: the countdown the till shows before it gives up and cancels"`
	OutTradeNo string    `yaml:"out_trade_no" doc:"which payment (the latest pay's if unset)"`
	Timeout    Duration  `yaml:"timeout" doc:"how long to wait for the cashier to get there (real time)"`
}

// Validate checks the names.
func (s *ExpectPaymentStep) Validate() error {
	if s.Result == "" {
		return errors.New("result: say approved, declined, cancelled, in_doubt or pending")
	}
	if _, ok := paymentResults[s.Result]; !ok && s.Result != "pending" {
		return fmt.Errorf("result %q: valid: approved, declined, cancelled, in_doubt, pending", s.Result)
	}
	if s.Stage != "" {
		if _, ok := paymentStages[s.Stage]; !ok {
			return fmt.Errorf("stage %q: valid: submitting, waiting_for_buyer, querying, cancelling", s.Stage)
		}
	}
	if (s.Stage != "" || s.Remaining != nil) && s.Result != "pending" {
		return errors.New("stage and remaining describe a payment still pending: use result: pending")
	}
	return checkYuan("amount", s.Amount)
}

// TradeRefStep names one of the harness's trades.
type TradeRefStep struct {
	OutTradeNo string `yaml:"out_trade_no" shorthand:"true" doc:"the till's trade number (the latest payment's if unset)"`
}

func init() {
	Register(Def[PayStep]{
		Name: "pay", Area: "payment",
		Summary:  "the till takes a payment through drivers/payment's cashier, in the background (advance_clock drives its polling)",
		Example:  `- pay: {code: "281234567890123456", amount: "12.50"}`,
		Hardware: "the same, against the station's platform, in real time",
		Emulator: payRun, Physical: payRun,
	})
	Register(Def[ExpectPaymentStep]{
		Name: "expect_payment", Area: "payment",
		Summary:  "the cashier ended the payment so (or is still at it)",
		Example:  `- expect_payment: {result: declined, sub_code: ACQ.BUYER_BALANCE_NOT_ENOUGH}`,
		Hardware: "the same, against the station's platform (set a timeout: the cashier takes up to 34 s)",
		Emulator: expectPayment, Physical: expectPayment,
	})
	Register(Def[TradeRefStep]{
		Name: "resolve", Area: "payment",
		Summary:  "settle a payment left in doubt (Cashier.Resolve), in the background; expect_payment reads the result",
		Example:  `- resolve: {}`,
		Hardware: "the same, against the station's platform",
		Emulator: resolveRun, Physical: resolveRun,
	})
}

func payRun(r *Run, s *PayStep) error {
	p, err := r.Platform()
	if err != nil {
		return err
	}
	amount, err := payment.ParseYuan(s.Amount)
	if err != nil {
		return err
	}
	no := s.OutTradeNo
	if no == "" {
		no = p.NewTradeNo("POSEMU")
	}
	subject := s.Subject
	if subject == "" {
		subject = "posemu scenario"
	}
	op := &payOp{kind: "pay", outTradeNo: no, amount: amount, code: s.Code}
	flow := func(ctx context.Context, c *payment.Cashier) (payment.Outcome, error) {
		return c.PayByCode(ctx, payment.PayRequest{OutTradeNo: no, AuthCode: s.Code, Amount: amount, Subject: subject,
			OperatorID: "01", TerminalID: "POSEMU01", StoreID: "S001"})
	}
	if s.QR {
		op.kind = "pay_qr"
		flow = func(ctx context.Context, c *payment.Cashier) (payment.Outcome, error) {
			return c.PayByQR(ctx, payment.PrecreateRequest{OutTradeNo: no, Amount: amount, Subject: subject,
				OperatorID: "01", TerminalID: "POSEMU01", StoreID: "S001"}, func(qr string) {
				p.mu.Lock()
				op.qr = qr
				p.wake()
				p.mu.Unlock()
			})
		}
	}
	if err := p.start(op, flow); err != nil {
		return err
	}
	r.Logf("pay %s: %s yuan (%s)", no, amount.Yuan(), map[bool]string{true: "QR code", false: "code " + s.Code}[s.QR])
	return p.settle(r.ctx)
}

func resolveRun(r *Run, s *TradeRefStep) error {
	p, err := r.Platform()
	if err != nil {
		return err
	}
	no, err := tradeNo(p, s.OutTradeNo)
	if err != nil {
		return err
	}
	op := &payOp{kind: "resolve", outTradeNo: no}
	if prev := p.op(no); prev != nil {
		op.amount, op.code = prev.amount, prev.code
	}
	if err := p.start(op, func(ctx context.Context, c *payment.Cashier) (payment.Outcome, error) {
		return c.Resolve(ctx, no)
	}); err != nil {
		return err
	}
	return p.settle(r.ctx)
}

// settledPlatform is the scenario's platform once the payments in the
// background have come to rest.
func settledPlatform(r *Run) (*Platform, error) {
	p, err := r.Platform()
	if err != nil {
		return nil, err
	}
	return p, p.settle(r.ctx)
}

// settledTrade is settledPlatform and the trade a step names (no, or the
// latest payment's).
func settledTrade(r *Run, no string) (*Platform, string, error) {
	p, err := settledPlatform(r)
	if err != nil {
		return nil, "", err
	}
	no, err = tradeNo(p, no)
	return p, no, err
}

// tradeNo is no, or the latest payment's.
func tradeNo(p *Platform, no string) (string, error) {
	if no != "" {
		return no, nil
	}
	if no = p.lastTradeNo(); no == "" {
		return "", errors.New("no payment yet: give out_trade_no, or pay first")
	}
	return no, nil
}

func outcomeString(o payment.Outcome) string {
	s := o.Result.String()
	switch {
	case o.Declined != nil:
		s += fmt.Sprintf(" %s %s (%s)", o.Declined.Code, o.Declined.SubCode, o.Declined.Message)
	case o.InDoubt != nil:
		s += fmt.Sprintf(" (last known %q: %s)", o.InDoubt.LastKnown, o.InDoubt.Reason)
	case o.Refunded:
		s += " (refunded)"
	}
	if o.Amount != 0 {
		s += ", " + o.Amount.Yuan() + " yuan"
	}
	return s + fmt.Sprintf(", %d queries, %d cancels", o.Queries, o.Cancels)
}

var stageNames = map[payment.Stage]string{}

func init() {
	for name, st := range paymentStages {
		stageNames[st] = name
	}
}

func progressString(pr payment.Progress) string {
	s := stageNames[pr.Stage]
	if pr.Stage == payment.StageWaitingForBuyer {
		s += fmt.Sprintf(" (%s left, query %d of %d)", pr.Remaining, pr.Poll, pr.MaxPolls)
	}
	return s + " " + pr.Message.String()
}

func expectPayment(r *Run, s *ExpectPaymentStep) error {
	p, err := settledPlatform(r)
	if err != nil {
		return err
	}
	want := "the payment to be " + s.Result
	if s.SubCode != "" {
		want += " with " + s.SubCode
	}
	return r.Await(r.Timeout(s.Timeout), want, func() (bool, string) {
		op := p.op(s.OutTradeNo)
		if op == nil {
			return false, "no payment yet"
		}
		p.mu.Lock()
		defer p.mu.Unlock()
		return s.matches(op), op.describeLocked(p.clk.Now())
	})
}

// matches checks op; the caller holds the platform's lock.
func (s *ExpectPaymentStep) matches(op *payOp) bool {
	if s.Result == "pending" {
		if op.done {
			return false
		}
		var last payment.Progress
		if n := len(op.progress); n > 0 {
			last = op.progress[n-1]
		}
		switch {
		case s.Stage != "" && last.Stage != paymentStages[s.Stage],
			s.Remaining != nil && (last.Stage != payment.StageWaitingForBuyer || last.Remaining != s.Remaining.D()),
			s.Message != "" && !strings.Contains(last.Message.ZH+" "+last.Message.EN, s.Message):
			return false
		}
		return true
	}
	if !op.done || op.err != nil {
		return false
	}
	o := op.out
	msg := ""
	switch {
	case o.Declined != nil:
		msg = o.Declined.Message.ZH + " " + o.Declined.Message.EN + " " + o.Declined.SubMsg
	case o.InDoubt != nil:
		msg = o.InDoubt.Reason
	}
	sub := ""
	if o.Declined != nil {
		sub = o.Declined.SubCode
	}
	switch {
	case o.Result != paymentResults[s.Result],
		s.SubCode != "" && sub != s.SubCode,
		s.Message != "" && !strings.Contains(msg, s.Message),
		s.Refunded != nil && o.Refunded != *s.Refunded,
		s.Queries != nil && o.Queries != *s.Queries,
		s.Cancels != nil && o.Cancels != *s.Cancels:
		return false
	}
	if s.Amount != "" {
		want, err := payment.ParseYuan(s.Amount)
		if err != nil || o.Amount != want {
			return false
		}
	}
	return true
}
