package control_test

import (
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sort"
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/posemu/posemu/clock"
	"github.com/posemu/posemu/emulator/control"
	"github.com/posemu/posemu/emulator/hostsim"
)

// gw sends a signed gateway request and returns the reply member.
func gw(gateway, method string, biz map[string]string) map[string]any {
	GinkgoHelper()
	keys, err := hostsim.LoadTestKeys()
	Expect(err).NotTo(HaveOccurred())
	bizJSON, _ := json.Marshal(biz)
	p := url.Values{"app_id": {hostsim.TestAppID}, "method": {method}, "charset": {"utf-8"}, "sign_type": {"RSA2"},
		"timestamp": {time.Now().Format("2006-01-02 15:04:05")}, "version": {"1.0"}, "biz_content": {string(bizJSON)}}
	var names []string
	for k := range p {
		names = append(names, k)
	}
	sort.Strings(names)
	var parts []string
	for _, k := range names {
		parts = append(parts, k+"="+p.Get(k))
	}
	sum := sha256.Sum256([]byte(strings.Join(parts, "&")))
	sig, err := rsa.SignPKCS1v15(rand.Reader, keys.AppPrivate, crypto.SHA256, sum[:])
	Expect(err).NotTo(HaveOccurred())
	p.Set("sign", base64.StdEncoding.EncodeToString(sig))
	resp, err := http.PostForm(gateway, p)
	Expect(err).NotTo(HaveOccurred())
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	var env map[string]json.RawMessage
	Expect(json.Unmarshal(body, &env)).To(Succeed(), "%s", body)
	var m map[string]any
	Expect(json.Unmarshal(env[strings.ReplaceAll(method, ".", "_")+"_response"], &m)).To(Succeed(), "%s", body)
	return m
}

// pay is a bar-code payment; it returns the code and sub_code.
func pay(gateway, out, code, amount string) string {
	GinkgoHelper()
	m := gw(gateway, hostsim.MethodPay, map[string]string{"out_trade_no": out, "scene": "bar_code", "auth_code": code, "subject": "t", "total_amount": amount})
	if sub, ok := m["sub_code"].(string); ok {
		return m["code"].(string) + " " + sub
	}
	return m["code"].(string)
}

