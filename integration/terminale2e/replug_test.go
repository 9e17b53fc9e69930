package terminale2e_test

import (
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/posemu/posemu/emulator"
)

// The emulator replugs a device on a new pty behind the same link, as a
// re-enumerated USB serial adapter comes back under a new tty. The
// application keeps running throughout: its drivers reopen the link.
var _ = Describe("A display or printer unplugged and plugged in again while the application runs", func() {
	var r *rig
	BeforeEach(func() {
		r = newRig()
		r.start()
		r.signOn()
	})

	// path is where the device's link points now.
	path := func(name string) string {
		info, err := r.emu.Device(name)
		Expect(err).NotTo(HaveOccurred())
		return info.Path
	}

	It("draws the next screen on the replugged LCD and customer display after a key press", func() {
		before := path(emulator.LCD)
		for _, name := range []string{emulator.LCD, emulator.CustDisplay} {
			Expect(r.emu.Unplug(name)).To(Succeed())
			Expect(r.emu.Replug(name)).To(Succeed())
		}
		Expect(path(emulator.LCD)).NotTo(Equal(before), "a new pty")
		Expect(r.screen()).NotTo(ContainSubstring("请输入金额"))
		r.press("1")
		r.see("请输入金额")
		r.typ("12.5")
		r.see("￥12.5")
		Eventually(r.customer).Should(ContainSubstring("CNY 12.50"))
		Expect(r.status()).NotTo(BeEmpty(), "the same application, never restarted")
	})

	It("prints a sale's slips on the replugged printer", func() {
		Expect(r.emu.Unplug(emulator.Printer)).To(Succeed())
		Expect(r.emu.Replug(emulator.Printer)).To(Succeed())
		r.sale("12.5", buyerZhang)
		r.see("按任意键打印持卡人存根")
		r.finish()
		slips := r.receipts()
		Expect(slips).To(HaveLen(2))
		Expect(slips[0]).To(ContainSubstring("商户存根 MERCHANT COPY"))
		Expect(slips[0]).To(ContainSubstring("RMB 12.50"))
		Expect(slips[1]).To(ContainSubstring("持卡人存根 CARDHOLDER COPY"))
	})

	It("says the printer is not answering while it is away, and sells and prints once it is back", func() {
		Expect(r.emu.Unplug(emulator.Printer)).To(Succeed())
		r.press("1")
		r.see("暂停收款 Payments paused")
		r.see("打印机无应答")
		Expect(r.emu.Replug(emulator.Printer)).To(Succeed())
		r.press("ENTER")
		r.sale("12.5", buyerZhang)
		r.see("按任意键打印持卡人存根")
		r.finish()
		slips := r.receipts()
		Expect(slips).To(HaveLen(2))
		Expect(slips[0]).To(ContainSubstring("商户存根 MERCHANT COPY"))
		Expect(slips[1]).To(ContainSubstring("持卡人存根 CARDHOLDER COPY"))
	})
})
