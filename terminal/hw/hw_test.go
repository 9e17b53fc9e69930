package hw_test

import (
	"os"
	"path/filepath"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/posemu/posemu/terminal"
	"github.com/posemu/posemu/terminal/config"
	"github.com/posemu/posemu/terminal/hw"
)

var _ = Describe("ParseBill", func() {
	It("reads payments and refunds from the detail file, in fen", func() {
		rows, err := hw.ParseBill(hw.BillZip(
			hw.BillRowCSV("2025030122001", "10000001250301090000000001", "交易", "100.00", ""),
			hw.BillRowCSV("2025030122001", "10000001250301090000000001", "退款", "-30.5", "10000001250301090000000001R000002"),
		))
		Expect(err).NotTo(HaveOccurred())
		Expect(rows).To(Equal([]terminal.BillRow{
			{TradeNo: "2025030122001", OutTradeNo: "10000001250301090000000001", Amount: 10000, TerminalID: "10000001"},
			{TradeNo: "2025030122001", OutTradeNo: "10000001250301090000000001", Amount: 3050, Refund: true,
				OutRequestNo: "10000001250301090000000001R000002", TerminalID: "10000001"},
		}))
	})

	It("reads an empty day", func() {
		rows, err := hw.ParseBill(hw.BillZip())
		Expect(err).NotTo(HaveOccurred())
		Expect(rows).To(BeEmpty())
	})

	It("refuses what is not a bill, saying why", func() {
		_, err := hw.ParseBill([]byte("<html>not found</html>"))
		Expect(err).To(MatchError(ContainSubstring("not a zip")))
		_, err = hw.ParseBill(hw.BillZip(hw.BillRowCSV("1", "2", "交易", "1.234", "")))
		Expect(err).To(MatchError(ContainSubstring("商家实收")))
		_, err = hw.ParseBill(hw.BillZip(hw.BillRowCSV("1", "2", "转账", "1.00", "")))
		Expect(err).To(MatchError(ContainSubstring("neither")))
	})
})

var _ = Describe("Device map", func() {
	It("prefers each device's stable link and reads the gateway", func() {
		path := filepath.Join(GinkgoT().TempDir(), "devices.json")
		Expect(os.WriteFile(path, []byte(`{"control_api":"http://127.0.0.1:7070","payment_gateway":"http://127.0.0.1:8090/gateway.do",
			"devices":{"lcd":{"path":"/dev/pts/7","link":"/run/posemu/lcd"},"keypad":{"path":"/dev/pts/8","link":""},
			"future":{"path":"x"}},"new_key":1}`), 0o600)).To(Succeed())
		m, err := hw.ReadDeviceMap(path)
		Expect(err).NotTo(HaveOccurred())
		Expect(m.LCD).To(Equal("/run/posemu/lcd"))
		Expect(m.Keypad).To(Equal("/dev/pts/8"))
		Expect(m.Printer).To(BeEmpty())
		Expect(m.Gateway).To(Equal("http://127.0.0.1:8090/gateway.do"))

		r, err := hw.Resolve(config.Devices{Map: path, Printer: "tcp://127.0.0.1:9100"})
		Expect(err).NotTo(HaveOccurred())
		Expect(r.Printer).To(Equal("tcp://127.0.0.1:9100"))
		Expect(r.LCD).To(Equal("/run/posemu/lcd"))
	})

	It("says to start posemu when the map is missing", func() {
		_, err := hw.ReadDeviceMap(filepath.Join(GinkgoT().TempDir(), "devices.json"))
		Expect(err).To(MatchError(ContainSubstring("is posemu running?")))
	})
})

var _ = Describe("Payments", func() {
	It("builds the client from the embedded test keys of the default config", func() {
		p, err := hw.NewPayments(config.Default(), "", nil)
		Expect(err).NotTo(HaveOccurred())
		Expect(p).NotTo(BeNil())
		var _ terminal.Payments = p
	})

	It("names a missing key file", func() {
		cfg := config.Default()
		cfg.Payment.PrivateKey = "/nonexistent/key.pem"
		_, err := hw.NewPayments(cfg, "", nil)
		Expect(err).To(MatchError(ContainSubstring("payment.private_key")))
	})
})
