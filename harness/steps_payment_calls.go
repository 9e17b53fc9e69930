package harness

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/posemu/posemu/drivers/payment"
)

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
