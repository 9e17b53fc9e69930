package printer_test

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/posemu/posemu/drivers/printer"
)

// fixture is fixtures/escpos/NAME.json (docs/escpos-fixtures.md).
type fixture struct {
	Name      string
	Generator struct{ Name, Version string }
	Lines     []string
	QR        []string
	Barcodes  []struct{ Type, Data string }
	Cuts      int
	bin       []byte
}

func loadFixtures() []fixture {
	files, err := filepath.Glob("../../fixtures/escpos/*.json")
	Expect(err).NotTo(HaveOccurred())
	Expect(files).NotTo(BeEmpty())
	var out []fixture
	for _, f := range files {
		data, err := os.ReadFile(f)
		Expect(err).NotTo(HaveOccurred())
		var fx fixture
		Expect(json.Unmarshal(data, &fx)).To(Succeed(), f)
		fx.bin, err = os.ReadFile(strings.TrimSuffix(f, ".json") + ".bin")
		Expect(err).NotTo(HaveOccurred())
		out = append(out, fx)
	}
	return out
}

// body is what the driver sends for a one-segment document, without ESC @
// and without the FS & / FS . brackets and LF of a text line.
func body(d *printer.Document) []byte {
	b, err := d.Bytes()
	Expect(err).NotTo(HaveOccurred())
	b = bytes.TrimPrefix(b, []byte{0x1B, 0x40})
	b = bytes.TrimSuffix(b, []byte{0x0A})
	b = bytes.TrimPrefix(b, []byte{0x1C, 0x26})
	return bytes.TrimSuffix(b, []byte{0x1C, 0x2E})
}

// The driver writes its own ESC/POS and the generators theirs; where the
// protocol leaves one way to say a thing (the GB code of a character, a QR
// store command, a CODE128 B payload) the bytes must agree.
var _ = Describe("the encoder against third-party generators' bytes", func() {
	fixtures := loadFixtures()

	It("has the fixture set of docs/escpos-fixtures.md", func() {
		var names []string
		for _, fx := range fixtures {
			names = append(names, fx.Name)
			Expect(fx.Generator.Version).NotTo(BeEmpty())
		}
		Expect(names).To(ContainElements("rpe-plain", "rpe-styles", "rpe-barcode", "rpe-qr", "rpe-image", "rpe-cuts", "ntp-slip", "ntp-styles", "rl-slip"))
	})

	It("encodes every expected text token, Chinese in GB, as the generators did", func() {
		for _, fx := range fixtures {
			at := 0
			for _, line := range fx.Lines {
				for _, tok := range strings.Fields(line) {
					if strings.Trim(tok, "-") == "" {
						continue // a rule: generators draw it their own way
					}
					enc := body(doc().Text(tok))
					i := bytes.Index(fx.bin[at:], enc)
					Expect(i).To(BeNumerically(">=", 0), "%s: %q (% X) not found in order", fx.Name, tok, enc)
					at += i + len(enc)
				}
			}
		}
	})

	It("sends the same QR store command for each payload", func() {
		n := 0
		for _, fx := range fixtures {
			for _, q := range fx.QR {
				b := body(doc().QR(q, 0, 0))
				store := b[bytes.Index(b, []byte{0x1D, 0x28, 0x6B, byte(len(q) + 3)}):]
				store = store[:8+len(q)]
				Expect(fx.bin).To(ContainSubstring(string(store)), "%s: QR %q", fx.Name, q)
				Expect(fx.bin).To(ContainSubstring(string(b[:9])), "%s: model 2 command", fx.Name)
				n++
			}
		}
		Expect(n).To(BeNumerically(">=", 3))
	})

	It("sends the same CODE128 form B payload", func() {
		n := 0
		for _, fx := range fixtures {
			for _, bc := range fx.Barcodes {
				if bc.Type != "CODE128" || fx.Generator.Name == "receiptline" { // receiptline packs digits in code set C
					continue
				}
				b := body(doc().Barcode(printer.CODE128, bc.Data))
				gsk := b[bytes.Index(b, []byte{0x1D, 0x6B}):]
				Expect(fx.bin).To(ContainSubstring(string(gsk)), "%s: %q", fx.Name, bc.Data)
				n++
			}
		}
		Expect(n).To(Equal(2))
	})
})
