package payment

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// PayByCode takes a payment by the buyer's payment code. The error is
// non-nil only when the request is invalid and nothing was sent; once the
// payment has been submitted every ending, including not knowing, is an
// Outcome.
func (c *Cashier) PayByCode(ctx context.Context, req PayRequest) (Outcome, error) {
	if err := checkOutTradeNo(req.OutTradeNo); err != nil {
		return Outcome{}, fmt.Errorf("payment: pay: %w", err)
	}
	if err := checkAmount(req.Amount); err != nil {
		return Outcome{}, fmt.Errorf("payment: pay: %w", err)
	}
	if req.AuthCode == "" || req.Subject == "" {
		return Outcome{}, errors.New("payment: pay: auth code and subject are required")
	}
	r := c.start(req.OutTradeNo, req.Amount)
	r.progress(Progress{Stage: StageSubmitting})
	t, err := c.Client.Pay(ctx, req)
	r.note(t)
	switch {
	case err == nil && t.Status.Code == CodeSuccess:
		return r.finish(ResultApproved), nil
	case err == nil: // 10003: the buyer confirms on the phone
		r.lastKnown = WaitBuyerPay
	case isUncertain(err):
		r.lastErr = err
		r.lastKnown = ""
	case subCodeOf(err) == "ACQ.TRADE_HAS_SUCCESS":
		// A resubmission of a trade that was paid: learn its details.
		r.lastKnown = TradeSuccess
		if out, done := r.queryOnce(ctx); done {
			return out, nil
		}
		return r.finish(ResultApproved), nil
	default:
		var api *APIError
		errors.As(err, &api)
		return r.declined(declinedFrom(api.Status)), nil
	}
	if out, done := r.pollUntilSettled(ctx); done {
		return out, nil
	}
	return r.cancelTrade(ctx), nil
}

// PayByQR takes a payment by a QR code the buyer scans: precreate, show
// the code, then the same polling and cancel rule as PayByCode.
func (c *Cashier) PayByQR(ctx context.Context, req PrecreateRequest, show func(qr string)) (Outcome, error) {
	if err := checkOutTradeNo(req.OutTradeNo); err != nil {
		return Outcome{}, fmt.Errorf("payment: precreate: %w", err)
	}
	if err := checkAmount(req.Amount); err != nil {
		return Outcome{}, fmt.Errorf("payment: precreate: %w", err)
	}
	if req.Subject == "" {
		return Outcome{}, errors.New("payment: precreate: subject is required")
	}
	r := c.start(req.OutTradeNo, req.Amount)
	r.progress(Progress{Stage: StageSubmitting})
	pre, err := c.Client.Precreate(ctx, req)
	switch {
	case err == nil:
		r.lastKnown = WaitBuyerPay
		if show != nil {
			show(pre.QRCode)
		}
	case isUncertain(err):
		// A code may exist that nobody was shown: make sure it cannot be paid.
		r.lastErr = err
		return r.cancelTrade(ctx), nil
	default:
		var api *APIError
		errors.As(err, &api)
		return r.declined(declinedFrom(api.Status)), nil
	}
	if out, done := r.pollUntilSettled(ctx); done {
		return out, nil
	}
	return r.cancelTrade(ctx), nil
}

// Resolve settles a trade left in doubt: it queries at once; paid is
// Approved, closed is Cancelled (nothing is collected), and a trade that is
// unpaid or not found is cancelled, so that a late request cannot charge
// the buyer after the till has given up on it.
func (c *Cashier) Resolve(ctx context.Context, outTradeNo string) (Outcome, error) {
	if err := checkOutTradeNo(outTradeNo); err != nil {
		return Outcome{}, fmt.Errorf("payment: resolve: %w", err)
	}
	r := c.start(outTradeNo, 0)
	r.closedIsCancelled = true
	r.progress(Progress{Stage: StageQuerying})
	if out, done := r.queryOnce(ctx); done {
		return out, nil
	}
	if r.lastErr != nil && isUncertain(r.lastErr) {
		return r.inDoubt("the query got no usable answer: " + r.lastErr.Error()), nil
	}
	return r.cancelTrade(ctx), nil
}

// queryOnce asks for the trade and reports whether that settled it.
func (r *run) queryOnce(ctx context.Context) (Outcome, bool) {
	r.out.Queries++
	t, err := r.c.Client.Query(ctx, r.ref())
	if err != nil {
		r.lastErr = err
		if subCodeOf(err) == "ACQ.TRADE_NOT_EXIST" {
			r.lastErr = nil // a verified "no such trade" is knowledge, not failure
			if r.lastKnown == "" {
				r.lastKnown = "NOT_EXIST"
			}
		}
		return Outcome{}, false
	}
	r.lastErr = nil
	r.note(t)
	switch {
	case t.Paid():
		return r.finish(ResultApproved), true
	case t.TradeStatus == TradeClosed:
		if r.cancelled || r.closedIsCancelled {
			return r.finish(ResultCancelled), true
		}
		return r.declined(&Declined{Code: t.Status.Code, SubCode: TradeClosed, Message: OperatorMessage("", TradeClosed)}), true
	}
	return Outcome{}, false
}

// pollUntilSettled waits PollInterval and queries, up to MaxPolls times.
func (r *run) pollUntilSettled(ctx context.Context) (Outcome, bool) {
	for i := 1; i <= r.maxPolls; i++ {
		remaining := r.poll * time.Duration(r.maxPolls-i+1)
		r.progress(Progress{Stage: StageWaitingForBuyer, Poll: i, Remaining: remaining})
		if err := r.wait(ctx, r.poll); err != nil {
			r.lastErr = err
			return r.inDoubt("stopped while waiting for the buyer: " + err.Error()), true
		}
		r.progress(Progress{Stage: StageQuerying, Poll: i, Remaining: remaining - r.poll})
		if out, done := r.queryOnce(ctx); done {
			return out, true
		}
	}
	return Outcome{}, false
}

// cancelTrade cancels at once, retrying while the platform says retry_flag=Y
// (or does not answer), then settles the outcome; a cancel that never takes
// ends in a last query and, failing that, in doubt.
func (r *run) cancelTrade(ctx context.Context) Outcome {
	for i := 1; i <= r.cancels; i++ {
		if i > 1 {
			if err := r.wait(ctx, r.cancelWait); err != nil {
				r.lastErr = err
				return r.inDoubt("stopped while cancelling: " + err.Error())
			}
		}
		if ctx.Err() != nil {
			r.lastErr = ctx.Err()
			return r.inDoubt("stopped before cancelling: " + ctx.Err().Error())
		}
		r.progress(Progress{Stage: StageCancelling})
		r.out.Cancels++
		r.cancelled = true
		res, err := r.c.Client.Cancel(ctx, r.ref())
		if res != nil && res.TradeNo != "" {
			r.out.TradeNo = res.TradeNo
		}
		if err == nil {
			r.lastErr = nil
			r.out.Refunded = res.Action == "refund"
			return r.finish(ResultCancelled)
		}
		r.lastErr = err
		if subCodeOf(err) == "ACQ.TRADE_NOT_EXIST" {
			r.lastErr = nil
			r.lastKnown = "NOT_EXIST"
			return r.finish(ResultCancelled) // nothing to cancel: nothing was charged
		}
		if !res.Retry() && !isUncertain(err) {
			break // a definite refusal: see what state the trade is in
		}
	}
	if ctx.Err() == nil {
		if out, done := r.queryOnce(ctx); done {
			return out
		}
	}
	reason := "cancel did not take"
	if r.lastErr != nil {
		reason += ": " + r.lastErr.Error()
	}
	return r.inDoubt(reason)
}
