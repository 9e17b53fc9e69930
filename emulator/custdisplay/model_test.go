package custdisplay_test

import (
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/posemu/posemu/emulator/custdisplay"
	"github.com/posemu/posemu/emulator/events"
	"github.com/posemu/posemu/profile"
)

func newDisplay(cols, rows int) (*custdisplay.Model, *events.Bus) {
	bus := events.NewBus(4096, time.Now)
	return custdisplay.New(profile.CustDisplay{Columns: cols, Rows: rows, CommandSet: "dmd", Baud: 9600}, bus), bus
}

// cursor returns the 1-based cursor as a pair, for one-line assertions.
func cursor(m *custdisplay.Model) [2]int {
	c, r := m.Cursor()
	return [2]int{c, r}
}

var (
	clr    = "\x0c"
	can    = "\x18"
	home   = "\x0b"
	bs     = "\x08"
	ht     = "\x09"
	lf     = "\x0a"
	cr     = "\x0d"
	usUp   = "\x1f\x0a"
	usMD1  = "\x1f\x01"
	usMD2  = "\x1f\x02"
	usMD3  = "\x1f\x03"
	escAt  = "\x1b\x40"
	twenty = "ABCDEFGHIJKLMNOPQRST"
)

func at(x, y byte) string { return string([]byte{0x1f, 0x24, x, y}) }

