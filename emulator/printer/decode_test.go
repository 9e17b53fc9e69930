package printer_test

import (
	"bytes"
	"math/rand/v2"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"golang.org/x/text/encoding/simplifiedchinese"

	"github.com/posemu/posemu/emulator/printer"
)

// gb encodes s in GB18030, as a Chinese driver sends it.
func gb(s string) []byte {
	b, err := simplifiedchinese.GB18030.NewEncoder().Bytes([]byte(s))
	if err != nil {
		panic(err)
	}
	return b
}

// kitchenSink is a stream that uses every kind of command the model
// knows, two receipts long, with status requests in between.
func kitchenSink() []byte { return kitchenSinkRaw() }

func kitchenSinkRaw() []byte {
	return cat(
		escInit, dleEOT(1), []byte{0x1D, 0x61, 0x0F},
		centre, gsSize(2, 2), boldOn, gbOn, gb("收款凭证"), "\n", gsSize(1, 1), boldOff,
		left, "MERCHANT ", gb("商户"), "\n",
		ulOn, "underlined", ulOff, " ", invOn, "INV", invOff, "\n",
		[]byte{0x1B, 0x21, 0x01}, "font B text", []byte{0x1B, 0x21, 0x00}, "\n",
		"A\tB", []byte{0x1B, 0x24, 200, 0}, "C\n",
		right, "12.50\n", left,
		[]byte{0x1C, 0x21, 0x0C}, gb("大字"), []byte{0x1C, 0x21, 0x00}, "\n",
		raster(4, 8, 0x10), raster(2, 3, 0x04),
		[]byte{0x1B, 0x2A, 0x21, 3, 0}, bytes.Repeat([]byte{0xF0}, 9), "\n",
		[]byte{0x1D, 0x48, 0x02, 0x1D, 0x68, 40, 0x1D, 0x77, 2},
		[]byte{0x1D, 0x6B, 73, 8}, "{BAB1234",
		[]byte{0x1D, 0x6B, 2}, "690123456789", 0,
		qrSize(4), qrPayload("https://qr.alipay.com/bax0123"), qrPrint,
		dleEOT(4), []byte{0x1B, 0x7A}, // an unknown command
		[]byte{0x1B, 0x64, 3}, []byte{0x1D, 0x56, 66, 20},
		"second receipt\n", []byte{0x1B, 0x4A, 50}, gbOff, "caf\x82\n",
		[]byte{0x1D, 0x28, 0x4C, 14, 0, 0x30, 0x70, 0x30, 1, 1, 0x31, 16, 0, 2, 0, 0xAA, 0x55, 0xAA, 0x55},
		[]byte{0x1D, 0x28, 0x4C, 2, 0, 0x30, 0x32},
		[]byte{0x1B, 0x70, 0x00, 0x19, 0xFA},
		partCut, "in the printer\n",
	)
}

// outcome is everything observable after a stream.
type outcome struct {
	receipts []printer.Receipt
	pngs     [][]byte
	replies  []byte
	errs     []printer.DecodeError
	stats    printer.Stats
}

func run(parts [][]byte) outcome {
	GinkgoHelper()
	p := newRig(printer.Options{})
	p.feed(parts...)
	o := outcome{receipts: p.Receipts(), replies: p.host.take(), errs: p.DecodeErrors(), stats: p.Stats()}
	for _, r := range o.receipts {
		png, err := p.PNG(r.ID)
		Expect(err).NotTo(HaveOccurred())
		o.pngs = append(o.pngs, png)
	}
	return o
}

func splitEvery(b []byte, n int) [][]byte {
	var out [][]byte
	for len(b) > 0 {
		k := min(n, len(b))
		out = append(out, b[:k])
		b = b[k:]
	}
	return out
}

func splitRandom(b []byte, rng *rand.Rand) [][]byte {
	var out [][]byte
	for len(b) > 0 {
		k := min(1+rng.IntN(12), len(b))
		out = append(out, b[:k])
		b = b[k:]
	}
	return out
}

