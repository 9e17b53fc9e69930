package profile_test

import (
	"errors"
	"os"
	"path/filepath"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/posemu/posemu/profile"
)

var _ = Describe("device profiles", func() {
	Describe("the embedded lakala-default", func() {
		p := profile.Default()

		It("is a 320x240 LCD, a DM-D 20x2 display, a 58 mm printer and a CR scanner", func() {
			Expect(p.Name).To(Equal("lakala-default"))
			Expect([]int{p.LCD.Width, p.LCD.Height}).To(Equal([]int{320, 240}))
			Expect(p.CustDisplay.CommandSet).To(Equal("dmd"))
			Expect([]int{p.CustDisplay.Columns, p.CustDisplay.Rows}).To(Equal([]int{20, 2}))
			Expect(p.Printer.Dots).To(Equal(384))
			Expect(p.Scanner.Suffix).To(Equal("\r"))
		})

		DescribeTable("carries the POS-FACTS key map",
			func(name string, code byte) {
				k, ok := p.Keypad.KeyByName(name)
				Expect(ok).To(BeTrue())
				Expect(k.Code).To(Equal(code))
				back, ok := p.Keypad.KeyByCode(code)
				Expect(ok).To(BeTrue())
				Expect(back.Name).To(Equal(k.Name))
			},
			Entry("0", "0", byte(0x30)), Entry("9", "9", byte(0x39)), Entry("dot", ".", byte(0x2E)),
			Entry("00", "00", byte(0x3A)), Entry("ENTER", "enter", byte(0x0D)), Entry("CANCEL", "CANCEL", byte(0x1B)),
			Entry("CLEAR", "CLEAR", byte(0x08)), Entry("BACKSPACE", "BACKSPACE", byte(0x1C)), Entry("ALPHA", "ALPHA", byte(0x07)),
			Entry("UP", "UP", byte(0x05)), Entry("DOWN", "DOWN", byte(0x06)), Entry("FN", "FN", byte(0x15)), Entry("MENU", "MENU", byte(0x14)),
		)
	})

	Describe("loading", func() {
		It("loads a built-in profile by name and a file by path", func() {
			p, err := profile.Load("lakala-default")
			Expect(err).NotTo(HaveOccurred())
			path := filepath.Join(GinkgoT().TempDir(), "mine.yaml")
			data, err := os.ReadFile("../fixtures/profiles/lakala-default.yaml")
			Expect(err).NotTo(HaveOccurred())
			Expect(os.WriteFile(path, []byte(strings.Replace(string(data), "name: lakala-default", "name: mine", 1)), 0o600)).To(Succeed())
			mine, err := profile.Load(path)
			Expect(err).NotTo(HaveOccurred())
			Expect(mine.Name).To(Equal("mine"))
			Expect(mine.Keypad).To(Equal(p.Keypad))
		})

		It("names the built-in profiles when asked for one that does not exist", func() {
			_, err := profile.Load("no-such-terminal")
			Expect(err).To(MatchError(ContainSubstring("lakala-default")))
		})
	})

	Describe("a bad profile", func() {
		base := func(change func(string) string) []byte {
			data, err := os.ReadFile("../fixtures/profiles/lakala-default.yaml")
			Expect(err).NotTo(HaveOccurred())
			return []byte(change(string(data)))
		}
		refuse := func(data []byte) *profile.Error {
			_, err := profile.Parse("bad.yaml", data)
			var pe *profile.Error
			Expect(errors.As(err, &pe)).To(BeTrue(), "got %v", err)
			return pe
		}

		It("is refused with file, line, column and field for an out-of-range value", func() {
			pe := refuse(base(func(s string) string { return strings.Replace(s, "width: 320", "width: 5", 1) }))
			Expect(pe.Field).To(Equal("lcd.width"))
			Expect(pe.Line).To(Equal(6))
			Expect(pe.Error()).To(HavePrefix("bad.yaml:6:10: lcd.width: 5 is out of range"))
		})

		It("is refused at the line of an unknown field", func() {
			pe := refuse(base(func(s string) string { return strings.Replace(s, "  rows: 2", "  rows: 2\n  colour: blue", 1) }))
			Expect(pe.Line).To(Equal(13))
			Expect(pe.Error()).To(ContainSubstring("field colour not found"))
		})

		It("is refused at the line of a wrong type", func() {
			pe := refuse(base(func(s string) string { return strings.Replace(s, "height: 240", "height: tall", 1) }))
			Expect(pe.Line).To(Equal(7))
			Expect(pe.Error()).To(ContainSubstring("tall"))
		})

		It("is refused when two keys send the same code, naming the key", func() {
			pe := refuse(base(func(s string) string {
				return strings.Replace(s, `{name: MENU, code: 0x14`, `{name: MENU, code: 0x15`, 1)
			}))
			Expect(pe.Field).To(Equal("keypad.keys[20].code"))
			Expect(pe.Error()).To(ContainSubstring(`already the code of key "FN"`))
		})

		It("is refused for a printer head that does not exist", func() {
			pe := refuse(base(func(s string) string { return strings.Replace(s, "dots: 384", "dots: 400", 1) }))
			Expect(pe.Field).To(Equal("printer.dots"))
		})

		It("is refused when empty", func() {
			_, err := profile.Parse("empty.yaml", nil)
			Expect(err).To(MatchError(ContainSubstring("empty.yaml: empty profile")))
		})
	})
})
