package terminal

import (
	"context"
	"errors"
	"fmt"
	"strconv"

	"github.com/posemu/posemu/drivers/payment"
	"github.com/posemu/posemu/terminal/journal"
)

// pickEntry asks for a voucher number; ENTER alone means the newest entry
// that keep accepts. It shows why when there is none.
func (a *App) pickEntry(ctx context.Context, title string, keep func(journal.Entry) bool) (journal.Entry, bool, error) {
	res, err := a.readField(ctx, fieldOpts{max: 6, empty: true}, func(v string, n msg) page {
		return page{title: title, lines: []line{text("请输入凭证号 Voucher no.:"), big(v + "_"), text(""),
			text("直接按确认 = 最后一笔"), text("ENTER alone = the last trade"), text(n.String())},
			footer: "确认 ENTER  取消 CANCEL"}
	})
	if err != nil || res.cancelled {
		return journal.Entry{}, false, err
	}
	var e journal.Entry
	found := false
	if res.value == "" {
		entries := a.j.Entries()
		for i := len(entries) - 1; i >= 0 && !found; i-- {
			if keep(entries[i]) {
				e, found = entries[i], true
			}
		}
	} else {
		v, _ := strconv.Atoi(res.value)
		e, found = a.j.ByVoucher(v)
		found = found && keep(e)
	}
	if !found {
		_, err := a.message(ctx, title, []line{text("无此交易 No such trade"), text(""), text("凭证号 Voucher " + res.value)}, 0)
		return journal.Entry{}, false, err
	}
	return e, true, nil
}

func entryLines(e journal.Entry) []line {
	return []line{
		text(fmt.Sprintf("凭证号 Voucher %s  批次 Batch %s", e.VoucherNo(), e.BatchNo())),
		text(e.Kind.ZH() + " " + e.Kind.EN() + "  " + stateText(e.State)),
		big(rmb(e.Amount)),
		text("参考号 Ref " + e.TradeNo),
		text(e.Created.In(payment.ChinaTime).Format("2006/01/02 15:04:05")),
	}
}

func stateText(s journal.State) string {
	switch s {
	case journal.Approved:
		return "成功 APPROVED"
	case journal.Declined:
		return "失败 DECLINED"
	case journal.Cancelled:
		return "已撤销 CANCELLED"
	}
	return "未知 UNKNOWN"
}

// query shows a trade as the journal has it and as the platform has it.
func (a *App) query(ctx context.Context) error {
	const title = "交易查询 QUERY"
	a.setStatus("query")
	e, ok, err := a.pickEntry(ctx, title, func(journal.Entry) bool { return true })
	if err != nil || !ok {
		return err
	}
	lines := entryLines(e)
	a.show(page{title: title, lines: append(lines, text("正在查询平台 Asking the platform…"))})
	t, qerr := a.dev.Payments.Query(ctx, payment.TradeRef{OutTradeNo: e.OutTradeNo})
	switch {
	case qerr == nil:
		lines = append(lines, text("平台 Platform: "+t.TradeStatus), text("平台金额 Amount: "+rmb(int64(t.TotalAmount))))
	default:
		var api *payment.APIError
		if errors.As(qerr, &api) && !api.Unknown() {
			m := payment.OperatorMessage(api.Code, api.SubCode)
			lines = append(lines, text("平台 Platform: "+m.ZH), text(m.EN))
		} else {
			lines = append(lines, text("平台无应答 Platform not answering"))
		}
	}
	if e.Kind.IsSale() && e.State == journal.Approved {
		if r := a.j.Refunded(e.ID); r > 0 {
			lines = append(lines, text("已退 Refunded "+rmb(r)))
		}
	}
	_, err = a.message(ctx, title, lines, 0)
	return err
}

// refundable is what is left to refund of sale e.
func (a *App) refundable(e journal.Entry) int64 { return e.Amount - a.j.Refunded(e.ID) }

// void cancels the last approved trade if it is a sale nothing has been
// refunded from, in the open batch; the supervisor authorises it.
func (a *App) void(ctx context.Context) error {
	const title = "撤销 VOID"
	a.setStatus("void")
	var last journal.Entry
	found := false
	for _, e := range a.j.Entries() {
		if e.State == journal.Approved {
			last, found = e, true
		}
	}
	if !found || !last.Kind.IsSale() || last.Batch != a.j.Batch() || a.j.Refunded(last.ID) > 0 {
		_, err := a.message(ctx, title, []line{text("无可撤销的交易"), text("Nothing to void"), text(""),
			text("只能撤销本批次最后一笔消费"), text("Only the last sale of the batch")}, 0)
		return err
	}
	return a.reverse(ctx, title, last, journal.Void, last.Amount)
}

