package terminal

import (
	"context"
	"fmt"
	"regexp"
	"strings"

	"github.com/posemu/posemu/drivers/payment"
	"github.com/posemu/posemu/terminal/journal"
)

// authCodePattern is an Alipay payment code (POS-FACTS).
var authCodePattern = regexp.MustCompile(`^(2[5-9]|30)\d{14,22}$`)

// ValidCode reports whether s looks like an Alipay payment code.
func ValidCode(s string) bool { return authCodePattern.MatchString(s) }

// sale takes one payment: by the buyer's code, or (qr) by a code the
// buyer scans from the screen.
func (a *App) sale(ctx context.Context, qr bool) error {
	kind, title := journal.Sale, "扫码收款 SALE"
	if qr {
		kind, title = journal.SaleQR, "二维码收款 QR SALE"
	}
	a.setStatus("sale")
	ok, err := a.ready(ctx, title)
	if err != nil || !ok {
		return err
	}
	fen, ok, err := a.enterAmount(ctx, title)
	if err != nil || !ok {
		return err
	}
	var code string
	if !qr {
		code, ok, err = a.enterCode(ctx, title, fen)
		if err != nil || !ok {
			return err
		}
	}
	voucher := a.j.NextVoucher()
	e, err := a.begin(journal.Entry{Kind: kind, Operator: a.operator, Amount: fen,
		OutTradeNo: a.outTradeNo(voucher), Account: code, Voucher: voucher})
	if err != nil {
		return err
	}
	a.log.Info("sale submitted", "voucher", e.VoucherNo(), "out_trade_no", e.OutTradeNo, "amount", yuan(fen), "qr", qr)
	a.setStatus("paying")
	ps := a.newPayScreen(title, fen)
	stop := ps.start(ctx)
	var out payment.Outcome
	if qr {
		req := payment.PrecreateRequest{OutTradeNo: e.OutTradeNo, Amount: payment.Fen(fen), Subject: a.cfg.Payment.Subject,
			OperatorID: a.operator, TerminalID: a.cfg.Terminal.Number, StoreID: a.cfg.Terminal.StoreID, Timeout: a.cfg.Payment.QRTimeout}
		out, err = a.dev.Payments.PayByQR(ctx, req, ps.showQR, ps.progress)
	} else {
		req := payment.PayRequest{OutTradeNo: e.OutTradeNo, AuthCode: code, Amount: payment.Fen(fen), Subject: a.cfg.Payment.Subject,
			OperatorID: a.operator, TerminalID: a.cfg.Terminal.Number, StoreID: a.cfg.Terminal.StoreID}
		out, err = a.dev.Payments.PayByCode(ctx, req, ps.progress)
	}
	stop()
	e = applyOutcome(e, out, err)
	if e, err = a.update(e); err != nil {
		return err
	}
	a.log.Info("sale ended", "voucher", e.VoucherNo(), "state", e.State, "sub_code", e.SubCode)
	return a.showResult(ctx, title, e)
}

// enterAmount reads the amount, mirrored on the customer display, and
// checks it against the risk limits.
func (a *App) enterAmount(ctx context.Context, title string) (int64, bool, error) {
	var am amountEntry
	var note msg
	shownFen := int64(-1)
	for {
		if f := am.fen(); f != shownFen {
			a.customerAmount("TOTAL", f)
			shownFen = f
		}
		a.show(page{title: title, lines: []line{text("请输入金额 Enter amount (元 yuan):"), big("￥" + am.display()),
			text(""), text(note.zh), text(note.en)}, footer: "确认 ENTER 取消 CANCEL 清除 CLEAR"})
		note = msg{}
		k, err := a.key(ctx)
		if err != nil {
			return 0, false, err
		}
		if handled, refused := am.press(k); handled {
			if refused != nil {
				note = *refused
			}
			continue
		}
		switch k {
		case KeyCancel:
			a.customer("WELCOME", "")
			return 0, false, nil
		case KeyEnter:
			f := am.fen()
			if refusal := a.checkLimits(f); refusal != nil {
				note = *refusal
				a.log.Info("amount refused", "amount", yuan(f), "why", refusal.en)
				continue
			}
			return f, true, nil
		}
	}
}

// checkLimits applies the configured risk limits to a new sale.
func (a *App) checkLimits(fen int64) *msg {
	switch {
	case fen <= 0:
		return &msg{"金额无效", "Invalid amount"}
	case fen > int64(a.cfg.Limits.PerTrade):
		return &msg{"超过单笔限额 " + rmb(int64(a.cfg.Limits.PerTrade)), "Over the per-trade limit"}
	case a.j.SalesSince(dayStart(a.clk.Now()))+fen > int64(a.cfg.Limits.Daily):
		return &msg{"超过当日限额 " + rmb(int64(a.cfg.Limits.Daily)), "Over the daily limit"}
	}
	return nil
}

