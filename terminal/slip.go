package terminal

import (
	"fmt"

	"github.com/posemu/posemu/drivers/payment"
	"github.com/posemu/posemu/drivers/printer"
	"github.com/posemu/posemu/terminal/journal"
)

// Slip copies.
const (
	merchantCopy = 0
	customerCopy = 1
)

var copyLabels = [2]string{"商户存根 MERCHANT COPY", "持卡人存根 CARDHOLDER COPY"}

// DuplicateMark marks a slip printed again (from the reprint menu, or
// after part of it may have reached paper), under the slip's title.
const DuplicateMark = "重打印 DUPLICATED"

// slip lays out one copy of an entry's slip with the fields of a
// Lakala/UnionPay slip (POS-FACTS), the buyer's account masked, and a QR
// code of the platform's trade number.
func (a *App) slip(e journal.Entry, copyNo int, reprint bool) *printer.Document {
	d := printer.NewDocument(a.dev.Paper)
	d.Text("支付宝签购单", printer.Centered, printer.DoubleSize, printer.Bold)
	d.Text("ALIPAY SALES SLIP", printer.Centered)
	if a.cfg.TestMode {
		d.Text("*** 测试 TESTING ***", printer.Centered, printer.Bold)
	}
	if reprint {
		d.Text(DuplicateMark, printer.Centered, printer.Bold)
	}
	d.Text(copyLabels[copyNo])
	d.Rule()
	d.Text("商户名称 MERCHANT NAME:")
	d.Text(a.cfg.Merchant.Name, printer.RightAligned)
	d.Columns("商户编号 MERCHANT NO:", a.cfg.Merchant.Number)
	d.Columns("终端编号 TERMINAL NO:", a.cfg.Terminal.Number)
	d.Columns("操作员号 OPERATOR:", e.Operator)
	d.Rule()
	account := e.Account
	if account == "" {
		account = e.BuyerLogonID
	}
	if account != "" {
		d.Columns("付款账号 ACCOUNT:", journal.MaskCode(account))
	}
	if e.BuyerLogonID != "" && e.Account != "" {
		d.Columns("买家 BUYER:", e.BuyerLogonID)
	}
	d.Columns("交易类型 TRANS TYPE:", e.Kind.ZH()+" "+e.Kind.EN(), printer.Bold)
	d.Columns("批次号 BATCH:", e.BatchNo())
	d.Columns("凭证号 VOUCHER:", e.VoucherNo())
	d.Columns("授权码 AUTH:", authOf(e))
	d.Text("参考号 REF:")
	d.Text(e.TradeNo, printer.RightAligned)
	d.Text("订单号 ORDER NO:")
	d.Text(e.OutTradeNo, printer.RightAligned)
	// A void or refund has no payment time; it happened when it was
	// recorded, and printing it again must not move its date.
	when := e.PaidAt
	if when.IsZero() {
		when = e.Created
	}
	d.Columns("日期时间 DATE/TIME:", when.In(payment.ChinaTime).Format("2006/01/02 15:04:05"))
	amount := "RMB " + yuan(e.Amount)
	if e.Kind == journal.Void || e.Kind == journal.Refund {
		amount = "RMB -" + yuan(e.Amount)
	}
	d.Columns("金额 AMOUNT:", amount, printer.Bold, printer.DoubleHeight)
	if e.OrigVoucher != 0 {
		d.Columns("备注 REFERENCE:", fmt.Sprintf("原凭证号 %06d", e.OrigVoucher))
	}
	d.Rule()
	if e.TradeNo != "" {
		d.QR(e.TradeNo, 5, printer.ECMedium, printer.Centered)
	}
	if copyNo == customerCopy {
		d.Text("请妥善保管 Please keep this slip", printer.Centered)
	} else {
		d.Text("本人确认以上交易", printer.Centered)
		d.Text("I confirm the above transaction", printer.Centered)
	}
	d.Feed(3)
	d.Cut(printer.PartialCut)
	return d
}

// slipLayout lays out one copy of e's slip, marked or not.
func (a *App) slipLayout(e journal.Entry, copyNo int) layout {
	return func(dup bool) *printer.Document { return a.slip(e, copyNo, dup) }
}

// authOf is the slip's authorisation code: Alipay has none, so the last
// six digits of the platform's trade number stand in, as acquirers print.
func authOf(e journal.Entry) string {
	if len(e.TradeNo) < 6 {
		return e.TradeNo
	}
	return e.TradeNo[len(e.TradeNo)-6:]
}
