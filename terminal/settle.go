package terminal

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/posemu/posemu/drivers/payment"
	"github.com/posemu/posemu/drivers/printer"
	"github.com/posemu/posemu/terminal/journal"
)

// Difference is one trade on which the terminal and the platform's bill
// disagree: the net amount each says moved (sales less refunds and voids).
type Difference struct {
	OutTradeNo string
	Local      int64 // fen, per the journal
	Platform   int64 // fen, per the bill
}

// Reconcile compares a batch's approved entries with the platform's bill
// rows, per trade (out_trade_no): sales add, voids and refunds subtract.
// Bill rows of trades that are not this terminal's (another terminal
// number prefix) are ignored. A trade paid and then cancelled nets zero
// on both sides.
func Reconcile(entries []journal.Entry, batch int, terminalNo string, bill []BillRow) []Difference {
	local := map[string]int64{}
	for _, e := range entries {
		if e.Batch != batch || e.State != journal.Approved {
			continue
		}
		if e.Kind.IsSale() {
			local[e.OutTradeNo] += e.Amount
		} else {
			local[e.OutTradeNo] -= e.Amount
		}
	}
	platform := map[string]int64{}
	for _, r := range bill {
		if !strings.HasPrefix(r.OutTradeNo, terminalNo) {
			continue
		}
		if r.Refund {
			platform[r.OutTradeNo] -= r.Amount
		} else {
			platform[r.OutTradeNo] += r.Amount
		}
	}
	var diffs []Difference
	for no, l := range local {
		if p := platform[no]; p != l {
			diffs = append(diffs, Difference{OutTradeNo: no, Local: l, Platform: p})
		}
	}
	for no, p := range platform {
		if _, ok := local[no]; !ok && p != 0 {
			diffs = append(diffs, Difference{OutTradeNo: no, Platform: p})
		}
	}
	sort.Slice(diffs, func(i, j int) bool { return diffs[i].OutTradeNo < diffs[j].OutTradeNo })
	return diffs
}

// settle shows the batch totals, reconciles them with the platform's
// bill for every day the batch covers, prints the settlement slip with
// any differences, and closes the batch.
func (a *App) settle(ctx context.Context) error {
	const title = "结算 SETTLEMENT"
	a.setStatus("settle")
	batch := a.j.Batch()
	t := a.j.Totals(batch)
	a.show(page{title: title, lines: append(totalLines(t), text(""), text("确认结算? ENTER to settle")),
		footer: "确认 ENTER  取消 CANCEL"})
	for {
		k, err := a.key(ctx)
		if err != nil {
			return err
		}
		if k == KeyCancel {
			return nil
		}
		if k == KeyEnter {
			break
		}
	}
	if len(a.j.InDoubt()) > 0 {
		if err := a.resolveAll(ctx); err != nil {
			return err
		}
		if len(a.j.InDoubt()) > 0 {
			_, err := a.message(ctx, title, []line{text("有结果未知的交易，不能结算"), text("Trades in doubt: cannot settle"),
				text(""), text("请检查网络后重试 Check network, retry")}, 0)
			return err
		}
		t = a.j.Totals(batch)
	}
	a.show(page{title: title, lines: []line{text("正在下载对账单"), text("Fetching the platform's bill…")}})
	entries := a.j.Entries()
	var bill []BillRow
	var billErr error
	for _, day := range batchDays(entries, batch, a.clk.Now()) {
		rows, err := a.dev.Payments.Bill(ctx, day)
		if err != nil {
			billErr = fmt.Errorf("bill of %s: %w", day, err)
			break
		}
		bill = append(bill, rows...)
	}
	var diffs []Difference
	reconciled := billErr == nil
	if reconciled {
		diffs = Reconcile(entries, batch, a.cfg.Terminal.Number, bill)
	} else {
		a.log.Warn("settlement without the bill", "err", billErr)
		a.show(page{title: title, lines: []line{text("对账单获取失败"), text("The platform's bill is not available:"),
			text(shorten(billErr.Error(), 38)), text(""), text("确认: 不对账结算 ENTER: settle"), text("without reconciling")},
			footer: "确认 ENTER  取消 CANCEL"})
		for {
			k, err := a.key(ctx)
			if err != nil {
				return err
			}
			if k == KeyCancel {
				return nil
			}
			if k == KeyEnter {
				break
			}
		}
	}
	matched := reconciled && len(diffs) == 0
	closed, err := a.j.CloseBatch(matched)
	if err != nil {
		return fmt.Errorf("%w: %v", ErrJournal, err)
	}
	a.log.Info("batch closed", "batch", closed.Batch, "net", yuan(closed.Totals.Net()), "reconciled", reconciled, "differences", len(diffs))
	// Keep the batch just closed (refunds and reprints of its trades) and
	// drop older ones, so the journal stays small.
	next := a.j.Batch()
	if err := a.j.Compact(func(e journal.Entry) bool { return e.Batch == closed.Batch || e.Batch == next }); err != nil {
		a.log.Warn("journal compaction failed; the journal keeps growing", "err", err)
	}
	a.show(page{title: title, lines: []line{text("正在打印结算单 Printing…")}})
	report := func(dup bool) *printer.Document { return a.settlementSlip(closed, reconciled, diffs, dup) }
	if _, err := a.print(ctx, report, false); err != nil {
		return err
	}
	result := "对账平 MATCHED"
	switch {
	case !reconciled:
		result = "未对账 NOT RECONCILED"
	case len(diffs) > 0:
		result = fmt.Sprintf("对账不平 NOT MATCHED: %d", len(diffs))
	}
	lines := []line{text("结算完成 Settled"), text(result)}
	for _, d := range diffs {
		if len(lines) >= a.rows()-2 {
			break
		}
		lines = append(lines, text(fmt.Sprintf("%s %s/%s", d.OutTradeNo[max(0, len(d.OutTradeNo)-12):], yuan(d.Local), yuan(d.Platform))))
	}
	lines = append(lines, text(fmt.Sprintf("新批次 New batch %06d", a.j.Batch())))
	_, err = a.message(ctx, title, lines, 0)
	return err
}

