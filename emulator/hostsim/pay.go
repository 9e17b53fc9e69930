package hostsim

import (
	"crypto/sha256"
	"encoding/hex"
	"time"
	"unicode/utf8"
)

// payBiz is the biz_content of alipay.trade.pay and alipay.trade.precreate.
type payBiz struct {
	OutTradeNo           string      `json:"out_trade_no"`
	Scene                string      `json:"scene"`
	AuthCode             string      `json:"auth_code"`
	ProductCode          string      `json:"product_code"`
	Subject              string      `json:"subject"`
	TotalAmount          amountField `json:"total_amount"`
	Body                 string      `json:"body"`
	OperatorID           string      `json:"operator_id"`
	StoreID              string      `json:"store_id"`
	TerminalID           string      `json:"terminal_id"`
	TimeoutExpress       string      `json:"timeout_express"`
	QRCodeTimeoutExpress string      `json:"qr_code_timeout_express"`
}

// validate checks what both methods need and returns the amount in fen.
func (b *payBiz) validate() (int64, *Result) {
	switch {
	case b.OutTradeNo == "":
		return 0, failure(SubInvalidBizParameter, "缺少参数 out_trade_no")
	case !outTradeNoPattern.MatchString(b.OutTradeNo):
		return 0, failure(SubInvalidBizParameter, "out_trade_no 只能由字母、数字、下划线组成，最长64位")
	case b.Subject == "":
		return 0, failure(SubInvalidBizParameter, "缺少参数 subject")
	case utf8.RuneCountInString(b.Subject) > 256:
		return 0, failure(SubInvalidBizParameter, "subject 超过256个字符")
	}
	return b.TotalAmount.fen("total_amount", true)
}

func (b *payBiz) timeout(now time.Time, express string, def time.Duration) (time.Duration, *Result) {
	if express == "" {
		return def, nil
	}
	d, ok := parseExpress(express, now)
	if !ok {
		return 0, failure(SubInvalidBizParameter, "timeout_express 取值范围 1m～15d："+express)
	}
	return d, nil
}

type fundBill struct {
	FundChannel string `json:"fund_channel"`
	Amount      string `json:"amount"`
}

type payResponse struct {
	Result
	TradeNo        string     `json:"trade_no,omitempty"`
	OutTradeNo     string     `json:"out_trade_no,omitempty"`
	BuyerLogonID   string     `json:"buyer_logon_id,omitempty"`
	TotalAmount    string     `json:"total_amount,omitempty"`
	ReceiptAmount  string     `json:"receipt_amount,omitempty"`
	BuyerPayAmount string     `json:"buyer_pay_amount,omitempty"`
	PointAmount    string     `json:"point_amount,omitempty"`
	InvoiceAmount  string     `json:"invoice_amount,omitempty"`
	GmtPayment     string     `json:"gmt_payment,omitempty"`
	FundBillList   []fundBill `json:"fund_bill_list,omitempty"`
	BuyerUserID    string     `json:"buyer_user_id,omitempty"`
}

type precreateResponse struct {
	Result
	OutTradeNo string `json:"out_trade_no,omitempty"`
	QRCode     string `json:"qr_code,omitempty"`
}

func (s *Simulator) pay(c *call) any {
	var b payBiz
	if res := decodeBiz(c.req.BizContent, &b); res != nil {
		return res
	}
	total, res := b.validate()
	if res != nil {
		return res
	}
	if b.Scene != "bar_code" {
		return failure(SubInvalidBizParameter, "scene 只支持 bar_code："+b.Scene)
	}
	if b.AuthCode == "" {
		return failure(SubInvalidBizParameter, "缺少参数 auth_code")
	}
	timeout, res := b.timeout(c.now, b.TimeoutExpress, s.opts.PayTimeout)
	if res != nil {
		return res
	}
	if t := s.st.byOut[b.OutTradeNo]; t != nil {
		s.settle(t, c.now)
		return s.payAgain(t, &b, total)
	}
	buyer := s.buyers[b.AuthCode]
	if buyer == nil || !AuthCodePattern.MatchString(b.AuthCode) {
		return failure(SubAuthCodeInvalid)
	}
	needPassword, res := s.decide(buyer, total, true)
	if res != nil {
		return res
	}
	t := &Trade{
		TradeNo:    s.st.nextTradeNo(c.now),
		OutTradeNo: b.OutTradeNo,
		AppID:      c.app.ID,
		Kind:       KindBarCode,
		Status:     StatusWaitBuyerPay,
		Total:      total,
		Subject:    b.Subject,
		StoreID:    b.StoreID,
		TerminalID: b.TerminalID,
		OperatorID: b.OperatorID,
		AuthCode:   b.AuthCode,
		Created:    c.now,
		Deadline:   c.now.Add(timeout),
	}
	s.bindBuyer(t, buyer)
	s.st.add(t)
	if needPassword {
		t.AwaitingPassword = true
	} else {
		s.collect(t, buyer, c.now)
	}
	s.publish(t)
	return payReply(t)
}