// enterCode reads the buyer's payment code from the scanner or the keys.
func (a *App) enterCode(ctx context.Context, title string, fen int64) (string, bool, error) {
	a.customerAmount("PLEASE PAY", fen)
	var note msg
	for {
		res, err := a.readField(ctx, fieldOpts{max: 24, scans: true}, func(v string, n msg) page {
			if n == (msg{}) {
				n = note
			}
			return page{title: title, lines: []line{text("金额 Amount: " + rmb(fen)), text(""),
				text("请扫描买家付款码"), text("Scan the buyer's payment code"), text("或输入后按确认 or key in + ENTER"),
				big(v + "_"), text(n.zh), text(n.en)}, footer: "确认 ENTER  取消 CANCEL"}
		})
		if err != nil {
			return "", false, err
		}
		if res.cancelled {
			a.customer("WELCOME", "")
			return "", false, nil
		}
		code := strings.TrimSpace(res.value)
		if !ValidCode(code) {
			note = msg{"付款码无效，请重新扫描", "Invalid payment code; scan again"}
			a.log.Info("payment code refused", "code", journal.MaskCode(code), "scanned", res.scanned)
			continue
		}
		return code, true, nil
	}
}

// applyOutcome records what the cashier reported in the entry.
func applyOutcome(e journal.Entry, o payment.Outcome, err error) journal.Entry {
	if err != nil {
		// Refused before anything was sent: no trade exists.
		e.State, e.Message = journal.Declined, "未发送 not sent: "+err.Error()
		return e
	}
	if o.TradeNo != "" {
		e.TradeNo = o.TradeNo
	}
	switch o.Result {
	case payment.ResultApproved:
		e.State, e.BuyerLogonID, e.PaidAt = journal.Approved, o.BuyerLogonID, o.PaidAt
	case payment.ResultDeclined:
		e.State = journal.Declined
		if d := o.Declined; d != nil {
			e.Code, e.SubCode, e.Message = d.Code, d.SubCode, d.Message.ZH+" / "+d.Message.EN
		}
	case payment.ResultCancelled:
		e.State, e.Message = journal.Cancelled, "买家未付款，交易已撤销 / Not paid; trade cancelled"
		if o.Refunded {
			e.Message = "已撤销并退款 / Cancelled; payment returned"
		}
	default:
		e.State, e.Message = journal.InDoubt, "结果未知 / Result unknown"
		if d := o.InDoubt; d != nil {
			if d.TradeNo != "" {
				e.TradeNo = d.TradeNo
			}
			e.Message += ": " + d.Reason
		}
	}
	return e
}

// messageLines splits a "中文 / English" journal message into two rows.
func messageLines(m string) []line {
	zh, en, _ := strings.Cut(m, " / ")
	return []line{text(zh), text(shorten(en, 38))}
}

// showResult shows how a trade ended, prints its slips when it went
// through, and waits for a key.
func (a *App) showResult(ctx context.Context, title string, e journal.Entry) error {
	a.setStatus("result")
	amount := []line{big(rmb(e.Amount)), text("凭证号 Voucher " + e.VoucherNo())}
	switch e.State {
	case journal.Approved:
		label := "PAID - THANK YOU"
		if !e.Kind.IsSale() {
			label = "REFUNDED"
		}
		a.customerAmount(label, e.Amount)
		a.show(page{title: title, lines: append([]line{text("交易成功 APPROVED")}, append(amount,
			text("参考号 Ref "+e.TradeNo), text("正在打印 Printing…"))...)})
		if err := a.printSlips(ctx, e); err != nil {
			return err
		}
		_, err := a.message(ctx, title, append([]line{text("交易成功 APPROVED")}, append(amount, text("参考号 Ref "+e.TradeNo))...), 0)
		return err
	case journal.InDoubt:
		a.customer("PLEASE WAIT", "RESULT UNKNOWN")
		_, err := a.message(ctx, title, append([]line{text("交易结果未知 RESULT UNKNOWN")}, append(amount,
			text("已记录，联网后自动处理"), text("Recorded; resolved when online"), text("请勿重复收款 Do not charge again"))...), 0)
		return err
	default:
		a.customer("PAYMENT FAILED", "")
		head := "交易失败 DECLINED"
		if e.State == journal.Cancelled {
			head = "交易已撤销 CANCELLED"
		}
		_, err := a.message(ctx, title, append(append([]line{text(head)}, amount...), messageLines(e.Message)...), 0)
		return err
	}
}

// newPayScreen is the screen shown while the cashier works.
func (a *App) newPayScreen(title string, fen int64) *payScreen {
	return &payScreen{a: a, title: title, fen: fen, stage: payment.Message{ZH: "正在支付…", EN: "Paying…"}}
}

func fmtSeconds(s int) string { return fmt.Sprintf("%d 秒 s", s) }
