package integration_test

import (
	"context"
	"encoding/pem"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"github.com/smartwalle/alipay/v3"

	"github.com/posemu/posemu/clock"
	"github.com/posemu/posemu/emulator/hostsim"
)

// pemOnly is a fixture key without the warning text above its PEM block:
// smartwalle (ncrypto) reads PEM only when the data starts with "-".
func pemOnly(name string) string {
	block, _ := pem.Decode(fixtureKey(name))
	Expect(block).NotTo(BeNil(), name)
	return string(pem.EncodeToMemory(block))
}

// toSimulator sends what a client addresses to the real Alipay gateway to
// the simulator instead, and refuses anything else, so a client this
// project did not write runs unmodified, in production mode, on loopback.
type toSimulator struct {
	sim  *url.URL
	next http.RoundTripper
}

func (t *toSimulator) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.URL.Host != "openapi.alipay.com" {
		return nil, fmt.Errorf("test transport: refusing %s (only openapi.alipay.com is redirected)", r.URL.Host)
	}
	r = r.Clone(r.Context())
	r.URL.Scheme, r.URL.Host, r.Host = t.sim.Scheme, t.sim.Host, t.sim.Host
	return t.next.RoundTrip(r)
}

// The simulator checked with github.com/smartwalle/alipay/v3: its request
// signatures must verify at the simulator, and the simulator's reply
// signatures must verify in it, with the fixture keys.
var _ = Describe("Payments: the simulator with smartwalle/alipay", func() {
	var (
		ps  *paySim
		ali *alipay.Client
		ctx = context.Background()
	)
	BeforeEach(func() {
		ps = startPaySim(clock.Real())
		u, err := url.Parse(ps.url)
		Expect(err).NotTo(HaveOccurred())
		hc := &http.Client{Transport: &toSimulator{sim: u, next: &http.Transport{}}, Timeout: 5 * time.Second}
		ali, err = alipay.New(hostsim.TestAppID, pemOnly("app_private_key.pem"), true,
			alipay.WithHTTPClient(hc), alipay.WithTimeLocation(time.FixedZone("CST", 8*3600)))
		Expect(err).NotTo(HaveOccurred())
		Expect(ali.LoadAliPayPublicKey(pemOnly("platform_public_key.pem"))).To(Succeed())
	})

	It("pays, queries and refunds, every reply signature verified by smartwalle", func() {
		no := newTradeNo("sw")
		before := ps.balance(buyerZhang)
		p := alipay.TradePay{Scene: "bar_code", AuthCode: buyerZhang}
		p.OutTradeNo, p.Subject, p.TotalAmount, p.ProductCode = no, "smartwalle 交叉检查", "66.60", "FACE_TO_FACE_PAYMENT"
		pay, err := ali.TradePay(ctx, p)
		Expect(err).NotTo(HaveOccurred())
		Expect(string(pay.Code)).To(Equal("10000"), "%+v", pay)
		Expect(pay.TradeNo).NotTo(BeEmpty())
		Expect(pay.TotalAmount).To(Equal("66.60"))
		Expect(ps.balance(buyerZhang)).To(Equal(before - 6660))

		q, err := ali.TradeQuery(ctx, alipay.TradeQuery{OutTradeNo: no})
		Expect(err).NotTo(HaveOccurred())
		Expect(string(q.Code)).To(Equal("10000"))
		Expect(string(q.TradeStatus)).To(Equal("TRADE_SUCCESS"))
		Expect(q.TradeNo).To(Equal(pay.TradeNo))

		r := alipay.TradeRefund{OutTradeNo: no, RefundAmount: "6.60", OutRequestNo: no + "_R1"}
		ref, err := ali.TradeRefund(ctx, r)
		Expect(err).NotTo(HaveOccurred())
		Expect(string(ref.Code)).To(Equal("10000"), "%+v", ref)
		Expect(ref.RefundFee).To(Equal("6.60"))
		ref, err = ali.TradeRefund(ctx, r)
		Expect(err).NotTo(HaveOccurred())
		Expect(ref.RefundFee).To(Equal("6.60"), "same out_request_no: the same refund")
		Expect(ps.trade(no).Refunded).To(Equal(int64(660)))
	})

	It("answers smartwalle's 10003 and business failures as the platform does", func() {
		p := alipay.TradePay{Scene: "bar_code", AuthCode: buyerLi}
		p.OutTradeNo, p.Subject, p.TotalAmount, p.ProductCode = newTradeNo("sw"), "s", "1.00", "FACE_TO_FACE_PAYMENT"
		pay, err := ali.TradePay(ctx, p)
		Expect(err).NotTo(HaveOccurred())
		Expect(string(pay.Code)).To(Equal("10003"))

		p = alipay.TradePay{Scene: "bar_code", AuthCode: buyerWang}
		p.OutTradeNo, p.Subject, p.TotalAmount, p.ProductCode = newTradeNo("sw"), "s", "88.00", "FACE_TO_FACE_PAYMENT"
		pay, err = ali.TradePay(ctx, p)
		Expect(err).NotTo(HaveOccurred())
		Expect(string(pay.Code)).To(Equal("40004"))
		Expect(pay.SubCode).To(Equal("ACQ.BUYER_BALANCE_NOT_ENOUGH"))
	})

	It("makes smartwalle refuse a reply whose signature does not verify", func() {
		no := newTradeNo("sw")
		p := alipay.TradePay{Scene: "bar_code", AuthCode: buyerZhang}
		p.OutTradeNo, p.Subject, p.TotalAmount, p.ProductCode = no, "s", "1.00", "FACE_TO_FACE_PAYMENT"
		_, err := ali.TradePay(ctx, p)
		Expect(err).NotTo(HaveOccurred())
		ps.fault(hostsim.Fault{Kind: hostsim.FaultBadSignature, Method: hostsim.MethodQuery, Count: 1})
		_, err = ali.TradeQuery(ctx, alipay.TradeQuery{OutTradeNo: no})
		Expect(err).To(HaveOccurred(), "smartwalle must not accept the tampered reply")
		q, err := ali.TradeQuery(ctx, alipay.TradeQuery{OutTradeNo: no})
		Expect(err).NotTo(HaveOccurred())
		Expect(string(q.TradeStatus)).To(Equal("TRADE_SUCCESS"))
	})

	It("is refused by the simulator when smartwalle signs with the wrong key", func() {
		bad, err := alipay.New(hostsim.TestAppID, pemOnly("platform_private_key.pem"), true,
			alipay.WithHTTPClient(ali.Client))
		Expect(err).NotTo(HaveOccurred())
		Expect(bad.LoadAliPayPublicKey(pemOnly("platform_public_key.pem"))).To(Succeed())
		p := alipay.TradePay{Scene: "bar_code", AuthCode: buyerZhang}
		p.OutTradeNo, p.Subject, p.TotalAmount, p.ProductCode = newTradeNo("sw"), "s", "1.00", "FACE_TO_FACE_PAYMENT"
		_, err = bad.TradePay(ctx, p)
		// The refusal comes unsigned (the platform has not verified who is
		// asking); smartwalle returns it as its error type.
		var aerr *alipay.Error
		Expect(errors.As(err, &aerr)).To(BeTrue(), "%v", err)
		Expect(string(aerr.Code)).To(Equal("40002"))
		Expect(aerr.SubCode).To(Equal("isv.invalid-signature"))
	})
})