// batchDays lists the days (China time) on which the batch's approved
// entries happened, or today if it has none.
func batchDays(entries []journal.Entry, batch int, now time.Time) []string {
	seen := map[string]bool{}
	var days []string
	for _, e := range entries {
		if e.Batch == batch && e.State == journal.Approved {
			at := e.PaidAt
			if at.IsZero() {
				at = e.Created
			}
			d := at.In(payment.ChinaTime).Format("2006-01-02")
			if !seen[d] {
				seen[d] = true
				days = append(days, d)
			}
		}
	}
	if len(days) == 0 {
		days = append(days, now.In(payment.ChinaTime).Format("2006-01-02"))
	}
	sort.Strings(days)
	return days
}

func totalLines(t journal.Totals) []line {
	row := func(label string, n int, fen int64) line {
		return text(fmt.Sprintf("%-18s %3d  %12s", label, n, yuan(fen)))
	}
	return []line{
		text(fmt.Sprintf("批次 Batch %06d", t.Batch)),
		row("扫码 SALE", t.CodeCount, t.CodeAmount),
		row("二维码 QR SALE", t.QRCount, t.QRAmount),
		row("撤销 VOID", t.VoidCount, t.VoidAmount),
		row("退货 REFUND", t.RefundCount, t.RefundAmount),
		row("净额 NET", t.SaleCount, t.Net()),
	}
}

// settlementSlip is the printed settlement report; dup marks it printed
// again, under its title as on a slip.
func (a *App) settlementSlip(c journal.BatchClose, reconciled bool, diffs []Difference, dup bool) *printer.Document {
	d := printer.NewDocument(a.dev.Paper)
	d.Text("结算单", printer.Centered, printer.DoubleSize, printer.Bold)
	d.Text("SETTLEMENT", printer.Centered)
	if a.cfg.TestMode {
		d.Text("*** 测试 TESTING ***", printer.Centered, printer.Bold)
	}
	if dup {
		d.Text(DuplicateMark, printer.Centered, printer.Bold)
	}
	d.Rule()
	d.Text("商户名称 MERCHANT NAME:")
	d.Text(a.cfg.Merchant.Name, printer.RightAligned)
	d.Columns("商户编号 MERCHANT NO:", a.cfg.Merchant.Number)
	d.Columns("终端编号 TERMINAL NO:", a.cfg.Terminal.Number)
	d.Columns("操作员号 OPERATOR:", a.operator)
	d.Columns("批次号 BATCH:", fmt.Sprintf("%06d", c.Batch))
	d.Columns("日期时间 DATE/TIME:", c.ClosedAt.In(payment.ChinaTime).Format("2006/01/02 15:04:05"))
	d.Rule()
	t := c.Totals
	for _, r := range []struct {
		label string
		n     int
		fen   int64
	}{{"扫码消费 SALE", t.CodeCount, t.CodeAmount}, {"二维码消费 QR SALE", t.QRCount, t.QRAmount},
		{"消费撤销 VOID", t.VoidCount, t.VoidAmount}, {"退货 REFUND", t.RefundCount, t.RefundAmount}} {
		d.Columns(fmt.Sprintf("%s %d笔", r.label, r.n), yuan(r.fen))
	}
	d.Columns("净额 NET", "RMB "+yuan(t.Net()), printer.Bold)
	d.Rule()
	switch {
	case !reconciled:
		d.Text("未对账 NOT RECONCILED", printer.Bold)
	case len(diffs) == 0:
		d.Text("对账平 RECONCILED: MATCHED", printer.Bold)
	default:
		d.Text(fmt.Sprintf("对账不平 NOT MATCHED: %d", len(diffs)), printer.Bold)
		for _, df := range diffs {
			d.Text(df.OutTradeNo)
			d.Columns("本机 LOCAL "+yuan(df.Local), "平台 HOST "+yuan(df.Platform))
		}
	}
	d.Feed(3)
	d.Cut(printer.PartialCut)
	return d
}
