package hostsim

import (
	"encoding/json"
	"net/url"
	"testing"
	"time"

	"github.com/posemu/posemu/clock"
)

// FuzzParseRequest feeds arbitrary query strings and form bodies through
// the request parser, the signing-content builder and every method's
// biz_content decoding and handler (the signature check is skipped so the
// fuzzer reaches them). Nothing may panic, every reply must encode, and
// the books must balance: no buyer below zero, no trade refunded beyond
// what was paid.
func FuzzParseRequest(f *testing.F) {
	biz := func(m map[string]any) string {
		b, _ := json.Marshal(m)
		return url.Values{"biz_content": {string(b)}, "app_id": {TestAppID}, "sign_type": {"RSA2"}}.Encode()
	}
	f.Add("", biz(map[string]any{"out_trade_no": "F1", "scene": "bar_code", "auth_code": "281234567890123456", "subject": "s", "total_amount": "88.88"}))
	f.Add("charset=utf-8", biz(map[string]any{"out_trade_no": "F1", "refund_amount": 1.5, "out_request_no": "r1"}))
	f.Add("", biz(map[string]any{"out_trade_no": "F2", "subject": "s", "total_amount": 12, "timeout_express": "1c"}))
	f.Add("", biz(map[string]any{"out_trade_no": "F2", "scene": "bar_code", "auth_code": "282000000000000002", "subject": "s", "total_amount": "100000000.00"}))
	f.Add("", biz(map[string]any{"bill_type": "trade", "bill_date": "2024-05"}))
	f.Add("", biz(map[string]any{"trade_no": "2024052022000000000000000001"}))
	f.Add("a=%zz", "biz_content=%7B")
	f.Add("", "biz_content=null")
	f.Add("", "biz_content=%7B%22total_amount%22%3A1e400%7D")
	f.Add("", "biz_content=%7B%22total_amount%22%3A%5B%5D%7D%20%7B%7D")
	f.Add("method=alipay.trade.pay&method=x", "sign=%2B%2F%3D&&&=&biz_content=%7B%7D")

	sim, err := New(Options{Clock: clock.NewVirtual(time.Date(2024, 5, 20, 10, 0, 0, 0, CST))})
	if err != nil {
		f.Fatal(err)
	}
	app := sim.apps[TestAppID]
	f.Fuzz(func(t *testing.T, query, body string) {
		r, err := ParseRequest(query, body)
		if err != nil {
			return
		}
		_ = SignContent(r.Params)
		_, _ = verifyRequest(app.PublicKey, r)
		for _, m := range Methods() {
			r.Method = m
			member := sim.dispatch(&call{app: app, req: r, now: sim.clock.Now(), baseURL: "http://127.0.0.1"})
			if _, err := marshalMember(member); err != nil {
				t.Fatalf("%s: reply does not encode: %v", m, err)
			}
		}
		sim.mu.Lock()
		defer sim.mu.Unlock()
		for code, fen := range sim.st.balances {
			if fen < 0 {
				t.Fatalf("buyer %s balance %d", code, fen)
			}
		}
		for _, tr := range sim.st.byOut {
			if tr.Refunded < 0 || tr.Refunded > tr.Total {
				t.Fatalf("trade %s refunded %d of %d", tr.OutTradeNo, tr.Refunded, tr.Total)
			}
		}
		if len(sim.st.byOut) > 2000 { // keep long runs fast
			sim.st = newStore()
			for code, b := range sim.buyers {
				sim.st.balances[code] = b.Balance
			}
		}
	})
}
