package terminal_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/posemu/posemu/drivers/payment"
	"github.com/posemu/posemu/terminal"
)

// fakePayments is a platform that approves everything unless a test says
// otherwise, and keeps a ledger so that refunds are limited and the bill
// matches what it charged.
type fakePayments struct {
	mu       sync.Mutex
	pays     []payment.PayRequest
	qrs      []payment.PrecreateRequest
	resolves []string
	cancels  []payment.TradeRef
	refunds  []payment.RefundRequest
	paid     map[string]int64
	refunded map[string]int64
	seen     map[string]bool // refund request numbers answered

	payFn     func(r payment.PayRequest, progress func(payment.Progress)) payment.Outcome
	resolveFn func(out string) payment.Outcome
	pingErr   error
	billFn    func(day string) ([]terminal.BillRow, error)
}

func newFakePayments() *fakePayments {
	return &fakePayments{paid: map[string]int64{}, refunded: map[string]int64{}, seen: map[string]bool{}}
}

func tradeNo(out string) string { return "2025" + out[len(out)-6:] + "22001" }

func approved(out string, fen int64) payment.Outcome {
	return payment.Outcome{Result: payment.ResultApproved, OutTradeNo: out, TradeNo: tradeNo(out),
		Amount: payment.Fen(fen), BuyerLogonID: "158****1234", PaidAt: time.Date(2025, 3, 1, 9, 30, 0, 0, payment.ChinaTime)}
}

func declined(sub string) payment.Outcome {
	return payment.Outcome{Result: payment.ResultDeclined, Declined: &payment.Declined{Code: "40004", SubCode: sub,
		Message: payment.OperatorMessage("40004", sub)}}
}

func (f *fakePayments) PayByCode(_ context.Context, r payment.PayRequest, progress func(payment.Progress)) (payment.Outcome, error) {
	f.mu.Lock()
	f.pays = append(f.pays, r)
	fn := f.payFn
	f.mu.Unlock()
	o := approved(r.OutTradeNo, int64(r.Amount))
	if fn != nil {
		o = fn(r, progress)
		o.OutTradeNo = r.OutTradeNo
	}
	if o.Result == payment.ResultApproved {
		f.mu.Lock()
		f.paid[r.OutTradeNo] = int64(r.Amount)
		f.mu.Unlock()
	}
	return o, nil
}

func (f *fakePayments) PayByQR(_ context.Context, r payment.PrecreateRequest, show func(string), progress func(payment.Progress)) (payment.Outcome, error) {
	f.mu.Lock()
	f.qrs = append(f.qrs, r)
	f.paid[r.OutTradeNo] = int64(r.Amount)
	f.mu.Unlock()
	show("https://qr.alipay.com/bax" + r.OutTradeNo)
	progress(payment.Progress{Stage: payment.StageWaitingForBuyer, Remaining: 30 * time.Second,
		Message: payment.Message{ZH: "等待买家确认付款", EN: "Waiting for buyer"}})
	return approved(r.OutTradeNo, int64(r.Amount)), nil
}

func (f *fakePayments) Resolve(_ context.Context, out string, _ func(payment.Progress)) (payment.Outcome, error) {
	f.mu.Lock()
	f.resolves = append(f.resolves, out)
	fn := f.resolveFn
	f.mu.Unlock()
	if fn != nil {
		return fn(out), nil
	}
	return payment.Outcome{Result: payment.ResultCancelled, OutTradeNo: out}, nil
}

func (f *fakePayments) Query(_ context.Context, ref payment.TradeRef) (*payment.Trade, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if strings.HasSuffix(ref.OutTradeNo, "PING") {
		if f.pingErr != nil {
			return nil, f.pingErr
		}
		return nil, &payment.APIError{Method: "alipay.trade.query", Status: payment.Status{Code: "40004", SubCode: "ACQ.TRADE_NOT_EXIST"}}
	}
	p, ok := f.paid[ref.OutTradeNo]
	if !ok {
		return nil, &payment.APIError{Method: "alipay.trade.query", Status: payment.Status{Code: "40004", SubCode: "ACQ.TRADE_NOT_EXIST"}}
	}
	st := payment.TradeSuccess
	if f.refunded[ref.OutTradeNo] == p {
		st = payment.TradeClosed
	}
	return &payment.Trade{OutTradeNo: ref.OutTradeNo, TradeNo: tradeNo(ref.OutTradeNo), TradeStatus: st, TotalAmount: payment.Fen(p)}, nil
}

func (f *fakePayments) Cancel(_ context.Context, ref payment.TradeRef) (*payment.CancelResult, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.cancels = append(f.cancels, ref)
	action := "close"
	if p, ok := f.paid[ref.OutTradeNo]; ok {
		action = "refund"
		f.refunded[ref.OutTradeNo] = p
	}
	return &payment.CancelResult{OutTradeNo: ref.OutTradeNo, TradeNo: tradeNo(ref.OutTradeNo), RetryFlag: "N", Action: action}, nil
}

func (f *fakePayments) Refund(_ context.Context, r payment.RefundRequest) (*payment.RefundResult, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.refunds = append(f.refunds, r)
	if !f.seen[r.OutRequestNo] {
		if f.refunded[r.OutTradeNo]+int64(r.Amount) > f.paid[r.OutTradeNo] {
			return nil, &payment.APIError{Method: "alipay.trade.refund", Status: payment.Status{Code: "40004", SubCode: "ACQ.REFUND_AMT_NOT_EQUAL_TOTAL"}}
		}
		f.seen[r.OutRequestNo] = true
		f.refunded[r.OutTradeNo] += int64(r.Amount)
	}
	return &payment.RefundResult{OutTradeNo: r.OutTradeNo, TradeNo: tradeNo(r.OutTradeNo), FundChange: true,
		RefundFee: payment.Fen(f.refunded[r.OutTradeNo])}, nil
}

func (f *fakePayments) Bill(_ context.Context, day string) ([]terminal.BillRow, error) {
	f.mu.Lock()
	fn := f.billFn
	var rows []terminal.BillRow
	for out, p := range f.paid {
		rows = append(rows, terminal.BillRow{OutTradeNo: out, TradeNo: tradeNo(out), Amount: p})
		if r := f.refunded[out]; r > 0 {
			rows = append(rows, terminal.BillRow{OutTradeNo: out, TradeNo: tradeNo(out), Amount: r, Refund: true})
		}
	}
	f.mu.Unlock()
	if fn != nil {
		return fn(day)
	}
	return rows, nil
}

func (f *fakePayments) Pays() []payment.PayRequest {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]payment.PayRequest(nil), f.pays...)
}

func (f *fakePayments) String() string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return fmt.Sprintf("pays %d, refunds %d, cancels %d, resolves %d", len(f.pays), len(f.refunds), len(f.cancels), len(f.resolves))
}
