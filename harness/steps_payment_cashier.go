package harness

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

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

// RefundStep refunds through the client and checks the platform's answer.
type RefundStep struct {
	Amount       string `yaml:"amount" required:"true" shorthand:"true" doc:"yuan to give back"`
	OutTradeNo   string `yaml:"out_trade_no" doc:"the trade (the latest payment's if unset)"`
	OutRequestNo string `yaml:"out_request_no" doc:"the refund's key: the same key again answers the first refund and moves no money (a new one per step if unset)"`
	Reason       string `yaml:"reason" doc:"refund_reason"`
	SubCode      string `yaml:"sub_code" doc:"the platform refuses it with this sub_code, e.g. ACQ.REFUND_AMT_NOT_EQUAL_TOTAL"`
	FundChange   *bool  `yaml:"fund_change" doc:"money moved: false when it repeats an earlier refund"`
	Refunded     string `yaml:"refunded" doc:"yuan refunded on the trade so far, as the platform answers"`
	InDoubt      bool   `yaml:"in_doubt" doc:"no usable answer arrives (lost, no reply, bad signature): the refund may or may not have happened"`
}

// Validate checks the amounts.
func (s *RefundStep) Validate() error {
	if err := checkYuan("amount", s.Amount, "refunded", s.Refunded); err != nil {
		return err
	}
	if s.InDoubt && (s.SubCode != "" || s.FundChange != nil || s.Refunded != "") {
		return errors.New("in_doubt: an answer that never arrives has no sub_code, fund_change or refunded")
	}
	return nil
}

// QueryStep asks the platform about a trade (alipay.trade.query) through
// the client, as the terminal would.
type QueryStep struct {
	OutTradeNo string   `yaml:"out_trade_no" shorthand:"true" doc:"the trade (the latest payment's if unset)"`
	Status     string   `yaml:"status" doc:"trade_status: WAIT_BUYER_PAY, TRADE_SUCCESS, TRADE_CLOSED or TRADE_FINISHED"`
	Amount     string   `yaml:"amount" doc:"total_amount in yuan"`
	SubCode    string   `yaml:"sub_code" doc:"the platform answers with this sub_code instead, e.g. ACQ.TRADE_NOT_EXIST"`
	InDoubt    bool     `yaml:"in_doubt" doc:"no usable answer arrives"`
	Timeout    Duration `yaml:"timeout" doc:"how long to keep asking"`
}

// Validate checks the status.
func (s *QueryStep) Validate() error {
	if err := checkYuan("amount", s.Amount); err != nil {
		return err
	}
	return oneOf("status", s.Status, "WAIT_BUYER_PAY", "TRADE_SUCCESS", "TRADE_CLOSED", "TRADE_FINISHED")
}

// CancelStep cancels a trade through the client (alipay.trade.cancel).
type CancelStep struct {
	OutTradeNo string `yaml:"out_trade_no" shorthand:"true" doc:"the trade (the latest payment's if unset)"`
	Action     string `yaml:"action" doc:"what the cancel did: close (it was unpaid) or refund (it was paid)"`
	Retry      *bool  `yaml:"retry" doc:"the platform asks to try again (retry_flag Y)"`
	SubCode    string `yaml:"sub_code" doc:"the platform refuses it with this sub_code"`
	InDoubt    bool   `yaml:"in_doubt" doc:"no usable answer arrives"`
}

