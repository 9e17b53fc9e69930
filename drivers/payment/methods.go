package payment

import (
	"context"
	"errors"
	"fmt"
)

// TradeRef names a trade by the till's number or the platform's; the
// till's number wins when both are given.
type TradeRef struct {
	OutTradeNo string
	TradeNo    string
}

func (r TradeRef) check() error {
	if r.OutTradeNo == "" && r.TradeNo == "" {
		return errors.New("payment: name the trade (out_trade_no or trade_no)")
	}
	if r.OutTradeNo != "" {
		return checkOutTradeNo(r.OutTradeNo)
	}
	return nil
}

// refBiz is the biz_content of query, cancel and close.
type refBiz struct {
	OutTradeNo string `json:"out_trade_no,omitempty"`
	TradeNo    string `json:"trade_no,omitempty"`
	OperatorID string `json:"operator_id,omitempty"`
}

type tradeWire struct {
	Status
	TradeNo       string `json:"trade_no"`
	OutTradeNo    string `json:"out_trade_no"`
	TradeStatus   string `json:"trade_status"`
	BuyerLogonID  string `json:"buyer_logon_id"`
	TotalAmount   string `json:"total_amount"`
	ReceiptAmount string `json:"receipt_amount"`
	GmtPayment    string `json:"gmt_payment"`
	SendPayDate   string `json:"send_pay_date"`
	FundBillList  []struct {
		FundChannel string `json:"fund_channel"`
		Amount      string `json:"amount"`
	} `json:"fund_bill_list"`
}

// trade converts; amounts that do not parse make the reply unusable.
func (w *tradeWire) trade(method string) (*Trade, error) {
	t := &Trade{Status: w.Status, TradeNo: w.TradeNo, OutTradeNo: w.OutTradeNo,
		TradeStatus: w.TradeStatus, BuyerLogonID: w.BuyerLogonID}
	var err error
	if t.TotalAmount, err = optYuan(w.TotalAmount); err != nil {
		return nil, malformed(method, err)
	}
	if t.ReceiptAmount, err = optYuan(w.ReceiptAmount); err != nil {
		return nil, malformed(method, err)
	}
	t.PaidAt = parseWireTime(w.GmtPayment)
	if t.PaidAt.IsZero() {
		t.PaidAt = parseWireTime(w.SendPayDate)
	}
	for _, fb := range w.FundBillList {
		a, err := optYuan(fb.Amount)
		if err != nil {
			return nil, malformed(method, err)
		}
		t.FundBills = append(t.FundBills, FundBill{Channel: fb.FundChannel, Amount: a})
	}
	return t, nil
}

// Paid reports a trade the buyer has paid (refunds may follow).
func (t *Trade) Paid() bool {
	return t != nil && (t.TradeStatus == TradeSuccess || t.TradeStatus == TradeFinished)
}

func optYuan(s string) (Fen, error) {
	if s == "" {
		return 0, nil
	}
	return ParseYuan(s)
}

func malformed(method string, err error) error {
	return &TransportError{Method: method, Status: 200, Err: fmt.Errorf("signed reply unusable: %w", err)}
}

// Pay submits a bar-code payment. A nil error means code 10000 (paid: the
// Trade says TRADE_SUCCESS) or 10003 (Status.Code; the buyer must confirm,
// query until it settles). Any other answer is an *APIError; no answer is a
// *TransportError or *SignatureError, and then the trade may exist.
func (c *Client) Pay(ctx context.Context, r PayRequest) (*Trade, error) {
	if err := checkOutTradeNo(r.OutTradeNo); err != nil {
		return nil, fmt.Errorf("payment: pay: %w", err)
	}
	if err := checkAmount(r.Amount); err != nil {
		return nil, fmt.Errorf("payment: pay: %w", err)
	}
	if r.AuthCode == "" || r.Subject == "" {
		return nil, errors.New("payment: pay: auth code and subject are required")
	}
	biz := struct {
		OutTradeNo     string `json:"out_trade_no"`
		Scene          string `json:"scene"`
		AuthCode       string `json:"auth_code"`
		ProductCode    string `json:"product_code"`
		Subject        string `json:"subject"`
		TotalAmount    string `json:"total_amount"`
		OperatorID     string `json:"operator_id,omitempty"`
		TerminalID     string `json:"terminal_id,omitempty"`
		StoreID        string `json:"store_id,omitempty"`
		TimeoutExpress string `json:"timeout_express,omitempty"`
	}{r.OutTradeNo, "bar_code", r.AuthCode, "FACE_TO_FACE_PAYMENT", r.Subject, r.Amount.Yuan(),
		r.OperatorID, r.TerminalID, r.StoreID, timeoutExpress(r.Timeout)}
	var w tradeWire
	err := c.call(ctx, "alipay.trade.pay", biz, &w, CodeInProcess)
	return c.tradeResult("alipay.trade.pay", &w, err)
}