// payAgain answers a pay for an out_trade_no the platform already has:
// the same trade gets its real state, anything else an error.
func (s *Simulator) payAgain(t *Trade, b *payBiz, total int64) any {
	if t.Kind == KindPlaceholder {
		return failure(SubTradeHasClose)
	}
	if t.Kind != KindBarCode || t.Total != total || t.Subject != b.Subject {
		return failure(SubContextInconsistent)
	}
	sameBuyer := b.AuthCode == t.Buyer
	switch t.Status {
	case StatusSuccess, StatusFinished:
		if sameBuyer {
			return payReply(t)
		}
		return failure(SubTradeHasSuccess)
	case StatusClosed:
		return failure(SubTradeHasClose)
	}
	if !sameBuyer {
		return failure(SubTradeBuyerNotMatch)
	}
	return payReply(t)
}

// decide says whether buyer can pay amount now and whether a password is
// needed first.
func (s *Simulator) decide(b *Buyer, amount int64, askPassword bool) (needPassword bool, res *Result) {
	switch b.Reject {
	case RejectRisk:
		return false, failure(SubRequestHasRisk)
	case RejectPaymentFail:
		return false, failure(SubPaymentFail)
	}
	if b.Limit > 0 && amount > b.Limit {
		return false, failure(SubTotalFeeExceed)
	}
	if s.st.balances[b.PaymentCode] < amount {
		if b.Funding == FundBankcard {
			return false, failure(SubBankcardNotEnough)
		}
		return false, failure(SubBalanceNotEnough)
	}
	return askPassword && b.PasswordThreshold != nil && amount > *b.PasswordThreshold, nil
}

func (s *Simulator) bindBuyer(t *Trade, b *Buyer) {
	t.Buyer = b.PaymentCode
	t.BuyerUserID = b.UserID
	t.BuyerLogonID = MaskLogonID(b.LogonID)
}

// collect takes the money: the trade is paid.
func (s *Simulator) collect(t *Trade, b *Buyer, now time.Time) {
	s.st.setBalance(b.PaymentCode, s.st.balances[b.PaymentCode]-t.Total)
	t.Status = StatusSuccess
	t.Paid = now
	t.AwaitingPassword = false
	t.FundChannel = "ALIPAYACCOUNT"
	if b.Funding == FundBankcard {
		t.FundChannel = "BANKCARD"
	}
	s.st.touch(t)
}

// payReply is 10000 with the payment for a paid trade, 10003 for one
// that waits for the buyer.
func payReply(t *Trade) payResponse {
	r := payResponse{
		Result:       ok(),
		TradeNo:      t.TradeNo,
		OutTradeNo:   t.OutTradeNo,
		BuyerLogonID: t.BuyerLogonID,
		TotalAmount:  Yuan(t.Total),
		BuyerUserID:  t.BuyerUserID,
	}
	if !t.paid() {
		r.Result = Result{Code: CodeInProcess, Msg: MsgInProcess}
		r.ReceiptAmount, r.BuyerPayAmount, r.PointAmount, r.InvoiceAmount = "0.00", "0.00", "0.00", "0.00"
		return r
	}
	paid := Yuan(t.Total)
	r.ReceiptAmount, r.BuyerPayAmount, r.PointAmount, r.InvoiceAmount = paid, paid, "0.00", paid
	r.GmtPayment = wireTime(t.Paid)
	r.FundBillList = []fundBill{{FundChannel: t.FundChannel, Amount: paid}}
	return r
}

func (s *Simulator) precreate(c *call) any {
	var b payBiz
	if res := decodeBiz(c.req.BizContent, &b); res != nil {
		return res
	}
	total, res := b.validate()
	if res != nil {
		return res
	}
	express := b.QRCodeTimeoutExpress
	if express == "" {
		express = b.TimeoutExpress
	}
	timeout, res := b.timeout(c.now, express, s.opts.QRTimeout)
	if res != nil {
		return res
	}
	if t := s.st.byOut[b.OutTradeNo]; t != nil {
		s.settle(t, c.now)
		switch {
		case t.Kind == KindPlaceholder:
			return failure(SubTradeHasClose)
		case t.Kind != KindPrecreate || t.Total != total || t.Subject != b.Subject:
			return failure(SubContextInconsistent)
		case t.Status == StatusSuccess || t.Status == StatusFinished:
			return failure(SubTradeHasSuccess)
		case t.Status == StatusClosed:
			return failure(SubTradeHasClose)
		}
		return precreateResponse{Result: ok(), OutTradeNo: t.OutTradeNo, QRCode: t.QRCode}
	}
	t := &Trade{
		TradeNo:    s.st.nextTradeNo(c.now),
		OutTradeNo: b.OutTradeNo,
		AppID:      c.app.ID,
		Kind:       KindPrecreate,
		Status:     StatusWaitBuyerPay,
		Total:      total,
		Subject:    b.Subject,
		StoreID:    b.StoreID,
		TerminalID: b.TerminalID,
		OperatorID: b.OperatorID,
		Created:    c.now,
		Deadline:   c.now.Add(timeout),
	}
	sum := sha256.Sum256([]byte(t.TradeNo))
	t.QRCode = "https://qr.alipay.com/bax0" + hex.EncodeToString(sum[:])[:22]
	s.st.add(t)
	s.publish(t)
	return precreateResponse{Result: ok(), OutTradeNo: t.OutTradeNo, QRCode: t.QRCode}
}
