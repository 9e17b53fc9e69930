package web_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/posemu/posemu/drivers/custdisplay"
	"github.com/posemu/posemu/drivers/lcd"
	"github.com/posemu/posemu/drivers/port"
	"github.com/posemu/posemu/drivers/scanner"
	"github.com/posemu/posemu/emulator"
)

var _ = Describe("the web page", Label("web"), func() {
	var (
		r *rig
		p *page
	)
	BeforeEach(func() {
		r = startRig(rigOptions{})
		p = openPage(r)
	})
	AfterEach(func() {
		Expect(p.scriptErrors()).To(BeEmpty(), "the page's scripts failed")
	})

	open := func(name string) port.Port {
		GinkgoHelper()
		pt, err := port.Open(r.link(name))
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(pt.Close)
		return pt
	}

	It("presses the key a visitor clicks, and logs it", func() {
		for _, k := range []string{"1", "2", "00", "ENTER"} {
			p.click(`#keypad button[data-key="` + k + `"]`)
		}
		Eventually(r.keysPressed).Should(Equal([]string{"1", "2", "00", "ENTER"}))
		// The log shows the events the stream pushed, newest first.
		Eventually(p.js(`[...document.querySelectorAll('#log tbody tr[data-kind="key"]')].map(r => r.cells[4].textContent)`)).
			Should(Equal([]any{"code=13 key=ENTER", "code=58 key=00", "code=50 key=2", "code=49 key=1"}))
		// And lights the key the terminal received.
		Eventually(p.js(`document.querySelector('#keypad button[data-key="ENTER"]').dataset.presses`)).Should(Equal("1"))
		Expect(p.eval(`document.querySelector('#keypad button[data-key="00"]').dataset.presses`)).To(Equal("1"))
		// The light goes out again.
		Eventually(p.js(`document.querySelectorAll("#keypad button.pressed").length`)).Should(Equal(0.0))
	})

	It("labels the keys in Chinese and English, as accessible buttons", func() {
		Expect(p.eval(`(() => { const b = document.querySelector('#keypad button[data-key="ENTER"]');
			return [b.tagName, b.textContent, b.getAttribute("aria-label")]; })()`)).
			To(Equal([]any{"BUTTON", "确认ENTER", "ENTER 确认 (keyboard: Enter)"}))
		Expect(p.eval(`document.querySelectorAll("#keymap tbody tr").length`)).To(BeNumerically(">=", 10))
	})

	It("maps the computer keyboard onto the keypad", func() {
		p.do(chromedp.KeyEvent("12.5"), chromedp.KeyEvent(kb.Enter), chromedp.KeyEvent(kb.Escape),
			chromedp.KeyEvent(kb.Backspace), chromedp.KeyEvent(kb.Delete), chromedp.KeyEvent(kb.F1),
			chromedp.KeyEvent(kb.F2), chromedp.KeyEvent(kb.ArrowUp), chromedp.KeyEvent(kb.ArrowDown))
		Eventually(r.keysPressed).Should(Equal([]string{"1", "2", ".", "5", "ENTER", "CANCEL", "BACKSPACE", "CLEAR", "MENU", "FN", "UP", "DOWN"}))
	})

	It("lets a keyboard user press a focused key with Space or Enter", func() {
		p.eval(`document.querySelector('#keypad button[data-key="8"]').focus()`)
		Expect(p.eval(`document.activeElement.dataset.key`)).To(Equal("8"))
		p.do(chromedp.KeyEvent(" "), chromedp.KeyEvent(kb.Enter))
		// Enter on a focused key presses that key, not ENTER.
		Eventually(r.keysPressed).Should(Equal([]string{"8", "8"}))
		// Focus is visible.
		Expect(p.eval(`getComputedStyle(document.activeElement).outlineStyle`)).To(Equal("solid"))
	})

	It("leaves typing in a text field alone", func() {
		p.click("#scan-code")
		p.do(chromedp.KeyEvent("123"), chromedp.KeyEvent(kb.Backspace))
		Expect(p.eval(`document.getElementById("scan-code").value`)).To(Equal("12"))
		p.click(`#keypad button[data-key="9"]`)
		Eventually(r.keysPressed).Should(Equal([]string{"9"}))
		Consistently(r.keysPressed, 200*time.Millisecond).Should(Equal([]string{"9"}))
	})

	It("shows the operator screen the LCD driver draws, at its pixel size and ×2", func() {
		before := p.eval(`Number(document.getElementById("lcd-img").dataset.seq)`).(float64)
		d := lcd.New(open(emulator.LCD), lcdConfig)
		Expect(d.Clear(lcd.White)).To(Succeed())
		Expect(d.Text(8, 100, "支付宝 收款", lcd.TextOpts{Size: 2})).To(Succeed())

		Eventually(p.js(`Number(document.getElementById("lcd-img").dataset.seq)`)).Should(BeNumerically(">", before))
		Eventually(p.text("#lcd-text")).Should(Equal("支付宝 收款"))
		Eventually(p.js(`(() => { const i = document.getElementById("lcd-img");
			return [i.complete, i.naturalWidth, i.naturalHeight, i.getBoundingClientRect().width, getComputedStyle(i).imageRendering]; })()`)).
			Should(Equal([]any{true, 320.0, 240.0, 640.0, "pixelated"}))
		Expect(p.eval(`document.getElementById("lcd-img").alt`)).To(ContainSubstring("支付宝 收款"))

		p.click(`#lcd-panel button[data-scale="1"]`)
		Expect(p.eval(`document.getElementById("lcd-img").getBoundingClientRect().width`)).To(Equal(320.0))
	})

	It("shows the customer display the driver writes", func() {
		d := custdisplay.New(open(emulator.CustDisplay), custdisplay.Config{})
		Expect(d.Init()).To(Succeed())
		Expect(d.ShowAmount("TOTAL", 1250)).To(Succeed())
		Eventually(p.js(`[...document.querySelectorAll("#cd .vfd-line")].map(l => l.textContent)`)).
			Should(Equal([]any{"TOTAL               ", "           CNY 12.50"}))
	})

	It("pulls and replugs a cable from its switch, and the LED follows", func() {
		p.click(`#plugs input[data-device="keypad"]`)
		Eventually(p.js(`document.querySelector('#leds [data-device="keypad"]').dataset.state`)).Should(Equal("unplugged"))
		plugged, err := r.emu.Plugged(emulator.Keypad)
		Expect(err).NotTo(HaveOccurred())
		Expect(plugged).To(BeFalse())
		Expect(p.eval(`document.querySelector('#keypad button[data-key="5"]').disabled`)).To(BeTrue())

		p.click(`#plugs input[data-device="keypad"]`)
		Eventually(p.js(`document.querySelector('#leds [data-device="keypad"]').dataset.state`)).Should(Equal("connected"))
		Expect(r.emu.Plugged(emulator.Keypad)).To(BeTrue())
	})

	It("shows a cable pulled by someone else", func() {
		Expect(r.emu.Unplug(emulator.Scanner)).To(Succeed())
		Eventually(p.js(`document.querySelector('#leds [data-device="scanner"]').dataset.state`)).Should(Equal("unplugged"))
		Expect(p.eval(`document.querySelector('#plugs input[data-device="scanner"]').checked`)).To(BeFalse())
		Expect(p.eval(`document.getElementById("scan-btn").disabled`)).To(BeTrue())
	})

	It("loads with a cable already pulled", func() {
		Expect(r.emu.Unplug(emulator.Keypad)).To(Succeed())
		p.do(chromedp.Reload())
		p.waitLive()
		Expect(p.eval(`document.querySelector('#leds [data-device="keypad"]').dataset.state`)).To(Equal("unplugged"))
		Expect(p.eval(`document.querySelector('#keypad button[data-key="5"]').disabled`)).To(BeTrue())
		Expect(p.text("#keypad-msg")()).To(ContainSubstring("unplugged"))
	})

	It("scans a typed code into the scanner driver", func() {
		sc := scanner.New(open(emulator.Scanner), scanner.Config{})
		DeferCleanup(sc.Close)
		p.click("#scan-code")
		p.do(chromedp.SendKeys(chromedp.CSS("#scan-code"), "286612345678901234"))
		p.click("#scan-btn")
		code, err := sc.ReadTimeout(15 * time.Second)
		Expect(err).NotTo(HaveOccurred())
		Expect(code).To(Equal("286612345678901234"))
		Eventually(p.text("#scan-msg")).Should(ContainSubstring("Scanned 286612345678901234"))
		Expect(r.keysPressed()).To(BeEmpty(), "typing a code must not press keypad keys")
	})

	It("filters the event log by device and kind", func() {
		p.click(`#keypad button[data-key="7"]`)
		Expect(r.emu.Unplug(emulator.Printer)).To(Succeed())
		Eventually(p.js(`document.querySelectorAll("#log tbody tr").length`)).Should(BeNumerically(">=", 2))
		visible := p.js(`[...document.querySelectorAll("#log tbody tr")].filter(r => !r.hidden).map(r => r.dataset.device + "/" + r.dataset.kind)`)

		p.do(chromedp.SetValue(chromedp.CSS("#log-device"), "printer"))
		p.eval(`document.getElementById("log-device").dispatchEvent(new Event("change"))`)
		Expect(visible()).To(Equal([]any{"printer/unplug"}))
		p.do(chromedp.SetValue(chromedp.CSS("#log-device"), ""), chromedp.SetValue(chromedp.CSS("#log-kind"), "key"))
		p.eval(`document.getElementById("log-kind").dispatchEvent(new Event("change"))`)
		Expect(visible()).To(Equal([]any{"keypad/key"}))
	})

	It("says when posemu goes away, and reconnects when it is back", func() {
		r.stopServer()
		Eventually(p.js(`document.getElementById("conn").dataset.state`)).Should(Or(Equal("lost"), Equal("reconnecting")))
		Eventually(p.js(`document.getElementById("banner").hidden`)).Should(BeFalse())
		Expect(p.text("#banner")()).To(ContainSubstring("not answering"))

		// Meanwhile the screen changes: the page must catch up on return.
		Expect(r.emu.Keypad().Press("3")).To(Succeed())
		r.restartServer()
		Eventually(p.js(`document.getElementById("conn").dataset.state`), 10*time.Second).Should(Equal("live"))
		Expect(p.eval(`document.getElementById("banner").hidden`)).To(BeTrue())
		Eventually(p.js(`document.querySelectorAll('#log tbody tr[data-kind="key"]').length`)).Should(Equal(1.0))
		p.click(`#keypad button[data-key="4"]`)
		Eventually(r.keysPressed).Should(Equal([]string{"3", "4"}))
	})

	It("starts over when a new posemu comes back in its place", func() {
		for range 5 {
			p.click(`#keypad button[data-key="7"]`)
		}
		Eventually(p.js(`document.querySelectorAll('#log tbody tr[data-kind="key"]').length`)).Should(Equal(5.0))

		r.stopServer()
		Eventually(p.js(`document.getElementById("conn").dataset.state`)).Should(Or(Equal("lost"), Equal("reconnecting")))
		fresh, err := emulator.New(emulator.Config{DevDir: GinkgoT().TempDir()})
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(fresh.Close)
		r.emu = fresh // its events number from 1 again
		r.restartServer()
		DeferCleanup(r.stopServer) // before fresh.Close
		Eventually(p.js(`document.getElementById("conn").dataset.state`), 10*time.Second).Should(Equal("live"))

		// The old posemu's events are gone from the log, and the new one's
		// show from the first.
		Eventually(p.js(`document.querySelectorAll('#log tbody tr[data-kind="key"]').length`)).Should(Equal(0.0))
		p.click(`#keypad button[data-key="9"]`)
		Eventually(r.keysPressed).Should(Equal([]string{"9"}))
		Eventually(p.js(`[...document.querySelectorAll('#log tbody tr[data-kind="key"]')].map(r => r.cells[4].textContent)`)).
			Should(Equal([]any{"code=57 key=9"}))
	})

	It("is readable on a laptop screen", func() {
		d := lcd.New(open(emulator.LCD), lcdConfig)
		Expect(d.Clear(lcd.White)).To(Succeed())
		Expect(d.Text(0, 8, "拉卡拉 收款", lcd.TextOpts{Size: 2, Width: 320, Align: lcd.AlignCenter})).To(Succeed())
		Expect(d.Text(16, 80, "请输入金额 Amount:", lcd.TextOpts{})).To(Succeed())
		Expect(d.Text(16, 120, "¥ 12.50", lcd.TextOpts{Size: 2})).To(Succeed())
		cd := custdisplay.New(open(emulator.CustDisplay), custdisplay.Config{})
		Expect(cd.Init()).To(Succeed())
		Expect(cd.ShowAmount("TOTAL", 1250)).To(Succeed())
		p.do(chromedp.KeyEvent("12.50"))
		Eventually(p.text("#lcd-text")).Should(ContainSubstring("¥ 12.50"))

		p.do(chromedp.EmulateViewport(1366, 768))
		p.screenshot("web.png")
		// Nothing sideways: the page fits the laptop's width.
		Expect(p.eval(`document.documentElement.scrollWidth`)).To(BeNumerically("<=", 1366))
	})
})