var _ = Describe("the DM-D model", func() {
	var m *custdisplay.Model
	feed := func(s string) { m.Feed([]byte(s)) }
	BeforeEach(func() { m, _ = newDisplay(20, 2) })

	It("starts blank, cursor home and shown, brightest, overwrite mode, lamp off", func() {
		Expect(m.Lines()).To(Equal([]string{"", ""}))
		Expect(m.Cells()).To(HaveLen(2))
		Expect(string(m.Cells()[1])).To(Equal(strings.Repeat(" ", 20)))
		Expect(cursor(m)).To(Equal([2]int{1, 1}))
		Expect(m.CursorVisible()).To(BeTrue())
		Expect(m.Brightness()).To(Equal(4))
		Expect(m.Mode()).To(Equal(custdisplay.ModeOverwrite))
		Expect(m.Lamp()).To(Equal(custdisplay.LampOff))
		Expect(m.CommandSet()).To(Equal("dmd"))
	})

	It("writes printable bytes at the cursor and advances", func() {
		feed("HELLO")
		Expect(m.Lines()).To(Equal([]string{"HELLO", ""}))
		Expect(cursor(m)).To(Equal([2]int{6, 1}))
		Expect(m.Stats()).To(Equal(custdisplay.Stats{Bytes: 5}))
	})

	It("clears the screen and homes with 0C", func() {
		feed("AB" + lf + "CD" + clr)
		Expect(m.Lines()).To(Equal([]string{"", ""}))
		Expect(cursor(m)).To(Equal([2]int{1, 1}))
	})

	It("clears only the cursor line with 18 and returns to its start", func() {
		feed("TOP" + at(5, 2) + "BOTTOM" + can)
		Expect(m.Lines()).To(Equal([]string{"TOP", ""}))
		Expect(cursor(m)).To(Equal([2]int{1, 2}))
	})

	It("moves home, left, right, down, up and to the line start", func() {
		feed(at(10, 2) + home)
		Expect(cursor(m)).To(Equal([2]int{1, 1}))
		feed(ht + ht + ht)
		Expect(cursor(m)).To(Equal([2]int{4, 1}))
		feed(bs)
		Expect(cursor(m)).To(Equal([2]int{3, 1}))
		feed(lf)
		Expect(cursor(m)).To(Equal([2]int{3, 2}))
		feed(usUp)
		Expect(cursor(m)).To(Equal([2]int{3, 1}))
		feed(at(7, 2) + cr)
		Expect(cursor(m)).To(Equal([2]int{1, 2}))
		feed("\x1f\x0d")
		Expect(cursor(m)).To(Equal([2]int{20, 2}), "US CR goes to the right end")
		feed(home + "\x1f\x42")
		Expect(cursor(m)).To(Equal([2]int{1, 2}), "US B goes to the bottom line start")
		Expect(m.Lines()).To(Equal([]string{"", ""}), "moves write nothing")
	})

	It("positions the cursor with US $ x y, 1-based", func() {
		feed(at(20, 2) + "Z" + at(1, 1) + "A")
		Expect(m.Lines()).To(Equal([]string{"A", strings.Repeat(" ", 19) + "Z"}))
	})

	DescribeTable("ignores US $ outside the screen, leaving the cursor, and counts it",
		func(x, y byte) {
			bus := events.NewBus(64, time.Now)
			m = custdisplay.New(profile.CustDisplay{Columns: 20, Rows: 2}, bus)
			feed(at(3, 2) + at(x, y) + "Q")
			Expect(m.Lines()).To(Equal([]string{"", "  Q"}))
			Expect(m.Stats().Ignored).To(Equal(int64(1)))
			Expect(m.Stats().DecodeErrors).To(BeZero())
			Expect(kinds(bus)).To(ContainElement("ignored"))
		},
		Entry("column 0", byte(0), byte(1)),
		Entry("column 21", byte(21), byte(1)),
		Entry("row 0", byte(1), byte(0)),
		Entry("row 3", byte(1), byte(3)),
		Entry("both 255", byte(255), byte(255)),
	)

	It("shows and hides the cursor with US C n, binary or ASCII", func() {
		feed("\x1f\x43\x00")
		Expect(m.CursorVisible()).To(BeFalse())
		feed("\x1f\x43\x31")
		Expect(m.CursorVisible()).To(BeTrue())
		feed("\x1f\x43\x30")
		Expect(m.CursorVisible()).To(BeFalse())
		feed("\x1f\x43\x07")
		Expect(m.CursorVisible()).To(BeFalse())
		Expect(m.Stats().Ignored).To(Equal(int64(1)))
	})

	It("sets brightness 1–4 with US X n and ignores other levels", func() {
		for n := byte(1); n <= 4; n++ {
			m.Feed([]byte{0x1f, 0x58, n})
			Expect(m.Brightness()).To(Equal(int(n)))
		}
		m.Feed([]byte{0x1f, 0x58, 0, 0x1f, 0x58, 5})
		Expect(m.Brightness()).To(Equal(4))
		Expect(m.Stats().Ignored).To(Equal(int64(2)))
	})

	It("initialises with ESC @: screen, cursor, mode, brightness, lamp", func() {
		feed("TEXT" + usMD2 + "\x1f\x58\x01" + "\x1f\x43\x00" + "\x1b\x73\x32")
		feed(escAt)
		Expect(m.Lines()).To(Equal([]string{"", ""}))
		Expect(cursor(m)).To(Equal([2]int{1, 1}))
		Expect(m.Mode()).To(Equal(custdisplay.ModeOverwrite))
		Expect(m.Brightness()).To(Equal(4))
		Expect(m.CursorVisible()).To(BeTrue())
		Expect(m.Lamp()).To(Equal(custdisplay.LampOff))
	})

	It("reports the selected scroll mode", func() {
		feed(usMD2)
		Expect(m.Mode()).To(Equal(custdisplay.ModeVertical))
		feed(usMD3)
		Expect(m.Mode()).To(Equal(custdisplay.ModeHorizontal))
		feed(usMD1)
		Expect(m.Mode()).To(Equal(custdisplay.ModeOverwrite))
	})

	Describe("text reaching the end of a line", func() {
		It("fills a line exactly without wrapping until the next character", func() {
			feed(usMD2 + at(1, 2) + twenty)
			Expect(m.Lines()).To(Equal([]string{"", twenty}))
			Expect(cursor(m)).To(Equal([2]int{20, 2}))
		})

		It("overwrite mode: wraps to the next line, and from the last back to the top", func() {
			feed(twenty + "abc")
			Expect(m.Lines()).To(Equal([]string{twenty, "abc"}))
			feed(at(18, 2) + "xyz!")
			Expect(m.Lines()).To(Equal([]string{"!" + twenty[1:], "abc" + strings.Repeat(" ", 14) + "xyz"}))
			Expect(cursor(m)).To(Equal([2]int{2, 1}))
		})

		It("vertical scroll mode: the last line scrolls up when it overflows", func() {
			feed(usMD2 + twenty + strings.ToLower(twenty))
			Expect(m.Lines()).To(Equal([]string{twenty, strings.ToLower(twenty)}))
			feed("N")
			Expect(m.Lines()).To(Equal([]string{strings.ToLower(twenty), "N"}))
			Expect(cursor(m)).To(Equal([2]int{2, 2}))
		})

		It("horizontal scroll mode: the line shifts left and the cursor stays at the end", func() {
			feed(usMD3 + at(1, 2) + "LOWER" + home + twenty + "UVW")
			Expect(m.Lines()).To(Equal([]string{"DEFGHIJKLMNOPQRSTUVW", "LOWER"}))
			Expect(cursor(m)).To(Equal([2]int{20, 1}))
		})

		It("cancels the owed wrap on CR, BS and cursor moves", func() {
			feed(usMD2 + at(1, 2) + twenty + cr + "x")
			Expect(m.Lines()).To(Equal([]string{"", "x" + twenty[1:]}))
			feed(at(20, 2) + "y" + bs + "z")
			Expect(m.Lines()).To(Equal([]string{"", "x" + twenty[1:19] + "z"}))
		})
	})

	Describe("moves at the edges, per mode (DM-D110 specification)", func() {
		type edge struct {
			setup, cmd string
			lines      []string
			cursor     [2]int
		}
		upper, lower := at(1, 1)+"UP", at(1, 2)+"LOW"
		DescribeTable("",
			func(e edge) {
				feed(upper + lower + e.setup + e.cmd)
				Expect(m.Lines()).To(Equal(e.lines))
				Expect(cursor(m)).To(Equal(e.cursor))
			},
			Entry("BS, overwrite, upper left → lower right", edge{usMD1 + home, bs, []string{"UP", "LOW"}, [2]int{20, 2}}),
			Entry("BS, overwrite, lower left → upper right", edge{usMD1 + at(1, 2), bs, []string{"UP", "LOW"}, [2]int{20, 1}}),
			Entry("BS, vertical, upper left scrolls down", edge{usMD2 + home, bs, []string{"", "UP"}, [2]int{20, 1}}),
			Entry("BS, horizontal, line shifts right", edge{usMD3 + home, bs, []string{" UP", "LOW"}, [2]int{1, 1}}),
			Entry("HT, overwrite, lower right → upper left", edge{usMD1 + at(20, 2), ht, []string{"UP", "LOW"}, [2]int{1, 1}}),
			Entry("HT, overwrite, upper right → lower left", edge{usMD1 + at(20, 1), ht, []string{"UP", "LOW"}, [2]int{1, 2}}),
			Entry("HT, vertical, lower right scrolls up", edge{usMD2 + at(20, 2), ht, []string{"LOW", ""}, [2]int{1, 2}}),
			Entry("HT, horizontal, line shifts left", edge{usMD3 + at(20, 1), ht, []string{"P", "LOW"}, [2]int{20, 1}}),
			Entry("LF, overwrite, lower → upper", edge{usMD1 + at(4, 2), lf, []string{"UP", "LOW"}, [2]int{4, 1}}),
			Entry("LF, vertical, lower scrolls up", edge{usMD2 + at(4, 2), lf, []string{"LOW", ""}, [2]int{4, 2}}),
			Entry("LF, horizontal, stays", edge{usMD3 + at(4, 2), lf, []string{"UP", "LOW"}, [2]int{4, 2}}),
			Entry("US LF, overwrite, upper → lower", edge{usMD1 + at(4, 1), usUp, []string{"UP", "LOW"}, [2]int{4, 2}}),
			Entry("US LF, vertical, upper scrolls down", edge{usMD2 + at(4, 1), usUp, []string{"", "UP"}, [2]int{4, 1}}),
			Entry("US LF, horizontal, stays", edge{usMD3 + at(4, 1), usUp, []string{"UP", "LOW"}, [2]int{4, 1}}),
		)
	})

	It("sets the LED lamp with ESC s '0'–'4' and ignores other values", func() {
		for n, want := range []string{"off", "price", "total", "paid", "change"} {
			m.Feed([]byte{0x1b, 0x73, byte('0' + n)})
			Expect(m.Lamp()).To(Equal(want))
		}
		m.Feed([]byte{0x1b, 0x73, 0x01})
		Expect(m.Lamp()).To(Equal("change"))
		Expect(m.Stats().Ignored).To(Equal(int64(1)))
	})

	It("shows bytes ≥ 0x80 from the code table: PC437 at power on, ESC t selects another", func() {
		m.Feed([]byte{0x9c, 0xe1})
		Expect(m.Lines()[0]).To(Equal("£ß"))
		m.Feed([]byte{0x1b, 0x74, 16, 0x80, 0xe9})
		Expect(m.Lines()[0]).To(Equal("£ß€é"))
		m.Feed([]byte{0x1b, 0x74, 1})
		Expect(m.Stats().Ignored).To(Equal(int64(1)), "Katakana is not modelled")
	})

	It("works on other sizes: a one-line 8-digit LED unit", func() {
		m, _ = newDisplay(8, 1)
		feed("\x1bQA12.50\r" + "\x1b\x73\x32")
		Expect(m.Lines()).To(Equal([]string{"12.50"}))
		Expect(m.Lamp()).To(Equal("total"))
		feed("123456789")
		Expect(m.Lines()).To(Equal([]string{"92345678"}), "overwrite wraps on the only line")
		feed("\x1bQBx\r")
		Expect(m.Stats().Ignored).To(Equal(int64(1)), "no lower line to write")
	})

	It("Reset is a power cycle", func() {
		feed("ABC" + usMD3 + "\x1f\x58\x02")
		m.Reset()
		Expect(m.Lines()).To(Equal([]string{"", ""}))
		Expect(m.Mode()).To(Equal(custdisplay.ModeOverwrite))
		Expect(m.Brightness()).To(Equal(4))
	})
})

func kinds(bus *events.Bus) []string {
	var out []string
	for _, e := range bus.Since(0) {
		out = append(out, e.Kind)
	}
	return out
}
