package web_test

import (
	"context"
	"time"

	"github.com/chromedp/chromedp"
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/posemu/posemu/drivers/payment"
	"github.com/posemu/posemu/drivers/port"
	"github.com/posemu/posemu/drivers/scanner"
	"github.com/posemu/posemu/emulator"
	"github.com/posemu/posemu/emulator/hostsim"
)

// Sandbox buyers of fixtures/hostsim/buyers.yaml.
const (
	zhangSan = "281234567890123456" // password above 2000.00
	liSi     = "282000000000000002" // always confirms on the phone
)

var _ = Describe("the web page with the payment platform", Label("web", "host"), func() {
	var (
		r *rig
		p *page
	)
	BeforeEach(func() {
		r = startRig(rigOptions{Host: true})
		p = openPage(r)
	})
	AfterEach(func() {
		Expect(p.scriptErrors()).To(BeEmpty(), "the page's scripts failed")
	})

	// pay submits a bar-code payment as the terminal would.
	pay := func(out, code string, fen payment.Fen) *payment.Trade {
		GinkgoHelper()
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		t, err := r.pay.Pay(ctx, payment.PayRequest{OutTradeNo: out, AuthCode: code, Amount: fen, Subject: "咖啡 coffee"})
		Expect(err).NotTo(HaveOccurred())
		return t
	}
	state := func(out string) func() string {
		return func() string {
			t, ok := r.host.Trade(out)
			if !ok {
				return "no trade"
			}
			return t.Status
		}
	}

	It("shows a payment waiting for the buyer on the phone, and the buyer confirms it", func() {
		t := pay("T100", liSi, 1250)
		Expect(t.Status.Code).To(Equal(payment.CodeInProcess))

		card := `#waiting li[data-trade="T100"]`
		Eventually(p.text(card + " .amount")).Should(Equal("¥12.50"))
		Expect(p.eval(`document.getElementById("phone-idle").hidden`)).To(BeTrue())
		Eventually(p.js(`document.querySelector('` + row("T100") + `').dataset.state`)).Should(Equal("WAIT_BUYER_PAY"))
		Expect(p.text(row("T100") + " td.num")()).To(Equal("¥12.50"))

		p.click(card + ` button[data-action="confirm"]`)
		Eventually(state("T100")).Should(Equal("TRADE_SUCCESS"))
		Eventually(p.js(`document.querySelector('` + row("T100") + `').dataset.state`)).Should(Equal("TRADE_SUCCESS"))
		Eventually(p.js(`document.querySelectorAll("#waiting li").length`)).Should(Equal(0.0))
		Expect(p.eval(`document.getElementById("phone-idle").hidden`)).To(BeFalse())
		// The platform's events are in the log too.
		Expect(p.eval(`document.querySelectorAll('#log tbody tr[data-device="host"][data-kind="trade"]').length`)).To(BeNumerically(">=", 2))
	})

	It("lets the buyer decline on the phone", func() {
		pay("T101", liSi, 900)
		p.click(`#waiting li[data-trade="T101"] button[data-action="decline"]`)
		Eventually(state("T101")).Should(Equal("TRADE_CLOSED"))
		Eventually(p.js(`document.querySelector('` + row("T101") + `').dataset.state`)).Should(Equal("TRADE_CLOSED"))
	})

	It("lets a buyer's phone scan a dynamic QR code", func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_, err := r.pay.Precreate(ctx, payment.PrecreateRequest{OutTradeNo: "Q200", Amount: 3300, Subject: "QR"})
		Expect(err).NotTo(HaveOccurred())
		card := `#waiting li[data-trade="Q200"]`
		Eventually(p.js(`(document.querySelector('` + card + `') || {dataset: {}}).dataset.kind`)).Should(Equal("qr"))
		p.do(chromedp.SetValue(chromedp.CSS(card+" select"), zhangSan))
		p.click(card + ` button[data-action="scan"]`)
		Eventually(state("Q200")).Should(Equal("TRADE_SUCCESS"))
	})

	It("offers the sandbox buyers to the scanner, with balance and password rule", func() {
		sc := scanner.New(openPort(r, emulator.Scanner), scanner.Config{})
		DeferCleanup(sc.Close)
		Eventually(p.js(`document.getElementById("buyer").disabled`)).Should(BeFalse())
		opt := p.text(`#buyer option[value="` + zhangSan + `"]`)()
		Expect(opt).To(ContainSubstring("balance ¥100000.00"))
		Expect(opt).To(ContainSubstring("password above ¥2000.00"))
		Expect(p.text(`#buyer option[value="` + liSi + `"]`)()).To(ContainSubstring("password always"))

		p.do(chromedp.SetValue(chromedp.CSS("#buyer"), liSi))
		p.eval(`document.getElementById("buyer").dispatchEvent(new Event("change"))`)
		Expect(p.eval(`document.getElementById("scan-code").value`)).To(Equal(liSi))
		p.click("#scan-btn")
		code, err := sc.ReadTimeout(15 * time.Second)
		Expect(err).NotTo(HaveOccurred())
		Expect(code).To(Equal(liSi))
	})

	It("arms and clears the platform's faults from its switches", func() {
		kinds := func() []hostsim.FaultKind {
			var out []hostsim.FaultKind
			for _, f := range r.host.Faults() {
				out = append(out, f.Kind)
			}
			return out
		}
		p.do(chromedp.SetValue(chromedp.CSS("#hf-latency-value"), "1500ms"))
		p.click(`#hf-latency`)
		Eventually(kinds).Should(Equal([]hostsim.FaultKind{hostsim.FaultLatency}))
		Expect(time.Duration(r.host.Faults()[0].Latency)).To(Equal(1500 * time.Millisecond))

		p.click(`#hf-once`)
		p.click(`#hf-lost_reply`)
		Eventually(kinds).Should(Equal([]hostsim.FaultKind{hostsim.FaultLatency, hostsim.FaultLostReply}))
		Expect(r.host.Faults()[1].Count).To(Equal(1))
		Eventually(p.js(`document.querySelectorAll("#host-faults .armed li").length`)).Should(Equal(2.0))

		p.click(`#hf-latency`) // off: the lost reply stays armed
		Eventually(kinds).Should(Equal([]hostsim.FaultKind{hostsim.FaultLostReply}))
		Expect(p.eval(`document.getElementById("hf-lost_reply").checked`)).To(BeTrue())

		p.click(`#hf-clear`)
		Eventually(kinds).Should(BeEmpty())
		Eventually(p.js(`document.getElementById("hf-lost_reply").checked`)).Should(BeFalse())
	})
})

// openPort opens a device's link as the terminal's driver would.
func openPort(r *rig, name string) port.Port {
	GinkgoHelper()
	pt, err := port.Open(r.link(name))
	Expect(err).NotTo(HaveOccurred())
	DeferCleanup(pt.Close)
	return pt
}
