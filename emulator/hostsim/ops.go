package hostsim

// tradeRef is the biz_content that names a trade.
type tradeRef struct {
	OutTradeNo   string      `json:"out_trade_no"`
	TradeNo      string      `json:"trade_no"`
	OutRequestNo string      `json:"out_request_no"`
	RefundAmount amountField `json:"refund_amount"`
	RefundReason string      `json:"refund_reason"`
}

type queryResponse struct {
	Result
	TradeNo        string     `json:"trade_no,omitempty"`
	OutTradeNo     string     `json:"out_trade_no,omitempty"`
	BuyerLogonID   string     `json:"buyer_logon_id,omitempty"`
	TradeStatus    string     `json:"trade_status,omitempty"`
	TotalAmount    string     `json:"total_amount,omitempty"`
	ReceiptAmount  string     `json:"receipt_amount,omitempty"`
	BuyerPayAmount string     `json:"buyer_pay_amount,omitempty"`
	PointAmount    string     `json:"point_amount,omitempty"`
	InvoiceAmount  string     `json:"invoice_amount,omitempty"`
	SendPayDate    string     `json:"send_pay_date,omitempty"`
	StoreID        string     `json:"store_id,omitempty"`
	TerminalID     string     `json:"terminal_id,omitempty"`
	FundBillList   []fundBill `json:"fund_bill_list,omitempty"`
	BuyerUserID    string     `json:"buyer_user_id,omitempty"`
}

type cancelResponse struct {
	Result
	TradeNo      string `json:"trade_no,omitempty"`
	OutTradeNo   string `json:"out_trade_no,omitempty"`
	RetryFlag    string `json:"retry_flag"`
	Action       string `json:"action,omitempty"`
	GmtRefundPay string `json:"gmt_refund_pay,omitempty"`
}

type closeResponse struct {
	Result
	TradeNo    string `json:"trade_no,omitempty"`
	OutTradeNo string `json:"out_trade_no,omitempty"`
}

type refundResponse struct {
	Result
	TradeNo      string `json:"trade_no,omitempty"`
	OutTradeNo   string `json:"out_trade_no,omitempty"`
	BuyerLogonID string `json:"buyer_logon_id,omitempty"`
	FundChange   string `json:"fund_change,omitempty"`
	RefundFee    string `json:"refund_fee,omitempty"`
	GmtRefundPay string `json:"gmt_refund_pay,omitempty"`
	BuyerUserID  string `json:"buyer_user_id,omitempty"`
	SendBackFee  string `json:"send_back_fee,omitempty"`
}

type refundQueryResponse struct {
	Result
	TradeNo      string `json:"trade_no,omitempty"`
	OutTradeNo   string `json:"out_trade_no,omitempty"`
	OutRequestNo string `json:"out_request_no,omitempty"`
	TotalAmount  string `json:"total_amount,omitempty"`
	RefundAmount string `json:"refund_amount,omitempty"`
	RefundStatus string `json:"refund_status,omitempty"`
	GmtRefundPay string `json:"gmt_refund_pay,omitempty"`
}

// find decodes a trade reference and finds a trade the platform admits
// to; it settles the trade first.
func (s *Simulator) find(c *call, ref *tradeRef) (*Trade, *Result) {
	if res := decodeBiz(c.req.BizContent, ref); res != nil {
		return nil, res
	}
	t, res := s.st.lookup(ref.OutTradeNo, ref.TradeNo)
	if res != nil {
		return nil, res
	}
	s.settle(t, c.now)
	if !t.exists() {
		return nil, failure(SubTradeNotExist)
	}
	return t, nil
}

func (s *Simulator) query(c *call) any {
	var ref tradeRef
	t, res := s.find(c, &ref)
	if res != nil {
		return res
	}
	r := queryResponse{
		Result:       ok(),
		TradeNo:      t.TradeNo,
		OutTradeNo:   t.OutTradeNo,
		BuyerLogonID: t.BuyerLogonID,
		TradeStatus:  t.Status,
		TotalAmount:  Yuan(t.Total),
		StoreID:      t.StoreID,
		TerminalID:   t.TerminalID,
		BuyerUserID:  t.BuyerUserID,
	}
	if t.paid() {
		paid := Yuan(t.Total)
		r.ReceiptAmount, r.BuyerPayAmount, r.PointAmount, r.InvoiceAmount = paid, paid, "0.00", paid
		r.SendPayDate = wireTime(t.Paid)
		r.FundBillList = []fundBill{{FundChannel: t.FundChannel, Amount: paid}}
	}
	return r
}