var _ = Describe("the decoder", func() {
	It("gives the same paper, replies and errors however the stream is split", func() {
		stream := kitchenSink()
		whole := run([][]byte{stream})
		Expect(whole.receipts).To(HaveLen(3))
		Expect(whole.replies).NotTo(BeEmpty())
		Expect(whole.errs).To(HaveLen(1))
		Expect(run(splitEvery(stream, 1))).To(Equal(whole), "byte by byte")
		for seed := range uint64(20) {
			rng := rand.New(rand.NewPCG(seed, 7))
			Expect(run(splitRandom(stream, rng))).To(Equal(whole), "random splits, seed %d", seed)
		}
	})

	It("reports unknown commands with their offset and goes on", func() {
		p := newRig(printer.Options{})
		p.Feed(cat("AB", []byte{0x1B, 0x7A}, "CD", []byte{0x1D, 0x0A}, "EF\n"))
		Expect(p.DecodeErrors()).To(Equal([]printer.DecodeError{
			{Offset: 2, Msg: "unknown command ESC z; skipped"},
			{Offset: 6, Msg: "GS not followed by a command byte (0x0A); skipped"},
		}))
		Expect(p.Current().Text()).To(Equal([]string{"ABCD", "EF"}))
		evs := p.events("decode-error")
		Expect(evs).To(HaveLen(2))
		Expect(evs[0].Detail).To(Equal(map[string]any{"offset": int64(2), "error": "unknown command ESC z; skipped"}))
	})

	It("skips a command whose parameters are out of range, keeping the stream in step", func() {
		p := newRig(printer.Options{})
		p.Feed(cat([]byte{0x1B, 0x61, 0x07}, "X\n", []byte{0x1D, 0x21, 0x99}, "Y\n"))
		Expect(p.Current().Text()).To(Equal([]string{"X", "Y"}))
		Expect(p.Current().Lines[1].Width).To(Equal(1))
		Expect(p.DecodeErrors()).To(HaveLen(2))
		Expect(p.DecodeErrors()[1].Offset).To(Equal(int64(5)))
	})

	Describe("real-time requests", func() {
		It("are image data inside GS v 0 data, and answered between commands", func() {
			p := newRig(printer.Options{})
			img := cat([]byte{0x1D, 0x76, 0x30, 0x00, 3, 0, 2, 0}, []byte{0x10, 0x04, 0x01, 0x10, 0x04, 0x02})
			Expect(p.ask(img...)).To(BeEmpty(), "DLE EOT inside image data is data")
			Expect(p.ask(0x10, 0x04, 0x01)).To(Equal([]byte{0x12}), "between commands it is answered")
			// The six bytes were drawn: 0x10 0x04 0x01 has 3 dots set,
			// and so has 0x10 0x04 0x02.
			Expect(blackDots(p.Model, p.Current().ID, 0, 0, 384, 2)).To(Equal(6))
			Expect(p.Current().Images).To(Equal([]printer.Image{{Y: 0, X: 0, Width: 24, Height: 2, Kind: "raster"}}))
		})

		It("are data inside a QR payload and inside other commands' parameters", func() {
			p := newRig(printer.Options{})
			Expect(p.ask(cat(qrPayload("\x10\x04\x01"), []byte{0x1B, 0x33, 0x10}, "\x04\x01")...)).To(BeEmpty())
			Expect(p.ask(qrPrint...)).To(BeEmpty())
			Expect(p.Current().QR).To(Equal([]string{"\x10\x04\x01"}))
		})

		It("are answered inside a line of text and between the bytes of a split command", func() {
			p := newRig(printer.Options{})
			Expect(p.ask(cat("total", dleEOT(2), " 12.50")...)).To(Equal([]byte{0x12}))
			p.Feed([]byte{0x1B})
			Expect(p.ask(0x61)).To(BeEmpty())
			Expect(p.ask(cat([]byte{0x01}, dleEOT(3))...)).To(Equal([]byte{0x12}))
			p.Feed([]byte("\n"))
			Expect(p.Current().Text()).To(Equal([]string{"total 12.50"}))
		})

		It("are not swallowed by a 2-byte character's missing trail byte", func() {
			p := newRig(printer.Options{})
			Expect(p.ask(0xB0, 0x10, 0x04, 0x01)).To(Equal([]byte{0x12}))
			Expect(p.DecodeErrors()).To(HaveLen(1))
		})
	})

	Describe("bounded memory", func() {
		It("reads a huge declared image through without keeping more than fits", func() {
			p := newRigWith(smallRoll(), printer.Options{MaxReceiptDots: 1000})
			// 200 bytes wide (1600 dots) by 5000 rows: 1 MB of data.
			p.Feed(raster(200, 5000, 0xFF))
			p.Feed([]byte("after\n"))
			rs := p.Receipts()
			Expect(rs).NotTo(BeEmpty())
			for _, r := range rs {
				Expect(r.Height).To(BeNumerically("<=", 1000))
			}
			Expect(rs[0].Images[0]).To(Equal(printer.Image{Y: 0, X: 0, Width: 384, Height: 1000, Kind: "raster"}))
			Expect(texts(rs)).To(ContainElement([]string{"after"}))
			Expect(p.DecodeErrors()).To(ConsistOf(printer.DecodeError{Offset: 0, Msg: "GS v image of 5000 rows is longer than a receipt may be; cut to 1000 rows"}))
		})

		It("does not store a QR payload longer than 7089 bytes", func() {
			p := newRig(printer.Options{})
			p.Feed(cat(qrPayload(string(bytes.Repeat([]byte{'9'}, 7090))), qrPrint, "ok\n"))
			Expect(p.Current().QR).To(BeEmpty())
			Expect(p.Current().Text()).To(Equal([]string{"ok"}))
			Expect(p.DecodeErrors()[0].Msg).To(Equal("GS ( k QR data of 7090 bytes is longer than 7089; not stored"))
		})

		It("closes a receipt that grows past the limit uncut, and keeps a bounded number", func() {
			p := newRigWith(smallRoll(), printer.Options{MaxReceiptDots: 300, MaxReceipts: 3})
			for range 100 {
				p.Feed([]byte("line\n"))
			}
			rs := p.Receipts()
			Expect(rs).To(HaveLen(4))
			Expect(rs[0].Cut).To(Equal(printer.CutOverflow))
			Expect(rs[0].Lines).To(HaveLen(10))
			Expect(p.Stats().Evicted).To(BeNumerically(">", 0))
		})
	})
})
