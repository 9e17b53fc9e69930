package payment

import (
	"context"
	"errors"
	"fmt"
)

// Refund refunds r.Amount of a paid trade. Sending the same OutRequestNo
// again (after a lost reply) answers the first refund, FundChange false,
// instead of refunding twice.
func (c *Client) Refund(ctx context.Context, r RefundRequest) (*RefundResult, error) {
	ref := TradeRef{OutTradeNo: r.OutTradeNo, TradeNo: r.TradeNo}
	if err := ref.check(); err != nil {
		return nil, err
	}
	if err := checkAmount(r.Amount); err != nil {
		return nil, fmt.Errorf("payment: refund: %w", err)
	}
	if r.OutRequestNo == "" {
		return nil, errors.New("payment: refund: out_request_no is required (it is what makes a retry safe)")
	}
	biz := struct {
		OutTradeNo   string `json:"out_trade_no,omitempty"`
		TradeNo      string `json:"trade_no,omitempty"`
		RefundAmount string `json:"refund_amount"`
		OutRequestNo string `json:"out_request_no"`
		RefundReason string `json:"refund_reason,omitempty"`
		OperatorID   string `json:"operator_id,omitempty"`
		StoreID      string `json:"store_id,omitempty"`
		TerminalID   string `json:"terminal_id,omitempty"`
	}{r.OutTradeNo, r.TradeNo, r.Amount.Yuan(), r.OutRequestNo, r.Reason, r.OperatorID, r.StoreID, r.TerminalID}
	var w struct {
		Status
		TradeNo      string `json:"trade_no"`
		OutTradeNo   string `json:"out_trade_no"`
		BuyerLogonID string `json:"buyer_logon_id"`
		FundChange   string `json:"fund_change"`
		RefundFee    string `json:"refund_fee"`
		GmtRefundPay string `json:"gmt_refund_pay"`
	}
	const method = "alipay.trade.refund"
	err := c.call(ctx, method, biz, &w)
	if err != nil && !isAPIError(err) {
		return nil, err
	}
	fee, perr := optYuan(w.RefundFee)
	if perr != nil {
		return nil, malformed(method, perr)
	}
	return &RefundResult{Status: w.Status, TradeNo: w.TradeNo, OutTradeNo: w.OutTradeNo,
		BuyerLogonID: w.BuyerLogonID, FundChange: w.FundChange == "Y", RefundFee: fee,
		RefundedAt: parseWireTime(w.GmtRefundPay)}, err
}

// RefundQueryRequest names one refund of a trade.
type RefundQueryRequest struct {
	OutTradeNo   string
	TradeNo      string
	OutRequestNo string // the refund's key; the platform's default is the out_trade_no
}

// RefundQuery asks whether a refund went through.
func (c *Client) RefundQuery(ctx context.Context, r RefundQueryRequest) (*RefundQueryResult, error) {
	ref := TradeRef{OutTradeNo: r.OutTradeNo, TradeNo: r.TradeNo}
	if err := ref.check(); err != nil {
		return nil, err
	}
	if r.OutRequestNo == "" {
		return nil, errors.New("payment: refund query: out_request_no is required")
	}
	biz := struct {
		OutTradeNo   string `json:"out_trade_no,omitempty"`
		TradeNo      string `json:"trade_no,omitempty"`
		OutRequestNo string `json:"out_request_no"`
	}{r.OutTradeNo, r.TradeNo, r.OutRequestNo}
	var w struct {
		Status
		TradeNo      string `json:"trade_no"`
		OutTradeNo   string `json:"out_trade_no"`
		OutRequestNo string `json:"out_request_no"`
		TotalAmount  string `json:"total_amount"`
		RefundAmount string `json:"refund_amount"`
		RefundStatus string `json:"refund_status"`
	}
	const method = "alipay.trade.fastpay.refund.query"
	err := c.call(ctx, method, biz, &w)
	if err != nil && !isAPIError(err) {
		return nil, err
	}
	res := &RefundQueryResult{Status: w.Status, TradeNo: w.TradeNo, OutTradeNo: w.OutTradeNo,
		OutRequestNo: w.OutRequestNo, RefundStatus: w.RefundStatus}
	var perr error
	if res.TotalAmount, perr = optYuan(w.TotalAmount); perr != nil {
		return nil, malformed(method, perr)
	}
	if res.RefundAmount, perr = optYuan(w.RefundAmount); perr != nil {
		return nil, malformed(method, perr)
	}
	return res, err
}

// BillDownloadURL asks where the day's (or month's) reconciliation bill can
// be fetched (alipay.data.dataservice.bill.downloadurl.query).
func (c *Client) BillDownloadURL(ctx context.Context, r BillRequest) (string, error) {
	if r.BillType == "" {
		r.BillType = "trade"
	}
	if r.BillDate == "" {
		return "", errors.New("payment: bill: bill_date is required (2006-01-02 or 2006-01)")
	}
	biz := struct {
		BillType string `json:"bill_type"`
		BillDate string `json:"bill_date"`
	}{r.BillType, r.BillDate}
	var w struct {
		Status
		BillDownloadURL string `json:"bill_download_url"`
	}
	const method = "alipay.data.dataservice.bill.downloadurl.query"
	if err := c.call(ctx, method, biz, &w); err != nil {
		return "", err
	}
	if w.BillDownloadURL == "" {
		return "", malformed(method, errors.New("no bill_download_url"))
	}
	return w.BillDownloadURL, nil
}