// refund refunds all or part of an approved sale, never more than is left.
func (a *App) refund(ctx context.Context) error {
	const title = "退货 REFUND"
	a.setStatus("refund")
	orig, ok, err := a.pickEntry(ctx, title, func(e journal.Entry) bool { return e.Kind.IsSale() && e.State == journal.Approved })
	if err != nil || !ok {
		return err
	}
	left := a.refundable(orig)
	if left <= 0 {
		_, err := a.message(ctx, title, []line{text("该交易已全额退款"), text("Already fully refunded"), text(""),
			text("凭证号 Voucher " + orig.VoucherNo())}, 0)
		return err
	}
	var am amountEntry
	var note msg
	for {
		a.show(page{title: title, lines: []line{text("原凭证号 Orig. voucher " + orig.VoucherNo()),
			text("原金额 Paid " + rmb(orig.Amount) + "  可退 Left " + rmb(left)),
			text("退货金额 Refund amount:"), big("￥" + am.display()), text("直接按确认 = 全额 ENTER alone = all"),
			text(note.zh), text(note.en)}, footer: "确认 ENTER 取消 CANCEL 清除 CLEAR"})
		note = msg{}
		k, err := a.key(ctx)
		if err != nil {
			return err
		}
		if handled, refused := am.press(k); handled {
			if refused != nil {
				note = *refused
			}
			continue
		}
		if k == KeyCancel {
			return nil
		}
		if k != KeyEnter {
			continue
		}
		amount := am.fen()
		if am.s == "" {
			amount = left
		}
		switch {
		case amount <= 0:
			note = msg{"金额无效", "Invalid amount"}
		case amount > left:
			note = msg{"超过可退金额 " + rmb(left), "More than is left to refund"}
			a.log.Info("refund refused", "voucher", orig.VoucherNo(), "amount", yuan(amount), "left", yuan(left))
		default:
			return a.reverse(ctx, title, orig, journal.Refund, amount)
		}
	}
}

// reverse voids or refunds amount of orig once the supervisor has
// authorised it: journal first, then the platform, then slips.
func (a *App) reverse(ctx context.Context, title string, orig journal.Entry, kind journal.Kind, amount int64) error {
	ok, err := a.supervisor(ctx, title, text(kind.ZH()+" "+kind.EN()+"  "+rmb(amount)),
		text("原凭证号 Orig. voucher "+orig.VoucherNo()), text("参考号 Ref "+orig.TradeNo), text(""))
	if err != nil || !ok {
		return err
	}
	if ok, err := a.ready(ctx, title); err != nil || !ok {
		return err
	}
	if kind == journal.Refund && amount > a.refundable(orig) {
		return nil // a trade resolved just now changed what is left
	}
	voucher := a.j.NextVoucher()
	e := journal.Entry{Kind: kind, Operator: a.operator, Amount: amount, OutTradeNo: orig.OutTradeNo,
		TradeNo: orig.TradeNo, Account: orig.Account, BuyerLogonID: orig.BuyerLogonID,
		OrigID: orig.ID, OrigVoucher: orig.Voucher, Voucher: voucher}
	if kind == journal.Refund {
		e.OutRequestNo = fmt.Sprintf("%sR%06d", orig.OutTradeNo, voucher)
	}
	if e, err = a.begin(e); err != nil {
		return err
	}
	a.log.Info(string(kind)+" submitted", "voucher", e.VoucherNo(), "orig", orig.VoucherNo(), "amount", yuan(amount))
	a.setStatus("paying")
	a.show(page{title: title, lines: []line{big(rmb(amount)), text(""), text("正在处理 Processing…")}, footer: "请稍候 Please wait"})
	if kind == journal.Void {
		e = a.sendVoid(ctx, e)
	} else {
		e = a.sendRefund(ctx, e)
	}
	if e, err = a.update(e); err != nil {
		return err
	}
	a.log.Info(string(kind)+" ended", "voucher", e.VoucherNo(), "state", e.State, "sub_code", e.SubCode)
	return a.showResult(ctx, title, e)
}

// reprint prints a copy of an earlier slip, marked 重打印 DUPLICATED.
func (a *App) reprint(ctx context.Context) error {
	const title = "重打印 REPRINT"
	a.setStatus("reprint")
	e, ok, err := a.pickEntry(ctx, title, func(e journal.Entry) bool { return e.State == journal.Approved })
	if err != nil || !ok {
		return err
	}
	a.show(page{title: title, lines: append(entryLines(e), text("正在打印 Printing…"))})
	end, err := a.print(ctx, a.slipLayout(e, merchantCopy), true)
	if err != nil || end != printDone {
		return err
	}
	e.Reprints++
	_, err = a.update(e)
	return err
}