// Validate checks the action.
func (s *CancelStep) Validate() error { return oneOf("action", s.Action, "close", "refund") }

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
	Register(Def[RefundStep]{
		Name: "refund", Area: "payment",
		Summary:  "refund part or all of a paid trade through the client, and check the platform's answer",
		Example:  `- refund: {amount: "5.00", out_request_no: R1, refunded: "5.00"}`,
		Hardware: "the same, against the station's platform",
		Emulator: refundRun, Physical: refundRun,
	})
	Register(Def[QueryStep]{
		Name: "query", Area: "payment",
		Summary:  "ask the platform about a trade through the client (alipay.trade.query), and check the answer",
		Example:  `- query: {status: TRADE_SUCCESS, amount: "12.50"}`,
		Hardware: "the same, against the station's platform",
		Emulator: queryRun, Physical: queryRun,
	})
	Register(Def[CancelStep]{
		Name: "cancel", Area: "payment",
		Summary:  "cancel a trade through the client (alipay.trade.cancel), and check the platform's answer",
		Example:  `- cancel: {action: close}`,
		Hardware: "the same, against the station's platform",
		Emulator: cancelRun, Physical: cancelRun,
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

// call runs one client call with the step's context; the step waits for
// its answer (see Platform.awaiting).
func call[T any](r *Run, p *Platform, f func(ctx context.Context) (T, error)) (T, error) {
	ctx, cancel := context.WithTimeout(r.ctx, 2*PlatformCallTimeout)
	defer cancel()
	defer p.awaiting()()
	return f(ctx)
}

// answerCheck compares a client error with what the step expects: a
// refusal with subCode, no usable answer (inDoubt), or success.
func answerCheck(what string, err error, subCode string, inDoubt bool) error {
	var api *payment.APIError
	isAPI := errors.As(err, &api)
	switch {
	case inDoubt:
		if err == nil || (isAPI && !api.Unknown()) {
			return fmt.Errorf("%s: expected no usable answer, got %s", what, answerString(err))
		}
	case subCode != "":
		if !isAPI || api.SubCode != subCode {
			return fmt.Errorf("%s: expected the platform to refuse with %s, got %s", what, subCode, answerString(err))
		}
	case err != nil:
		return fmt.Errorf("%s: %w", what, err)
	}
	return nil
}

func answerString(err error) string {
	if err == nil {
		return "success (10000)"
	}
	return err.Error()
}

func refundRun(r *Run, s *RefundStep) error {
	p, no, err := settledTrade(r, s.OutTradeNo)
	if err != nil {
		return err
	}
	amount, err := payment.ParseYuan(s.Amount)
	if err != nil {
		return err
	}
	req := payment.RefundRequest{OutTradeNo: no, Amount: amount, OutRequestNo: s.OutRequestNo, Reason: s.Reason,
		OperatorID: "01", TerminalID: "POSEMU01", StoreID: "S001"}
	if req.OutRequestNo == "" {
		req.OutRequestNo = p.NewTradeNo("R")
	}
	res, err := call(r, p, func(ctx context.Context) (*payment.RefundResult, error) { return p.Client.Refund(ctx, req) })
	what := fmt.Sprintf("refund %s of %s (out_request_no %s)", amount.Yuan(), no, req.OutRequestNo)
	if err := answerCheck(what, err, s.SubCode, s.InDoubt); err != nil {
		return err
	}
	if err != nil {
		r.Logf("%s: %v", what, err)
		return nil
	}
	r.Logf("%s: fund_change %t, refund_fee %s", what, res.FundChange, res.RefundFee.Yuan())
	if s.FundChange != nil && res.FundChange != *s.FundChange {
		return r.Failf(fmt.Sprintf("fund_change %t, refund_fee %s", res.FundChange, res.RefundFee.Yuan()),
			"%s: expected fund_change %t", what, *s.FundChange)
	}
	if s.Refunded != "" {
		want, _ := payment.ParseYuan(s.Refunded)
		if res.RefundFee != want {
			return r.Failf(fmt.Sprintf("refund_fee %s", res.RefundFee.Yuan()), "%s: expected %s refunded so far", what, s.Refunded)
		}
	}
	return nil
}

func queryRun(r *Run, s *QueryStep) error {
	p, no, err := settledTrade(r, s.OutTradeNo)
	if err != nil {
		return err
	}
	var want payment.Fen
	if s.Amount != "" {
		if want, err = payment.ParseYuan(s.Amount); err != nil {
			return err
		}
	}
	return r.Poll(r.Timeout(s.Timeout), 100*time.Millisecond, "the platform to answer the query of "+no+" as expected", func() (bool, string) {
		t, err := call(r, p, func(ctx context.Context) (*payment.Trade, error) {
			return p.Client.Query(ctx, payment.TradeRef{OutTradeNo: no})
		})
		if cerr := answerCheck("query "+no, err, s.SubCode, s.InDoubt); cerr != nil {
			return false, cerr.Error()
		}
		if err != nil {
			return true, ""
		}
		seen := fmt.Sprintf("trade_status %s, total_amount %s, buyer %s", t.TradeStatus, t.TotalAmount.Yuan(), t.BuyerLogonID)
		return (s.Status == "" || t.TradeStatus == s.Status) && (s.Amount == "" || t.TotalAmount == want), seen
	})
}

func cancelRun(r *Run, s *CancelStep) error {
	p, no, err := settledTrade(r, s.OutTradeNo)
	if err != nil {
		return err
	}
	res, err := call(r, p, func(ctx context.Context) (*payment.CancelResult, error) {
		return p.Client.Cancel(ctx, payment.TradeRef{OutTradeNo: no})
	})
	var api *payment.APIError
	if s.Retry != nil && *s.Retry && errors.As(err, &api) && res != nil && res.Retry() {
		r.Logf("cancel %s: retry_flag Y (%s)", no, api.SubCode)
		return nil
	}
	if err := answerCheck("cancel "+no, err, s.SubCode, s.InDoubt); err != nil {
		return err
	}
	if err != nil {
		return nil
	}
	seen := fmt.Sprintf("action %q, retry_flag %q", res.Action, res.RetryFlag)
	r.Logf("cancel %s: %s", no, seen)
	switch {
	case s.Action != "" && res.Action != s.Action:
		return r.Failf(seen, "cancel %s: expected action %s", no, s.Action)
	case s.Retry != nil && res.Retry() != *s.Retry:
		return r.Failf(seen, "cancel %s: expected retry_flag %s", no, map[bool]string{true: "Y", false: "N"}[*s.Retry])
	}
	return nil
}

// expectTradeByQuery is expect_trade on a real platform: what
// alipay.trade.query tells of one of the harness's trades.
func expectTradeByQuery(r *Run, s *ExpectTradeStep) error {
	if s.Refunded != "" || s.Refunds != nil || s.Buyer != "" || s.ClosedBy != "" || s.AwaitingPassword != nil || s.Count != nil {
		return &SkipError{Reason: fmt.Sprintf("%s: expect_trade on a real platform checks status and amount only (alipay.trade.query)", r.step.Where())}
	}
	return queryRun(r, &QueryStep{OutTradeNo: s.OutTradeNo, Status: s.Status, Amount: s.Amount, Timeout: s.Timeout})
}
