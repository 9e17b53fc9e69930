package font_test

import (
	"unicode"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"golang.org/x/text/encoding/simplifiedchinese"

	"github.com/posemu/posemu/emulator/font"
)

// gb2312Hanzi decodes every cell of GB2312 rows 0xB0-0xF7, the Hanzi area.
func gb2312Hanzi() []rune {
	dec := simplifiedchinese.GBK.NewDecoder()
	var out []rune
	for hi := 0xB0; hi <= 0xF7; hi++ {
		for lo := 0xA1; lo <= 0xFE; lo++ {
			s, err := dec.Bytes([]byte{byte(hi), byte(lo)})
			Expect(err).NotTo(HaveOccurred())
			r := []rune(string(s))
			if len(r) == 1 && r[0] != unicode.ReplacementChar {
				out = append(out, r[0])
			}
		}
	}
	return out
}

var _ = Describe("Unifont", func() {
	var f *font.Face
	BeforeEach(func() { f = font.Unifont() })

	It("is loaded once and shared", func() {
		Expect(font.Unifont()).To(BeIdenticalTo(f))
		Expect(f.Height()).To(Equal(16))
		Expect(f.Len()).To(BeNumerically(">", 8000))
	})

	DescribeTable("has glyphs of the right width",
		func(r rune, width int) {
			g, ok := f.Glyph(r)
			Expect(ok).To(BeTrue(), "glyph for %q", r)
			Expect(g.Width).To(Equal(width))
			Expect(g.Height).To(Equal(16))
			Expect(g.Bits).To(HaveLen((width + 7) / 8 * 16))
			Expect(f.Advance(r)).To(Equal(width))
		},
		Entry("A", 'A', 8),
		Entry("0", '0', 8),
		Entry("space", ' ', 8),
		Entry("yen sign", '¥', 8),
		Entry("middle dot", '·', 8),
		Entry("euro sign", '€', 8),
		Entry("确", '确', 16),
		Entry("认", '认', 16),
		Entry("支", '支', 16),
		Entry("付", '付', 16),
		Entry("宝", '宝', 16),
		Entry("元", '元', 16),
		Entry("ideographic comma", '、', 16),
		Entry("fullwidth yen", '￥', 16),
		Entry("fullwidth exclamation", '！', 16),
		Entry("rightwards arrow", '→', 8),
		Entry("box drawing horizontal", '─', 8),
		Entry("black square", '■', 8),
		Entry("replacement character", '\uFFFD', 8),
	)

	It("has every one of the 6763 GB2312 Hanzi, 16 pixels wide", func() {
		hanzi := gb2312Hanzi()
		Expect(hanzi).To(HaveLen(6763))
		var missing []rune
		for _, r := range hanzi {
			Expect(unicode.Is(unicode.Han, r)).To(BeTrue(), "U+%04X", r)
			if f.Advance(r) != 16 {
				missing = append(missing, r)
			}
			if _, ok := f.Glyph(r); !ok {
				missing = append(missing, r)
			}
		}
		Expect(missing).To(BeEmpty())
	})

	It("stores rows top to bottom with the leftmost pixel in the high bit", func() {
		// Unifont's 'A' is 0000000018242442427E424242420000.
		g, ok := f.Glyph('A')
		Expect(ok).To(BeTrue())
		Expect(g.Bits).To(Equal([]byte{0, 0, 0, 0, 0x18, 0x24, 0x24, 0x42, 0x42, 0x7E, 0x42, 0x42, 0x42, 0x42, 0, 0}))
		Expect(g.At(3, 4)).To(BeTrue())
		Expect(g.At(4, 4)).To(BeTrue())
		Expect(g.At(2, 4)).To(BeFalse())
		Expect(g.At(1, 9)).To(BeTrue()) // the crossbar 0x7E
		Expect(g.At(0, 9)).To(BeFalse())
		Expect(g.At(-1, 4)).To(BeFalse())
		Expect(g.At(8, 4)).To(BeFalse())
		Expect(g.At(3, 16)).To(BeFalse())
	})

	It("hands out copies that cannot change the font", func() {
		g, _ := f.Glyph('确')
		for i := range g.Bits {
			g.Bits[i] = 0xFF
		}
		again, _ := f.Glyph('确')
		Expect(again.Bits).NotTo(Equal(g.Bits))
	})

	It("reports runes it lacks and measures them as the replacement glyph", func() {
		for _, r := range []rune{0x1F600, '\n', 0x7F, 0x85, 0x200B, -1, unicode.MaxRune + 1} {
			_, ok := f.Glyph(r)
			Expect(ok).To(BeFalse(), "U+%04X", r)
			Expect(f.Advance(r)).To(Equal(f.Advance('\uFFFD')))
		}
	})

	It("measures mixed text", func() {
		Expect(f.Measure("")).To(Equal(0))
		Expect(f.Measure("¥12.50")).To(Equal(6 * 8))
		Expect(f.Measure("确认支付宝")).To(Equal(5 * 16))
		Expect(f.Measure("金额:¥1.00")).To(Equal(2*16 + 6*8))
		Expect(f.Measure("\xff")).To(Equal(f.Advance('\uFFFD')))
	})
})
