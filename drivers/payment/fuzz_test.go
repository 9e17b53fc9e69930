package payment_test

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/posemu/posemu/drivers/payment"
)

// FuzzParseReply feeds arbitrary reply bodies to the envelope reader. It
// must never panic, and whatever it accepts must be an object that appears
// verbatim in the body (the signature is checked over exactly those bytes).
func FuzzParseReply(f *testing.F) {
	for _, s := range []string{
		`{"alipay_trade_pay_response":{"code":"10000","msg":"Success","trade_no":"1","total_amount":"88.00"},"sign":"AAAA"}`,
		`{"sign":"a\/b","alipay_trade_pay_response":{"code":"10003","msg":" order success pay inprocess"}}`,
		`{"error_response":{"code":"40002","msg":"Invalid Arguments","sub_code":"isv.invalid-method"},"sign":"x"}`,
		`{"alipay_trade_pay_response":{"code":"10000"},"alipay_trade_pay_response":{"code":"40004"},"sign":"x"}`,
		`{"alipay_trade_pay_response":"10000","sign":"x"}`,
		`{"alipay_trade_pay_response":{"code":10000},"sign":7}`,
		"{ \"alipay_trade_pay_response\" :\n{ \"msg\":\"\\u6210\\u529f\" } }",
		`{"alipay_trade_pay_response":{"code":"10000"`,
		`[]`, `null`, ``, `{}`, `{"a":{"b":[1,2,{"c":null}]}}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		raw, _, st, err := payment.ParseReply(body, "alipay.trade.pay")
		if err != nil {
			return
		}
		if !bytes.Contains(body, raw) {
			t.Fatalf("member %q is not verbatim in the body", raw)
		}
		if len(raw) == 0 || raw[0] != '{' || !json.Valid(raw) {
			t.Fatalf("member %q is not a JSON object", raw)
		}
		_ = st.Code
	})
}