var _ = Describe("the web page without a printer or payment platform", Label("web"), func() {
	It("hides the panels whose API answers 404, with a note", func() {
		absent := func(h http.Handler) http.Handler {
			return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
				if strings.HasPrefix(req.URL.Path, "/api/v1/printer/") || strings.HasPrefix(req.URL.Path, "/api/v1/host/") {
					w.Header().Set("Content-Type", "application/json")
					w.WriteHeader(http.StatusNotFound)
					json.NewEncoder(w).Encode(map[string]string{"error": "no such endpoint"}) //nolint:errcheck
					return
				}
				h.ServeHTTP(w, req)
			})
		}
		r := startRig(rigOptions{Wrap: absent})
		p := openPage(r)
		for _, panel := range []string{"#printer-panel", "#phone-panel", "#trades-panel", "#printer-faults", "#host-faults"} {
			Expect(p.eval(`document.querySelector("`+panel+`").classList.contains("unavailable")`)).To(BeTrue(), panel)
			Expect(p.text(panel+" > .note")()).To(ContainSubstring("404"), panel)
		}
		Expect(p.eval(`document.getElementById("tear").disabled`)).To(BeTrue())
		Expect(p.eval(`document.getElementById("paper").disabled`)).To(BeTrue())
		Expect(p.eval(`document.getElementById("buyer").disabled`)).To(BeTrue())
		// What exists still works.
		p.click(`#keypad button[data-key="1"]`)
		Eventually(r.keysPressed).Should(Equal([]string{"1"}))
		Expect(p.scriptErrors()).To(BeEmpty())
	})
})
