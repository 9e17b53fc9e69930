package printer_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/posemu/posemu/emulator/printer"
)

// These specs read the printed symbols back with ZBar, a reader that has
// nothing to do with this code: if it scans what the model drew, the bars
// and modules are right. They need zbarimg (apt-get install zbar-tools).
var _ = Describe("printed symbols, scanned by zbarimg", func() {
	var zbar string
	BeforeEach(func() {
		var err error
		if zbar, err = exec.LookPath("zbarimg"); err != nil {
			Skip("zbarimg is not installed (apt-get install zbar-tools)")
		}
	})

	DescribeTable("scan back to their payload",
		func(cmd []byte, want string) {
			p := newRig(printer.Options{})
			p.Feed(cat(escInit, centre, []byte{0x1D, 0x48, 0x02}, cmd, "\n", fullCut))
			Expect(p.DecodeErrors()).To(BeEmpty())
			png, err := p.PNG(p.Receipts()[0].ID)
			Expect(err).NotTo(HaveOccurred())
			file := filepath.Join(GinkgoT().TempDir(), "receipt.png")
			Expect(os.WriteFile(file, png, 0o644)).To(Succeed())
			out, err := exec.Command(zbar, "-q", "--raw", file).Output()
			Expect(err).NotTo(HaveOccurred(), "zbarimg found no symbol")
			Expect(strings.TrimRight(string(out), "\n")).To(Equal(want))
		},
		Entry("CODE128 set B", cat([]byte{0x1D, 0x6B, 73, 10}, "{BPOS-1234"), "POS-1234"),
		Entry("CODE128 set C", []byte{0x1D, 0x6B, 73, 8, '{', 'C', 0, 1, 23, 45, 67, 89}, "000123456789"),
		Entry("CODE128 set A to C", cat([]byte{0x1D, 0x6B, 73, 10}, "{AAB{C", []byte{12, 34, 56, 78}), "AB12345678"),
		Entry("EAN13", cat([]byte{0x1D, 0x6B, 2}, "690123456789", 0), "6901234567892"),
		Entry("UPC-A", cat([]byte{0x1D, 0x6B, 65, 11}, "03600029145"), "0036000291452"),
		Entry("EAN8", cat([]byte{0x1D, 0x6B, 3}, "9638507", 0), "96385074"),
		Entry("CODE39", cat([]byte{0x1D, 0x6B, 69, 6}, "POS-39"), "POS-39"),
		Entry("ITF", cat([]byte{0x1D, 0x6B, 5}, "12345678", 0), "12345678"),
		Entry("QR", cat(qrSize(4), qrPayload("https://qr.alipay.com/bax03431ljhokirwl38f00a7"), qrPrint), "https://qr.alipay.com/bax03431ljhokirwl38f00a7"),
		Entry("QR, level H", cat(qrSize(3), []byte{0x1D, 0x28, 0x6B, 0x03, 0x00, 0x31, 0x45, 0x33}, qrPayload("20240101123456789012"), qrPrint), "20240101123456789012"),
		Entry("QR, ESC Z", cat([]byte{0x1B, 0x5A, 0, 'M', 4, 6, 0}, "ESC-Z!"), "ESC-Z!"),
	)
})
