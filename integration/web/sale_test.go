package web_test

import (
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
)

// The whole terminal through the page: the application runs on the real
// drivers over the ptys and pays on the platform simulator; the specs
// only click and type on the page, as a developer would.
var _ = Describe("a sale through the web page", Label("web", "e2e"), func() {
	var (
		r *rig
		p *page
	)
	BeforeEach(func() {
		r = startRig(rigOptions{App: true})
		p = openPage(r)
	})
	AfterEach(func() {
		Expect(p.scriptErrors()).To(BeEmpty(), "the page's scripts failed")
	})

	// see waits until the operator screen says s (the page's text of the
	// LCD, refreshed by the event stream).
	see := func(s string) {
		GinkgoHelper()
		Eventually(p.text("#lcd-text"), 20*time.Second).Should(ContainSubstring(s))
	}
	click := func(keys ...string) {
		GinkgoHelper()
		for _, k := range keys {
			p.click(`#keypad button[data-key="` + k + `"]`)
		}
	}

	It("signs on, sells, the buyer confirms on the phone, and the terminal approves", func() {
		see("操作员号 Operator no.")
		click("0", "1", "ENTER")
		see("密码 Password")
		Expect(p.text("#lcd-text")()).NotTo(ContainSubstring("0000"))
		click("0", "0", "0", "0", "ENTER")
		see("主菜单 MENU")

		click("1")
		see("请输入金额")
		p.do(chromedp.KeyEvent("12.5")) // the computer keyboard works too
		see("12.5")
		Eventually(p.js(`document.getElementById("cd").textContent`)).Should(ContainSubstring("CNY 12.50"))
		p.do(chromedp.KeyEvent(kb.Enter))
		see("请扫描买家付款码")

		p.do(chromedp.SetValue(chromedp.CSS("#buyer"), liSi))
		p.eval(`document.getElementById("buyer").dispatchEvent(new Event("change"))`)
		p.click("#scan-btn")

		// Li Si confirms every payment on the phone.
		card := `#waiting li[data-kind="password"]`
		Eventually(p.text(card+" .amount"), 20*time.Second).Should(Equal("¥12.50"))
		out := p.eval(`document.querySelector('` + card + `').dataset.trade`).(string)
		Eventually(p.js(`document.querySelector('` + row(out) + `').dataset.state`)).Should(Equal("WAIT_BUYER_PAY"))
		p.click(card + ` button[data-action="confirm"]`)

		// The cashier's next query finds it paid.
		see("按任意键打印持卡人存根")
		Eventually(p.js(`document.querySelector('` + row(out) + `').dataset.state`)).Should(Equal("TRADE_SUCCESS"))
		// The merchant copy is on the roll.
		slipAlts := p.js(`[...document.querySelectorAll("#roll li.slip img")].map(i => i.alt)`)
		Eventually(slipAlts).Should(ConsistOf(ContainSubstring("商户存根 MERCHANT COPY")))
		Eventually(p.js(`document.querySelector("#roll li.slip img").naturalWidth`)).Should(Equal(384.0))
		p.do(chromedp.EmulateViewport(1366, 768))
		p.screenshot("web-sale.png")

		click("ENTER")
		see("交易成功 APPROVED")
		Eventually(p.js(`document.getElementById("cd").textContent`)).Should(ContainSubstring("PAID"))
		// The customer copy comes out on top of it.
		Eventually(slipAlts).Should(HaveLen(2))
		Expect(slipAlts()).To(HaveExactElements(ContainSubstring("持卡人存根 CARDHOLDER COPY"), ContainSubstring("商户存根 MERCHANT COPY")))

		// Paper out: the printer says so, and the terminal refuses the next sale.
		click("ENTER")
		see("主菜单 MENU")
		p.do(chromedp.SetValue(chromedp.CSS("#paper"), "out"))
		p.eval(`document.getElementById("paper").dispatchEvent(new Event("change"))`)
		Eventually(p.text(`#printer-status dd[data-field="paper"]`)).Should(Equal("out"))
		click("1")
		see("暂停收款 Payments paused")
		see("打印机缺纸 / Printer out of paper")
	})
})

// row selects a trade's row in the platform's trade list.
func row(out string) string { return `#trades tbody tr[data-trade="` + out + `"]` }
