package custdisplay_test

import (
	"bytes"
	"errors"
	"math"
	"sync"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/posemu/posemu/drivers/custdisplay"
	"github.com/posemu/posemu/drivers/port"
)

// fakePort records what the driver writes; err, when set, fails writes;
// chunk, when set, makes every write short.
type fakePort struct {
	mu    sync.Mutex
	buf   bytes.Buffer
	err   error
	chunk int
}

func (f *fakePort) Write(p []byte) (int, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.err != nil {
		return 0, f.err
	}
	if f.chunk > 0 && len(p) > f.chunk {
		p = p[:f.chunk]
	}
	return f.buf.Write(p)
}
func (f *fakePort) Read([]byte) (int, error)        { select {} }
func (f *fakePort) Close() error                    { return nil }
func (f *fakePort) SetReadDeadline(time.Time) error { return nil }
func (f *fakePort) Address() string                 { return "fake:custdisplay" }
func (f *fakePort) take() []byte {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := append([]byte(nil), f.buf.Bytes()...)
	f.buf.Reset()
	return out
}

var _ port.Port = (*fakePort)(nil)

func pad(s string) string { return s + string(bytes.Repeat([]byte{' '}, 20-len(s))) }

var _ = Describe("the customer display driver", func() {
	var (
		fp *fakePort
		d  *custdisplay.Display
	)
	bytesOf := func(call func() error) []byte {
		ExpectWithOffset(1, call()).To(Succeed())
		return fp.take()
	}

	Context("with the DM-D command set", func() {
		BeforeEach(func() {
			fp = &fakePort{}
			d = custdisplay.New(fp, custdisplay.Config{})
		})

		It("defaults to 20×2 DM-D", func() {
			Expect(d.Config()).To(Equal(custdisplay.Config{Columns: 20, Rows: 2, CommandSet: "dmd"}))
		})

		It("sends the DM-D bytes for each call", func() {
			Expect(bytesOf(d.Init)).To(Equal([]byte{0x1B, 0x40, 0x1F, 0x01}))
			Expect(bytesOf(d.Clear)).To(Equal([]byte{0x0C}))
			Expect(bytesOf(d.Home)).To(Equal([]byte{0x0B}))
			Expect(bytesOf(func() error { return d.SetCursor(20, 2) })).To(Equal([]byte{0x1F, 0x24, 20, 2}))
			Expect(bytesOf(func() error { return d.SetBrightness(3) })).To(Equal([]byte{0x1F, 0x58, 3}))
			Expect(bytesOf(func() error { return d.ShowCursor(false) })).To(Equal([]byte{0x1F, 0x43, 0}))
			Expect(bytesOf(func() error { return d.SetLamp(custdisplay.LampTotal) })).To(Equal([]byte{0x1B, 0x73, '2'}))
			Expect(bytesOf(func() error { return d.WriteLine(2, "HI") })).To(Equal(append([]byte{0x1F, 0x24, 1, 2}, pad("HI")...)))
		})

		It("pads, clips and reduces text to ASCII", func() {
			Expect(bytesOf(func() error { return d.WriteLine(1, "合计 TOTAL\t12") })).To(
				Equal(append([]byte{0x1F, 0x24, 1, 1}, pad("?? TOTAL?12")...)))
			Expect(bytesOf(func() error { return d.WriteLine(1, "0123456789ABCDEFGHIJKLMN") })).To(
				Equal(append([]byte{0x1F, 0x24, 1, 1}, "0123456789ABCDEFGHIJ"...)))
		})

		It("shows two lines in one write", func() {
			want := append(append([]byte{0x1F, 0x24, 1, 1}, pad("A")...), append([]byte{0x1F, 0x24, 1, 2}, pad("B")...)...)
			Expect(bytesOf(func() error { return d.Show("A", "B") })).To(Equal(want))
		})

		It("shows an amount right-aligned with the currency", func() {
			got := bytesOf(func() error { return d.ShowAmount("TOTAL", 1250) })
			Expect(string(got)).To(Equal("\x1f$\x01\x01" + pad("TOTAL") + "\x1f$\x01\x02" + "           CNY 12.50"))
		})

		It("refuses out-of-range arguments without sending anything", func() {
			Expect(d.SetCursor(0, 1)).To(MatchError(ContainSubstring("outside 1–20 × 1–2")))
			Expect(d.SetCursor(21, 1)).NotTo(Succeed())
			Expect(d.SetCursor(1, 3)).NotTo(Succeed())
			Expect(d.SetBrightness(0)).To(MatchError(ContainSubstring("brightness 0")))
			Expect(d.SetBrightness(5)).NotTo(Succeed())
			Expect(d.WriteLine(3, "x")).To(MatchError(ContainSubstring("fake:custdisplay")))
			Expect(d.SetLamp('9')).NotTo(Succeed())
			Expect(fp.take()).To(BeEmpty())
		})

		It("drops the currency, then refuses, when an amount does not fit", func() {
			narrow := custdisplay.New(fp, custdisplay.Config{Columns: 8, Rows: 2})
			Expect(narrow.ShowAmount("X", 123456)).To(Succeed())
			Expect(string(fp.take())).To(HaveSuffix(" 1234.56"))
			Expect(narrow.ShowAmount("X", 1234567800)).To(MatchError(ContainSubstring("does not fit")))
			Expect(fp.take()).To(BeEmpty())
		})

		It("finishes short writes", func() {
			fp.chunk = 3
			Expect(d.Show("SHORT", "WRITES")).To(Succeed())
			Expect(fp.take()).To(HaveLen(48))
		})

		// A vanished display's error is checked on a real port in
		// pty_test.go: marking it is the port's job.
		It("says where a write failed, and does not call any failure a disconnect", func() {
			fp.err = errors.New("boom")
			err := d.Home()
			Expect(err).To(MatchError(ContainSubstring("custdisplay fake:custdisplay: home")))
			Expect(err).To(MatchError(ContainSubstring("boom")))
			Expect(errors.Is(err, port.ErrDisconnected)).To(BeFalse())
		})

		It("passes raw bytes through Write", func() {
			n, err := d.Write([]byte{0x1F, 0x03})
			Expect(err).NotTo(HaveOccurred())
			Expect(n).To(Equal(2))
			Expect(fp.take()).To(Equal([]byte{0x1F, 0x03}))
		})
	})

	Context("with the CD5220 command set", func() {
		BeforeEach(func() {
			fp = &fakePort{}
			d = custdisplay.New(fp, custdisplay.Config{Columns: 20, Rows: 2, CommandSet: "cd5220"})
		})

		It("sends the CD5220 bytes for each call", func() {
			Expect(bytesOf(d.Init)).To(Equal([]byte{0x1B, 0x40, 0x1B, 0x11}))
			Expect(bytesOf(func() error { return d.SetCursor(5, 1) })).To(Equal([]byte{0x1B, 0x6C, 5, 1}))
			Expect(bytesOf(func() error { return d.SetBrightness(1) })).To(Equal([]byte{0x1B, 0x2A, 1}))
			Expect(bytesOf(func() error { return d.ShowCursor(true) })).To(Equal([]byte{0x1B, 0x5F, 1}))
			Expect(string(bytesOf(func() error { return d.WriteLine(1, "TOTAL") }))).To(Equal("\x1bQA" + pad("TOTAL") + "\r"))
			Expect(string(bytesOf(func() error { return d.WriteLine(2, "x") }))).To(Equal("\x1bQB" + pad("x") + "\r"))
		})

		It("never puts a CR inside a line string", func() {
			Expect(string(bytesOf(func() error { return d.WriteLine(1, "A\rB") }))).To(Equal("\x1bQA" + pad("A?B") + "\r"))
		})
	})

	It("fails every call on an unknown command set", func() {
		fp = &fakePort{}
		d = custdisplay.New(fp, custdisplay.Config{CommandSet: "vt100"})
		Expect(d.Init()).To(MatchError(ContainSubstring(`unknown command set "vt100"`)))
		Expect(d.WriteLine(1, "x")).To(MatchError(ContainSubstring("unknown command set")))
		Expect(d.SetCursor(1, 1)).NotTo(Succeed())
		Expect(fp.take()).To(BeEmpty())
	})

	It("shows only the amount on a one-line LED display", func() {
		fp = &fakePort{}
		d = custdisplay.New(fp, custdisplay.Config{Columns: 8, Rows: 1, CommandSet: "cd5220"})
		Expect(d.ShowAmount("TOTAL", 1250)).To(Succeed())
		Expect(string(fp.take())).To(Equal("\x1bQA   12.50\r"))
		Expect(d.Show("A", "B")).To(MatchError(ContainSubstring("one-line")))
	})

	DescribeTable("formats fen as yuan with integers only",
		func(fen int64, want string) { Expect(custdisplay.FormatAmount(fen)).To(Equal(want)) },
		Entry("zero", int64(0), "0.00"),
		Entry("one fen", int64(1), "0.01"),
		Entry("ten fen", int64(10), "0.10"),
		Entry("a price", int64(1250), "12.50"),
		Entry("a refund", int64(-5), "-0.05"),
		Entry("above float64 precision", int64(9007199254740993), "90071992547409.93"),
		Entry("the largest", int64(math.MaxInt64), "92233720368547758.07"),
		Entry("the smallest", int64(math.MinInt64), "-92233720368547758.08"),
	)
})
