package printer_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/posemu/posemu/emulator/printer"
	"github.com/posemu/posemu/profile"
)

// fixtureDir holds byte streams third-party generators made, each NAME.bin
// with NAME.json saying what a reader of the paper sees
// (docs/escpos-fixtures.md).
const fixtureDir = "../../fixtures/escpos"

// fixture is NAME.json.
type fixture struct {
	Name  string `json:"name"`
	Paper struct {
		Dots int `json:"dots"`
	} `json:"paper"`
	Chinese  bool     `json:"chinese_mode_at_start"`
	Lines    []string `json:"lines"`
	QR       []string `json:"qr"`
	Barcodes []struct {
		Type string `json:"type"`
		Data string `json:"data"`
	} `json:"barcodes"`
	Cuts   int `json:"cuts"`
	Images int `json:"images"`
}

// generatorQuirks are the decode errors a fixture's stream earns: commands
// whose parameters a real printer ignores too.
var generatorQuirks = map[string][]printer.DecodeError{
	// node-thermal-printer sends GS w 0 before a CODE128: the module width
	// stays 3.
	"ntp-slip": {{Offset: 403, Msg: "GS w 0: module width is not 1–6; ignored"}},
}

// fixtureStreams lists the fixtures' byte streams.
func fixtureStreams() []string {
	files, err := filepath.Glob(filepath.Join(fixtureDir, "*.bin"))
	if err != nil {
		panic(err)
	}
	return files
}

func loadFixture(bin string) (fixture, []byte) {
	GinkgoHelper()
	data, err := os.ReadFile(bin)
	Expect(err).NotTo(HaveOccurred())
	meta, err := os.ReadFile(strings.TrimSuffix(bin, ".bin") + ".json")
	Expect(err).NotTo(HaveOccurred(), "every NAME.bin comes with NAME.json")
	var f fixture
	Expect(json.Unmarshal(meta, &f)).To(Succeed())
	return f, data
}

// collapse trims a line and makes every run of spaces one space, as the
// fixtures' lines are compared.
func collapse(s string) string { return strings.Join(strings.Fields(s), " ") }

var _ = Describe("third-party ESC/POS streams", func() {
	It("has fixtures to decode", func() {
		Expect(fixtureStreams()).NotTo(BeEmpty(), "no *.bin in %s: run ci/escpos-fixtures", fixtureDir)
	})

	for _, bin := range fixtureStreams() {
		name := strings.TrimSuffix(filepath.Base(bin), ".bin")
		It("decodes "+name+" as its generator meant", func() {
			f, data := loadFixture(bin)
			pr := profile.Default().Printer
			if f.Paper.Dots != 0 {
				pr.Dots = f.Paper.Dots
			}
			for _, split := range []int{len(data), 1, 7} {
				p := newRigWith(pr, printer.Options{SingleByte: !f.Chinese})
				p.feed(splitEvery(data, split)...)
				Expect(p.DecodeErrors()).To(HaveExactElements(generatorQuirks[name]), "split %d", split)
				rs := p.Receipts()

				var lines, qr []string
				var barcodes []printer.Barcode
				cuts, images := 0, 0
				for _, r := range rs {
					for _, l := range r.Text() {
						if c := collapse(l); c != "" {
							lines = append(lines, c)
						}
					}
					qr = append(qr, r.QR...)
					barcodes = append(barcodes, r.Barcodes...)
					if r.Cut == printer.CutFull || r.Cut == printer.CutPartial {
						cuts++
					}
					images += len(r.Images)
				}
				want := make([]string, 0, len(f.Lines))
				for _, l := range f.Lines {
					want = append(want, collapse(l))
				}
				Expect(lines).To(Equal(want), "split %d", split)
				if len(f.QR) == 0 {
					Expect(qr).To(BeEmpty(), "split %d", split)
				} else {
					Expect(qr).To(Equal(f.QR), "split %d", split)
				}
				Expect(barcodes).To(HaveLen(len(f.Barcodes)))
				for i, b := range f.Barcodes {
					Expect(barcodes[i].Type).To(Equal(b.Type))
					got := barcodes[i].Data
					if b.Type == "EAN13" && len(b.Data) == 12 {
						got = got[:12] // the printer added the check digit
					}
					Expect(got).To(Equal(b.Data))
				}
				Expect(cuts).To(Equal(f.Cuts), "split %d", split)
				Expect(images).To(Equal(f.Images), "split %d", split)
				for _, r := range rs {
					_, err := p.PNG(r.ID)
					Expect(err).NotTo(HaveOccurred())
				}
			}
		})
	}
})
