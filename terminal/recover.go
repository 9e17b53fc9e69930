package terminal

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/posemu/posemu/drivers/payment"
	"github.com/posemu/posemu/terminal/journal"
)

// recover runs at start-up, before anyone signs on: every trade the
// journal holds in doubt is resolved with the platform (a sale is queried,
// then cancelled if unpaid; a void or refund is sent again under the same
// request number, which the platform answers idempotently), then the
// slips still owed are printed.
func (a *App) recover(ctx context.Context) error {
	a.setStatus("recovering")
	pending := len(a.j.InDoubt())
	if torn := a.j.Torn(); torn > 0 {
		a.log.Warn("journal: dropped a torn last record", "bytes", torn)
	}
	if pending > 0 {
		if err := a.resolveAll(ctx); err != nil {
			return err
		}
	}
	if pending == 0 && len(a.j.SlipsOwed()) == 0 {
		return nil
	}
	left := len(a.j.InDoubt())
	if a.health.printer.ok {
		if err := a.printOwed(ctx); err != nil {
			return err
		}
	}
	lines := []line{text("上次未完成的交易已处理"), text("Unfinished trades checked"), text("")}
	lines = append(lines, text(fmt.Sprintf("已处理 Resolved: %d", pending-left)))
	if left > 0 {
		lines = append(lines, text(fmt.Sprintf("仍未知 Still unknown: %d", left)), text("暂停收款 Payments paused"))
	}
	if n := len(a.j.SlipsOwed()); n > 0 {
		lines = append(lines, text(fmt.Sprintf("待打印签购单 Slips owed: %d", n)))
	}
	_, err := a.message(ctx, "恢复 RECOVERY", lines, 0)
	return err
}

// printOwed prints the slips the journal says are owed (a trade resolved
// as paid, or a crash between the copies).
func (a *App) printOwed(ctx context.Context) error {
	for _, e := range a.j.SlipsOwed() {
		if err := a.printSlips(ctx, e); err != nil {
			return err
		}
	}
	return nil
}

// resolveAll settles every entry in doubt, oldest first.
func (a *App) resolveAll(ctx context.Context) error {
	for _, e := range a.j.InDoubt() {
		a.show(page{title: "恢复 RECOVERY", lines: []line{text("正在处理未完成交易"), text("Resolving an unfinished trade"),
			text(""), text("凭证号 Voucher " + e.VoucherNo()), text(e.Kind.ZH() + " " + e.Kind.EN() + " " + rmb(e.Amount))}})
		var err error
		switch e.Kind {
		case journal.Sale, journal.SaleQR:
			var o payment.Outcome
			o, err = a.dev.Payments.Resolve(ctx, e.OutTradeNo, nil)
			if err != nil {
				a.log.Error("resolve refused locally", "voucher", e.VoucherNo(), "err", err)
				continue
			}
			e = applyOutcome(e, o, nil)
		case journal.Void:
			e = a.sendVoid(ctx, e)
		case journal.Refund:
			e = a.sendRefund(ctx, e)
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if e, err = a.update(e); err != nil {
			return err
		}
		a.log.Info("resolved", "voucher", e.VoucherNo(), "kind", e.Kind, "state", e.State)
	}
	return nil
}

// sendVoid cancels the original sale of a void entry, retrying while the
// platform says retry_flag=Y (3 calls, 2 s apart on the clock).
func (a *App) sendVoid(ctx context.Context, e journal.Entry) journal.Entry {
	var last error
	for try := 0; try < payment.DefaultCancelRetries; try++ {
		if try > 0 && a.sleep(ctx, payment.DefaultCancelInterval) != nil {
			return e
		}
		res, err := a.dev.Payments.Cancel(ctx, payment.TradeRef{OutTradeNo: e.OutTradeNo})
		if err == nil && !res.Retry() {
			e.State, e.Message = journal.Approved, ""
			if res.TradeNo != "" {
				e.TradeNo = res.TradeNo
			}
			return e
		}
		if err == nil {
			last = errors.New("retry_flag=Y")
			continue
		}
		last = err
		var api *payment.APIError
		if errors.As(err, &api) && !api.Unknown() {
			m := payment.OperatorMessage(api.Code, api.SubCode)
			e.State, e.Code, e.SubCode, e.Message = journal.Declined, api.Code, api.SubCode, m.ZH+" / "+m.EN
			return e
		}
	}
	e.State, e.Message = journal.InDoubt, "撤销结果未知 / Void result unknown: "+last.Error()
	return e
}

// sendRefund sends (or sends again: the request number makes it
// idempotent) the refund of a refund entry.
func (a *App) sendRefund(ctx context.Context, e journal.Entry) journal.Entry {
	res, err := a.dev.Payments.Refund(ctx, payment.RefundRequest{OutTradeNo: e.OutTradeNo, Amount: payment.Fen(e.Amount),
		OutRequestNo: e.OutRequestNo, Reason: "退货 refund", OperatorID: e.Operator,
		TerminalID: a.cfg.Terminal.Number, StoreID: a.cfg.Terminal.StoreID})
	var api *payment.APIError
	switch {
	case err == nil:
		e.State, e.Message = journal.Approved, ""
		if res.TradeNo != "" {
			e.TradeNo = res.TradeNo
		}
		if !res.RefundedAt.IsZero() {
			e.PaidAt = res.RefundedAt
		}
	case errors.As(err, &api) && !api.Unknown():
		m := payment.OperatorMessage(api.Code, api.SubCode)
		e.State, e.Code, e.SubCode, e.Message = journal.Declined, api.Code, api.SubCode, m.ZH+" / "+m.EN
	default:
		e.State, e.Message = journal.InDoubt, "退货结果未知 / Refund result unknown: "+err.Error()
	}
	return e
}

// sleep waits d on the application's clock.
func (a *App) sleep(ctx context.Context, d time.Duration) error {
	t := a.clk.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C():
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
