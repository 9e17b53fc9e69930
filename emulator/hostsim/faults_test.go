package hostsim_test

import (
	"context"
	"io"
	"net/http"
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/posemu/posemu/emulator/hostsim"
)

var _ = Describe("faults", func() {
	var e *env
	BeforeEach(func() { e = newEnv(hostsim.Options{}) })

	add := func(f hostsim.Fault) {
		GinkgoHelper()
		Expect(e.sim.AddFault(f)).To(Succeed())
	}
	exists := func(out string) bool {
		_, ok := e.sim.Trade(out)
		return ok
	}
	// postCtx sends a pay request that can be abandoned.
	postCtx := func(ctx context.Context, out string) error {
		p := e.cli.form(hostsim.MethodPay, payBiz(out, zhangSan, "1.00"))
		req, _ := http.NewRequestWithContext(ctx, "POST", e.cli.url, strings.NewReader(p.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		resp, err := e.cli.http.Do(req)
		if err == nil {
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
		}
		return err
	}

	It("latency delays the reply on the simulator's clock", func() {
		add(hostsim.Fault{Kind: hostsim.FaultLatency, Latency: hostsim.Duration(2 * time.Second), Count: 1})
		done := make(chan reply, 1)
		go func() {
			defer GinkgoRecover()
			done <- e.cli.call(hostsim.MethodPay, payBiz("F1", zhangSan, "1.00"))
		}()
		Expect(e.clock.WaitForWaiters(1, nil)).To(BeTrue())
		Expect(done).NotTo(Receive())
		e.clock.Advance(2 * time.Second)
		Eventually(done).Should(Receive(WithTransform(reply.Code, Equal("10000"))))
	})

	It("no_reply hangs until the client gives up; the trade is not made", func() {
		add(hostsim.Fault{Kind: hostsim.FaultNoReply, Count: 1})
		ctx, cancel := context.WithCancel(context.Background())
		errc := make(chan error, 1)
		go func() { errc <- postCtx(ctx, "F2") }()
		Eventually(e.sim.Faults).Should(BeEmpty(), "the request reached the fault")
		Expect(errc).NotTo(Receive())
		cancel()
		Eventually(errc).Should(Receive(MatchError(context.Canceled)))
		Expect(exists("F2")).To(BeFalse())
	})

	It("no_reply with commit makes the trade, then hangs; closing the simulator ends it", func() {
		add(hostsim.Fault{Kind: hostsim.FaultNoReply, Commit: true})
		errc := make(chan error, 1)
		go func() { errc <- postCtx(context.Background(), "F3") }()
		Eventually(func() bool { return exists("F3") }).Should(BeTrue())
		Expect(errc).NotTo(Receive())
		e.sim.Close()
		Eventually(errc).Should(Receive(HaveOccurred()))
	})

	It("no_reply holds a request until ReleaseHeld ends it without a reply; the next request is answered", func() {
		held := make(chan string, 4)
		e = newEnv(hostsim.Options{OnHold: func(method string) { held <- method }})
		add(hostsim.Fault{Kind: hostsim.FaultNoReply, Commit: true, Count: 1})
		Expect(e.sim.ReleaseHeld()).To(BeZero(), "nothing held yet")
		errc := make(chan error, 1)
		go func() { errc <- postCtx(context.Background(), "F7") }()
		Eventually(held).Should(Receive(Equal(hostsim.MethodPay)))
		Expect(e.sim.Held()).To(Equal(1))
		Expect(errc).NotTo(Receive())
		Expect(e.sim.ReleaseHeld()).To(Equal(1))
		Eventually(errc).Should(Receive(HaveOccurred()), "the connection closed without a reply")
		Eventually(e.sim.Held).Should(BeZero())
		Expect(exists("F7")).To(BeTrue(), "commit: the trade was made before the silence")
		Expect(e.cli.call(hostsim.MethodQuery, ref("F7")).str("trade_status")).To(Equal("TRADE_SUCCESS"))
		Expect(held).NotTo(Receive())
	})

	It("unknown answers 20000; with commit the trade happened anyway", func() {
		add(hostsim.Fault{Kind: hostsim.FaultUnknown, Count: 1})
		Expect(e.cli.call(hostsim.MethodPay, payBiz("F4", zhangSan, "1.00")).Code()).To(Equal("20000 isp.unknow-error"))
		Expect(exists("F4")).To(BeFalse())
		add(hostsim.Fault{Kind: hostsim.FaultUnknown, Count: 1, Commit: true})
		Expect(e.cli.call(hostsim.MethodPay, payBiz("F5", zhangSan, "1.00")).Code()).To(Equal("20000 isp.unknow-error"))
		Expect(e.cli.call(hostsim.MethodQuery, ref("F5")).str("trade_status")).To(Equal("TRADE_SUCCESS"))
	})

	It("http_error answers a 5xx page, 502 by default", func() {
		add(hostsim.Fault{Kind: hostsim.FaultHTTPError, Count: 1})
		add(hostsim.Fault{Kind: hostsim.FaultHTTPError, Status: 504, Count: 1})
		status, body, err := e.cli.post(e.cli.form(hostsim.MethodPay, payBiz("F6", zhangSan, "1.00")))
		Expect(err).NotTo(HaveOccurred())
		Expect(status).To(Equal(502))
		Expect(string(body)).To(ContainSubstring("502 Bad Gateway"))
		status, _, _ = e.cli.post(e.cli.form(hostsim.MethodPay, payBiz("F6", zhangSan, "1.00")))
		Expect(status).To(Equal(504))
		Expect(exists("F6")).To(BeFalse())
		Expect(e.sim.AddFault(hostsim.Fault{Kind: hostsim.FaultHTTPError, Status: 404})).To(MatchError(ContainSubstring("not 5xx")))
	})

	It("bad_signature commits the trade and signs the reply wrong", func() {
		add(hostsim.Fault{Kind: hostsim.FaultBadSignature, Count: 1})
		_, body, err := e.cli.post(e.cli.form(hostsim.MethodPay, payBiz("F7", zhangSan, "1.00")))
		Expect(err).NotTo(HaveOccurred())
		_, err = e.cli.parse(hostsim.MethodPay, body)
		Expect(err).To(MatchError(ContainSubstring("reply signature")))
		Expect(string(body)).To(ContainSubstring(`"code":"10000"`))
		Expect(exists("F7")).To(BeTrue())
	})

	It("error answers the sub_code given; a cancel hit by ACQ.SYSTEM_ERROR says retry", func() {
		add(hostsim.Fault{Kind: hostsim.FaultError, Method: hostsim.MethodCancel, Count: 1})
		r := e.cli.call(hostsim.MethodCancel, ref("F8"))
		Expect(r.Code()).To(Equal("40004 ACQ.SYSTEM_ERROR"))
		Expect(r.str("retry_flag")).To(Equal("Y"))
		add(hostsim.Fault{Kind: hostsim.FaultError, SubCode: "ACQ.TRADE_HAS_SUCCESS", Count: 1})
		Expect(e.cli.call(hostsim.MethodPay, payBiz("F9", zhangSan, "1.00")).Code()).To(Equal("40004 ACQ.TRADE_HAS_SUCCESS"))
	})

	It("applies to one method only when told, to the next N requests, or until cleared", func() {
		add(hostsim.Fault{Kind: hostsim.FaultUnknown, Method: hostsim.MethodQuery, Count: 2})
		Expect(e.cli.call(hostsim.MethodPay, payBiz("F10", zhangSan, "1.00")).Code()).To(Equal("10000"))
		Expect(e.cli.call(hostsim.MethodQuery, ref("F10")).Code()).To(Equal("20000 isp.unknow-error"))
		Expect(e.sim.Faults()).To(ConsistOf(HaveField("Count", 1)))
		Expect(e.cli.call(hostsim.MethodQuery, ref("F10")).Code()).To(Equal("20000 isp.unknow-error"))
		Expect(e.cli.call(hostsim.MethodQuery, ref("F10")).Code()).To(Equal("10000"))

		add(hostsim.Fault{Kind: hostsim.FaultUnknown})
		for range 3 {
			Expect(e.cli.call(hostsim.MethodQuery, ref("F10")).Code()).To(Equal("20000 isp.unknow-error"))
		}
		e.sim.ClearFaults()
		Expect(e.cli.call(hostsim.MethodQuery, ref("F10")).Code()).To(Equal("10000"))
	})

	It("refuses a fault it cannot apply", func() {
		Expect(e.sim.AddFault(hostsim.Fault{Kind: "meteor"})).To(MatchError(ContainSubstring(`unknown fault kind "meteor"`)))
		Expect(e.sim.AddFault(hostsim.Fault{Kind: hostsim.FaultLatency})).To(MatchError(ContainSubstring("positive latency")))
		Expect(e.sim.AddFault(hostsim.Fault{Kind: hostsim.FaultUnknown, Method: "alipay.trade.nope"})).To(MatchError(ContainSubstring("not served here")))
	})
})