var _ = Describe("the payment host endpoints", func() {
	var (
		api, gateway string
		sim          *hostsim.Simulator
		vc           *clock.Virtual
	)
	BeforeEach(func() {
		vc = clock.NewVirtual(time.Date(2024, 5, 20, 10, 0, 0, 0, hostsim.CST))
		var err error
		sim, err = hostsim.New(hostsim.Options{Clock: vc})
		Expect(err).NotTo(HaveOccurred())
		gw := httptest.NewServer(sim)
		DeferCleanup(gw.Close)
		DeferCleanup(sim.Close)
		gateway = gw.URL + hostsim.GatewayPath
		_, _, api = newAPI(control.Options{Host: sim})
	})

	It("lists trades and buyers", func() {
		status, body := call("GET", api+"/api/v1/host/trades", "")
		Expect(status).To(Equal(200))
		Expect(strings.TrimSpace(string(body))).To(Equal("[]"))
		Expect(pay(gateway, "H1", "281234567890123456", "12.34")).To(Equal("10000"))
		var trades []map[string]any
		_, body = call("GET", api+"/api/v1/host/trades", "")
		Expect(json.Unmarshal(body, &trades)).To(Succeed())
		Expect(trades).To(HaveLen(1))
		Expect(trades[0]).To(HaveKeyWithValue("out_trade_no", "H1"))
		Expect(trades[0]).To(HaveKeyWithValue("trade_status", "TRADE_SUCCESS"))
		Expect(trades[0]).To(HaveKeyWithValue("total_fen", 1234.0))
		status, one := callJSON("GET", api+"/api/v1/host/trades/H1", "")
		Expect(status).To(Equal(200))
		Expect(one).To(HaveKeyWithValue("buyer_logon_id", "138****8888"))
		expectError("GET", api+"/api/v1/host/trades/NOPE", "", 404, `no trade with out_trade_no "NOPE"`)

		var buyers []map[string]any
		_, body = call("GET", api+"/api/v1/host/buyers", "")
		Expect(json.Unmarshal(body, &buyers)).To(Succeed())
		Expect(buyers[0]).To(HaveKeyWithValue("payment_code", "281234567890123456"))
		Expect(buyers[0]).To(HaveKeyWithValue("balance", float64(10000000-1234)))
		Expect(buyers[0]).To(HaveKeyWithValue("masked_logon_id", "138****8888"))
	})

	It("confirms and declines for the buyer", func() {
		Expect(pay(gateway, "H2", "282000000000000002", "5.00")).To(Equal("10003"))
		Expect(pay(gateway, "H3", "282000000000000002", "6.00")).To(Equal("10003"))
		status, t := callJSON("POST", api+"/api/v1/host/buyers/282000000000000002/confirm", `{"out_trade_no":"H2"}`)
		Expect(status).To(Equal(200))
		Expect(t).To(HaveKeyWithValue("trade_status", "TRADE_SUCCESS"))
		status, t = callJSON("POST", api+"/api/v1/host/buyers/282000000000000002/decline", "")
		Expect(status).To(Equal(200))
		Expect(t).To(HaveKeyWithValue("out_trade_no", "H3"))
		Expect(t).To(HaveKeyWithValue("trade_status", "TRADE_CLOSED"))
		expectError("POST", api+"/api/v1/host/buyers/282000000000000002/confirm", "", 409,
			"no trade is waiting for this buyer's password: 282000000000000002")
		expectError("POST", api+"/api/v1/host/buyers/289999999999999999/confirm", "", 404,
			"no such sandbox buyer: 289999999999999999")
	})

	It("answers a refused confirm with the platform's sub_code", func() {
		Expect(pay(gateway, "H4", "282000000000000002", "5.00")).To(Equal("10003"))
		Expect(sim.SetBalance("282000000000000002", 0)).To(Succeed())
		status, m := callJSON("POST", api+"/api/v1/host/buyers/282000000000000002/confirm", "")
		Expect(status).To(Equal(409))
		Expect(m).To(HaveKeyWithValue("code", "40004"))
		Expect(m).To(HaveKeyWithValue("sub_code", "ACQ.BUYER_BALANCE_NOT_ENOUGH"))
	})

	It("lets a buyer scan a precreate QR", func() {
		expectError("POST", api+"/api/v1/host/trades/Q1/scan", `{"buyer":"281234567890123456"}`, 404, "no such trade: Q1")
		expectError("POST", api+"/api/v1/host/trades/Q1/scan", `{}`, 400, `field "buyer" (a sandbox buyer's payment code) is required`)
		Expect(pay(gateway, "B1", "281234567890123456", "1.00")).To(Equal("10000"))
		expectError("POST", api+"/api/v1/host/trades/B1/scan", `{"buyer":"281234567890123456"}`, 409, "not a precreate trade: B1 is bar_code")

		m := gw(gateway, hostsim.MethodPrecreate, map[string]string{"out_trade_no": "Q1", "subject": "t", "total_amount": "6.00"})
		Expect(m["qr_code"]).To(HavePrefix("https://qr.alipay.com/bax0"))
		status, refused := callJSON("POST", api+"/api/v1/host/trades/Q1/scan", `{"buyer":"283000000000000003"}`)
		Expect(status).To(Equal(409))
		Expect(refused).To(HaveKeyWithValue("sub_code", "ACQ.BUYER_BALANCE_NOT_ENOUGH"))
		status, t := callJSON("POST", api+"/api/v1/host/trades/Q1/scan", `{"buyer":"281234567890123456"}`)
		Expect(status).To(Equal(200))
		Expect(t).To(HaveKeyWithValue("trade_status", "TRADE_SUCCESS"))
		vc.Advance(time.Second)
		Expect(gw(gateway, hostsim.MethodQuery, map[string]string{"out_trade_no": "Q1"})).To(HaveKeyWithValue("trade_status", "TRADE_SUCCESS"))
	})

	It("arms, lists and clears faults", func() {
		status, faults := call("POST", api+"/api/v1/host/faults", `{"kind":"unknown","method":"alipay.trade.pay","count":1}`)
		Expect(status).To(Equal(200), "%s", faults)
		Expect(string(faults)).To(ContainSubstring(`"kind":"unknown"`))
		Expect(pay(gateway, "H5", "281234567890123456", "1.00")).To(Equal("20000 isp.unknow-error"))
		Expect(pay(gateway, "H5", "281234567890123456", "1.00")).To(Equal("10000"))

		status, _ = call("POST", api+"/api/v1/host/faults", `{"kind":"latency","latency":"2s"}`)
		Expect(status).To(Equal(200))
		_, body := call("GET", api+"/api/v1/host/faults", "")
		Expect(string(body)).To(ContainSubstring(`"latency":"2s"`))
		status, body = call("DELETE", api+"/api/v1/host/faults", "")
		Expect(status).To(Equal(200))
		Expect(strings.TrimSpace(string(body))).To(Equal("[]"))

		expectError("POST", api+"/api/v1/host/faults", `{"kind":"meteor"}`, 400,
			`unknown fault kind "meteor" (one of latency, no_reply, unknown, http_error, lost_reply, bad_signature, error)`)
		status, m := callJSON("POST", api+"/api/v1/host/faults", `{"kind":"latency","latency":"soon"}`)
		Expect(status).To(Equal(400))
		Expect(m["error"]).To(ContainSubstring(`duration "soon"`))
	})

	It("is absent without a simulator", func() {
		_, _, plain := newAPI(control.Options{})
		status, _ := call("GET", plain+"/api/v1/host/trades", "")
		Expect(status).To(Equal(404))
	})
})
