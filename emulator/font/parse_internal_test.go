package font

import (
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
)

var _ = Describe("parseHex", func() {
	DescribeTable("rejects malformed data",
		func(src, msg string) {
			_, err := parseHex(strings.NewReader(src), false)
			Expect(err).To(MatchError(ContainSubstring(msg)))
		},
		Entry("no colon", "0041 00\n", "no colon"),
		Entry("bad code point", "zz:"+strings.Repeat("00", 16)+"\n", "code point"),
		Entry("bad hex", "0041:"+strings.Repeat("0g", 16)+"\n", "U+0041"),
		Entry("partial rows", "0041:"+strings.Repeat("00", 17)+"\n", "16 rows"),
		Entry("too wide", "0041:"+strings.Repeat("00", 80)+"\n", "16 rows"),
		Entry("out of order", "0042:"+strings.Repeat("00", 16)+"\n0041:"+strings.Repeat("00", 16)+"\n", "out of order"),
	)

	It("rejects embedded data that is not gzip", func() {
		_, err := parseHex(strings.NewReader("0041:00"), true)
		Expect(err).To(HaveOccurred())
	})

	It("falls back to a hollow box when the data has no U+FFFD", func() {
		f, err := parseHex(strings.NewReader("4E00:"+strings.Repeat("00", 32)+"\n"), false)
		Expect(err).NotTo(HaveOccurred())
		g, ok := f.lookup(0x1F600)
		Expect(ok).To(BeFalse())
		Expect(g.width).To(Equal(8))
		Expect(g.at(1, 1)).To(BeTrue())
		Expect(g.at(1, 14)).To(BeTrue())
		Expect(g.at(6, 8)).To(BeTrue())
		Expect(g.at(3, 8)).To(BeFalse())
		Expect(g.at(0, 0)).To(BeFalse())
		Expect(f.Advance(0x1F600)).To(Equal(8))
		Expect(f.Advance(0x4E00)).To(Equal(16))
	})
})
