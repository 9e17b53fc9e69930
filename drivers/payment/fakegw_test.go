package payment_test

import (
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sort"
	"strings"
	"sync"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
)

// fakeGateway is a scripted gateway written for these tests, with its own
// request verification, so the client is checked against code that does
// not share its signing helpers.
type fakeGateway struct {
	srv *httptest.Server

	mu      sync.Mutex
	calls   []gwCall
	scripts map[string][]gwReply // per method; the last reply repeats
	badReqs int                  // requests whose signature did not verify
}

type gwCall struct {
	Method string
	Params url.Values
	Biz    map[string]any
}

// gwReply is one scripted answer.
type gwReply struct {
	Member   map[string]any // the response member; marshalled
	Raw      string         // or the member's exact text
	Body     string         // or the whole body, verbatim
	HTTP     int            // a status other than 200
	Unsigned bool           // no sign member
	Stranger bool           // signed with the wrong key
	Tamper   bool           // signed, then a byte of the member changed
	Hang     bool           // never answer; the client must give up
	Before   func()         // runs when the reply is chosen (e.g. to count a charge)
}

func newFakeGateway() *fakeGateway {
	g := &fakeGateway{scripts: map[string][]gwReply{}}
	g.srv = httptest.NewServer(http.HandlerFunc(g.serve))
	return g
}

func (g *fakeGateway) URL() string { return g.srv.URL + "/gateway.do" }

func (g *fakeGateway) Close() { g.srv.CloseClientConnections(); g.srv.Close() }

// script sets the replies for a method, replacing any left over.
func (g *fakeGateway) script(method string, replies ...gwReply) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.scripts[method] = replies
}

func (g *fakeGateway) methods() []string {
	g.mu.Lock()
	defer g.mu.Unlock()
	var m []string
	for _, c := range g.calls {
		m = append(m, strings.TrimPrefix(c.Method, "alipay.trade."))
	}
	return m
}

func (g *fakeGateway) lastCall() gwCall {
	g.mu.Lock()
	defer g.mu.Unlock()
	Expect(g.calls).NotTo(BeEmpty())
	return g.calls[len(g.calls)-1]
}

// testSignContent is the gateway's own reading of the signing rule.
func testSignContent(p url.Values) string {
	var pairs []string
	for k := range p {
		if k != "sign" && p.Get(k) != "" {
			pairs = append(pairs, k+"="+p.Get(k))
		}
	}
	sort.Strings(pairs)
	return strings.Join(pairs, "&")
}

func signWith(k *rsa.PrivateKey, data []byte) string {
	sum := sha256.Sum256(data)
	sig, err := rsa.SignPKCS1v15(rand.Reader, k, crypto.SHA256, sum[:])
	Expect(err).NotTo(HaveOccurred())
	return base64.StdEncoding.EncodeToString(sig)
}

func (g *fakeGateway) serve(w http.ResponseWriter, r *http.Request) {
	defer GinkgoRecover()
	Expect(r.ParseForm()).To(Succeed())
	p := r.PostForm
	method := p.Get("method")
	sig, _ := base64.StdEncoding.DecodeString(p.Get("sign"))
	sum := sha256.Sum256([]byte(testSignContent(p)))
	reqOK := rsa.VerifyPKCS1v15(&appKey.PublicKey, crypto.SHA256, sum[:], sig) == nil
	var biz map[string]any
	_ = json.Unmarshal([]byte(p.Get("biz_content")), &biz)

	g.mu.Lock()
	g.calls = append(g.calls, gwCall{Method: method, Params: p, Biz: biz})
	var rep gwReply
	if !reqOK {
		g.badReqs++
		rep = gwReply{Member: map[string]any{"code": "40002", "msg": "Invalid Arguments",
			"sub_code": "isv.invalid-signature", "sub_msg": "验签出错"}}
	} else if q := g.scripts[method]; len(q) > 0 {
		rep = q[0]
		if len(q) > 1 {
			g.scripts[method] = q[1:]
		}
	} else {
		rep = gwReply{Member: map[string]any{"code": "40004", "msg": "Business Failed",
			"sub_code": "ACQ.TRADE_NOT_EXIST", "sub_msg": "交易不存在"}}
	}
	g.mu.Unlock()
	if rep.Before != nil {
		rep.Before()
	}
	if rep.Hang {
		<-r.Context().Done()
		return
	}
	if rep.HTTP != 0 {
		http.Error(w, "gateway trouble", rep.HTTP)
		return
	}
	w.Header().Set("Content-Type", "application/json;charset=utf-8")
	if rep.Body != "" {
		_, _ = w.Write([]byte(rep.Body))
		return
	}
	_, _ = w.Write([]byte(signedBody(method, rep)))
}

// signedBody builds {"<member>":…,"sign":"…"} the way the platform does.
func signedBody(method string, rep gwReply) string {
	raw := rep.Raw
	if raw == "" {
		b, err := json.Marshal(rep.Member)
		Expect(err).NotTo(HaveOccurred())
		raw = string(b)
	}
	member := strings.ReplaceAll(method, ".", "_") + "_response"
	if rep.Unsigned {
		return `{"` + member + `":` + raw + `}`
	}
	key := platformKey
	if rep.Stranger {
		key = strangerKey
	}
	sign := signWith(key, []byte(raw))
	if rep.Tamper {
		raw = strings.Replace(raw, "10000", "10001", 1)
		raw = strings.Replace(raw, `"0.01"`, `"0.02"`, 1)
	}
	return `{"` + member + `":` + raw + `,"sign":"` + sign + `"}`
}

// Common replies.
func ok(fields map[string]any) gwReply {
	m := map[string]any{"code": "10000", "msg": "Success"}
	for k, v := range fields {
		m[k] = v
	}
	return gwReply{Member: m}
}

func fail(code, subCode string, extra ...map[string]any) gwReply {
	m := map[string]any{"code": code, "msg": "Business Failed", "sub_code": subCode, "sub_msg": subCode}
	for _, e := range extra {
		for k, v := range e {
			m[k] = v
		}
	}
	return gwReply{Member: m}
}

func paid(outTradeNo, amount string) gwReply {
	return ok(map[string]any{"trade_no": "2024" + outTradeNo, "out_trade_no": outTradeNo,
		"buyer_logon_id": "159****5620", "total_amount": amount, "receipt_amount": amount,
		"gmt_payment": "2024-05-01 12:00:05", "trade_status": "TRADE_SUCCESS",
		"fund_bill_list": []map[string]any{{"fund_channel": "ALIPAYACCOUNT", "amount": amount}}})
}

func waiting(outTradeNo string) gwReply {
	return ok(map[string]any{"trade_no": "2024" + outTradeNo, "out_trade_no": outTradeNo,
		"trade_status": "WAIT_BUYER_PAY", "total_amount": "88.00"})
}

func inProcess(outTradeNo string) gwReply {
	return gwReply{Member: map[string]any{"code": "10003", "msg": " order success pay inprocess",
		"trade_no": "2024" + outTradeNo, "out_trade_no": outTradeNo, "total_amount": "88.00"}}
}

func base64Of(b []byte) string { return base64.StdEncoding.EncodeToString(b) }