func (c *Client) tradeResult(method string, w *tradeWire, err error) (*Trade, error) {
	var api *APIError
	if err != nil && !errors.As(err, &api) {
		return nil, err
	}
	t, perr := w.trade(method)
	if perr != nil {
		return nil, perr
	}
	if method == "alipay.trade.pay" && err == nil {
		if t.Status.Code == CodeSuccess {
			t.TradeStatus = TradeSuccess
		} else {
			t.TradeStatus = WaitBuyerPay
		}
	}
	return t, err
}

// Precreate asks for a QR code for the buyer to scan.
func (c *Client) Precreate(ctx context.Context, r PrecreateRequest) (*PrecreateResult, error) {
	if err := checkOutTradeNo(r.OutTradeNo); err != nil {
		return nil, fmt.Errorf("payment: precreate: %w", err)
	}
	if err := checkAmount(r.Amount); err != nil {
		return nil, fmt.Errorf("payment: precreate: %w", err)
	}
	if r.Subject == "" {
		return nil, errors.New("payment: precreate: subject is required")
	}
	biz := struct {
		OutTradeNo     string `json:"out_trade_no"`
		Subject        string `json:"subject"`
		TotalAmount    string `json:"total_amount"`
		OperatorID     string `json:"operator_id,omitempty"`
		TerminalID     string `json:"terminal_id,omitempty"`
		StoreID        string `json:"store_id,omitempty"`
		TimeoutExpress string `json:"timeout_express,omitempty"`
	}{r.OutTradeNo, r.Subject, r.Amount.Yuan(), r.OperatorID, r.TerminalID, r.StoreID, timeoutExpress(r.Timeout)}
	var w struct {
		Status
		OutTradeNo string `json:"out_trade_no"`
		QRCode     string `json:"qr_code"`
	}
	err := c.call(ctx, "alipay.trade.precreate", biz, &w)
	if err != nil && !isAPIError(err) {
		return nil, err
	}
	if err == nil && w.QRCode == "" {
		return nil, malformed("alipay.trade.precreate", errors.New("no qr_code"))
	}
	return &PrecreateResult{Status: w.Status, OutTradeNo: w.OutTradeNo, QRCode: w.QRCode}, err
}

// Query asks for a trade's state. ACQ.TRADE_NOT_EXIST is an *APIError.
func (c *Client) Query(ctx context.Context, ref TradeRef) (*Trade, error) {
	if err := ref.check(); err != nil {
		return nil, err
	}
	var w tradeWire
	err := c.call(ctx, "alipay.trade.query", refBiz{OutTradeNo: ref.OutTradeNo, TradeNo: ref.TradeNo}, &w)
	return c.tradeResult("alipay.trade.query", &w, err)
}

// Cancel reverses a trade whatever its state: an unpaid one is closed, a
// paid one refunded (Action says which). A result with Retry() set comes
// with an *APIError and should be tried again.
func (c *Client) Cancel(ctx context.Context, ref TradeRef) (*CancelResult, error) {
	if err := ref.check(); err != nil {
		return nil, err
	}
	var w struct {
		Status
		TradeNo    string `json:"trade_no"`
		OutTradeNo string `json:"out_trade_no"`
		RetryFlag  string `json:"retry_flag"`
		Action     string `json:"action"`
	}
	err := c.call(ctx, "alipay.trade.cancel", refBiz{OutTradeNo: ref.OutTradeNo, TradeNo: ref.TradeNo}, &w)
	if err != nil && !isAPIError(err) {
		return nil, err
	}
	return &CancelResult{Status: w.Status, TradeNo: w.TradeNo, OutTradeNo: w.OutTradeNo, RetryFlag: w.RetryFlag, Action: w.Action}, err
}

// Close closes an unpaid trade (a paid one answers ACQ.TRADE_STATUS_ERROR).
func (c *Client) Close(ctx context.Context, ref TradeRef, operatorID string) (*CloseResult, error) {
	if err := ref.check(); err != nil {
		return nil, err
	}
	var w struct {
		Status
		TradeNo    string `json:"trade_no"`
		OutTradeNo string `json:"out_trade_no"`
	}
	err := c.call(ctx, "alipay.trade.close", refBiz{ref.OutTradeNo, ref.TradeNo, operatorID}, &w)
	if err != nil && !isAPIError(err) {
		return nil, err
	}
	return &CloseResult{Status: w.Status, TradeNo: w.TradeNo, OutTradeNo: w.OutTradeNo}, err
}

func isAPIError(err error) bool {
	var api *APIError
	return errors.As(err, &api)
}