func (s *Simulator) cancel(c *call) any {
	var ref tradeRef
	fail := func(res *Result, retry string) any { return cancelResponse{Result: *res, RetryFlag: retry} }
	if res := decodeBiz(c.req.BizContent, &ref); res != nil {
		return fail(res, "N")
	}
	t, res := s.st.lookup(ref.OutTradeNo, ref.TradeNo)
	if res != nil {
		if res.SubCode != SubTradeNotExist || ref.OutTradeNo == "" || !outTradeNoPattern.MatchString(ref.OutTradeNo) {
			return fail(res, "N")
		}
		// The pay request may still be on its way: make sure it can
		// never succeed.
		t = &Trade{
			OutTradeNo: ref.OutTradeNo, AppID: c.app.ID, Kind: KindPlaceholder,
			Status: StatusClosed, Created: c.now, Closed: c.now,
			ClosedBy: ClosedCancel, CancelAction: "close",
		}
		s.st.byOut[t.OutTradeNo] = t
		s.st.touch(t)
		s.publish(t)
		return cancelResponse{Result: ok(), OutTradeNo: t.OutTradeNo, RetryFlag: "N", Action: "close"}
	}
	s.settle(t, c.now)
	reply := func(action string) any {
		r := cancelResponse{Result: ok(), TradeNo: t.TradeNo, OutTradeNo: t.OutTradeNo, RetryFlag: "N", Action: action}
		if action == "refund" && len(t.Refunds) > 0 {
			r.GmtRefundPay = wireTime(t.Refunds[len(t.Refunds)-1].At)
		}
		if t.Kind == KindPlaceholder {
			r.TradeNo = ""
		}
		return r
	}
	if t.ClosedBy == ClosedCancel {
		return reply(t.CancelAction) // the cashier's retry after a lost reply
	}
	if c.now.Sub(t.Created) > s.opts.CancelWindow {
		return fail(failure(SubTradeCancelTimeOut), "N")
	}
	switch t.Status {
	case StatusClosed:
		if t.paid() {
			return reply("refund")
		}
		return reply("close")
	case StatusWaitBuyerPay:
		s.closeNow(t, c, ClosedCancel)
		t.CancelAction = "close"
		return reply("close")
	case StatusSuccess:
		amount := t.Total - t.Refunded
		s.giveBack(t, Refund{Amount: amount, Reason: "cancel", At: c.now})
		t.Status = StatusClosed
		t.Closed = c.now
		t.ClosedBy = ClosedCancel
		t.CancelAction = "refund"
		s.publish(t)
		return reply("refund")
	}
	return fail(failure(SubTradeStatusError), "N")
}

// closeNow closes an unpaid trade.
func (s *Simulator) closeNow(t *Trade, c *call, by string) {
	t.Status = StatusClosed
	t.Closed = c.now
	t.ClosedBy = by
	t.AwaitingPassword = false
	s.st.touch(t)
	s.publish(t)
}

// giveBack records a refund and returns the money to the buyer.
func (s *Simulator) giveBack(t *Trade, r Refund) {
	t.Refunds = append(t.Refunds, r)
	t.Refunded += r.Amount
	if t.Buyer != "" {
		s.st.setBalance(t.Buyer, s.st.balances[t.Buyer]+r.Amount)
	}
	s.st.touch(t)
}

func (s *Simulator) closeTrade(c *call) any {
	var ref tradeRef
	t, res := s.find(c, &ref)
	if res != nil {
		return res
	}
	switch t.Status {
	case StatusWaitBuyerPay:
		s.closeNow(t, c, ClosedClose)
		return closeResponse{Result: ok(), TradeNo: t.TradeNo, OutTradeNo: t.OutTradeNo}
	case StatusClosed:
		return failure(SubTradeHasClose)
	}
	return failure(SubTradeStatusError)
}

func (s *Simulator) refund(c *call) any {
	var ref tradeRef
	t, res := s.find(c, &ref)
	if res != nil {
		return res
	}
	amount, res := ref.RefundAmount.fen("refund_amount", true)
	if res != nil {
		return res
	}
	reqNo := ref.OutRequestNo
	if reqNo == "" {
		reqNo = t.OutTradeNo // what Alipay assumes for a one-off full refund
	}
	reply := func(at string, change string) any {
		return refundResponse{
			Result: ok(), TradeNo: t.TradeNo, OutTradeNo: t.OutTradeNo, BuyerLogonID: t.BuyerLogonID,
			FundChange: change, RefundFee: Yuan(t.Refunded), GmtRefundPay: at,
			BuyerUserID: t.BuyerUserID, SendBackFee: Yuan(amount),
		}
	}
	if prev, seen := t.refund(reqNo); seen {
		if prev.Amount != amount {
			return failure(SubDiscordantRepeat, "out_request_no "+reqNo+" 已用于退款 "+Yuan(prev.Amount))
		}
		return reply(wireTime(prev.At), "N")
	}
	switch {
	case !t.paid():
		return failure(SubTradeStatusError)
	case t.Status == StatusFinished:
		return failure(SubTradeNotAllowRefund)
	case t.Refunded+amount > t.Total:
		return failure(SubRefundAmountExceed, "可退金额 "+Yuan(t.Total-t.Refunded))
	}
	s.giveBack(t, Refund{OutRequestNo: reqNo, Amount: amount, Reason: ref.RefundReason, At: c.now})
	if t.Refunded == t.Total {
		t.Status = StatusClosed
		t.Closed = c.now
		t.ClosedBy = ClosedRefund
	}
	s.publish(t)
	return reply(wireTime(c.now), "Y")
}

func (s *Simulator) refundQuery(c *call) any {
	var ref tradeRef
	t, res := s.find(c, &ref)
	if res != nil {
		return res
	}
	if ref.OutRequestNo == "" {
		return failure(SubInvalidBizParameter, "缺少参数 out_request_no")
	}
	r := refundQueryResponse{Result: ok(), TradeNo: t.TradeNo, OutTradeNo: t.OutTradeNo}
	if prev, seen := t.refund(ref.OutRequestNo); seen {
		r.OutRequestNo = prev.OutRequestNo
		r.TotalAmount = Yuan(t.Total)
		r.RefundAmount = Yuan(prev.Amount)
		r.RefundStatus = "REFUND_SUCCESS"
		r.GmtRefundPay = wireTime(prev.At)
	}
	return r
}
