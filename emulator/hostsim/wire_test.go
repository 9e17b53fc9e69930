package hostsim_test

import (
	"bytes"
	"io"
	"net/http"
	"net/url"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/posemu/posemu/emulator/hostsim"
)

var _ = Describe("the wire", func() {
	var e *env
	BeforeEach(func() { e = newEnv(hostsim.Options{}) })

	It("signs the exact member bytes and splices them into the envelope", func() {
		_, body, err := e.cli.post(e.cli.form(hostsim.MethodPay, payBiz("W1", zhangSan, "1.00")))
		Expect(err).NotTo(HaveOccurred())
		prefix := []byte(`{"alipay_trade_pay_response":`)
		Expect(body).To(HavePrefix(string(prefix)))
		i := bytes.LastIndex(body, []byte(`,"sign":"`))
		Expect(i).To(BeNumerically(">", len(prefix)))
		member := body[len(prefix):i]
		sign := string(body[i+len(`,"sign":"`) : len(body)-2])
		Expect(body[len(body)-2:]).To(Equal([]byte(`"}`)))
		Expect(hostsim.VerifyRSA2(testKeys.PlatformPublic, member, sign)).To(Succeed())
		Expect(string(member)).To(HavePrefix(`{"code":"10000","msg":"Success","trade_no":"`))
	})

	It("takes the common parameters from the query string and biz_content from the body, as the official SDKs send them", func() {
		p := e.cli.form(hostsim.MethodPay, payBiz("W2", zhangSan, "1.00"))
		q := url.Values{}
		for k := range p {
			if k != "biz_content" {
				q.Set(k, p.Get(k))
			}
		}
		body := url.Values{"biz_content": {p.Get("biz_content")}}
		resp, err := http.Post(e.cli.url+"?"+q.Encode(), "application/x-www-form-urlencoded;charset=utf-8", strings.NewReader(body.Encode()))
		Expect(err).NotTo(HaveOccurred())
		data, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		r, err := e.cli.parse(hostsim.MethodPay, data)
		Expect(err).NotTo(HaveOccurred())
		Expect(r.Code()).To(Equal("10000"))
	})

	It("answers GET with everything in the query string", func() {
		p := e.cli.form(hostsim.MethodQuery, ref("W3"))
		resp, err := http.Get(e.cli.url + "?" + p.Encode())
		Expect(err).NotTo(HaveOccurred())
		data, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		r, err := e.cli.parse(hostsim.MethodQuery, data)
		Expect(err).NotTo(HaveOccurred())
		Expect(r.Code()).To(Equal("40004 ACQ.TRADE_NOT_EXIST"))
	})

	It("includes sign_type in the signed content", func() {
		// Signed without sign_type (the notification rule), sent with it.
		v := e.cli.form(hostsim.MethodQuery, ref("W4"))
		v.Del("sign_type")
		v.Set("sign", rsa2(testKeys.AppPrivate, signContent(v)))
		v.Set("sign_type", "RSA2")
		r := e.cli.send(v)
		Expect(r.Code()).To(Equal("40002 isv.invalid-signature"))
		Expect(hostsim.SignContent(map[string]string{"b": "2", "a": "1", "sign": "x", "sign_type": "RSA2", "e": ""})).To(Equal("a=1&b=2&sign_type=RSA2"))
	})

	It("accepts a signature made over trimmed values (as smartwalle/alipay signs)", func() {
		p := e.cli.form(hostsim.MethodPay, payBiz("W5", zhangSan, "1.00"), func(v url.Values) { v.Set("notify_url", " http://127.0.0.1/notify ") })
		trimmed := url.Values{}
		for k := range p {
			if k != "sign" {
				trimmed.Set(k, strings.TrimSpace(p.Get(k)))
			}
		}
		p.Set("sign", rsa2(testKeys.AppPrivate, signContent(trimmed)))
		Expect(e.cli.send(p).Code()).To(Equal("10000"))
	})

	It("refuses methods other than GET and POST and unknown paths", func() {
		req, _ := http.NewRequest("PUT", e.cli.url, nil)
		resp, err := http.DefaultClient.Do(req)
		Expect(err).NotTo(HaveOccurred())
		resp.Body.Close()
		Expect(resp.StatusCode).To(Equal(405))
		resp, err = http.Get(e.srv.URL + "/nope")
		Expect(err).NotTo(HaveOccurred())
		resp.Body.Close()
		Expect(resp.StatusCode).To(Equal(404))
	})

	It("answers 503 once closed", func() {
		e.sim.Close()
		status, _, err := e.cli.post(e.cli.form(hostsim.MethodQuery, ref("W6")))
		Expect(err).NotTo(HaveOccurred())
		Expect(status).To(Equal(503))
	})
})
