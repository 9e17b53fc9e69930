package custdisplay_test

import (
	"math/rand/v2"
	"strings"
	"sync"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/posemu/posemu/emulator/custdisplay"
	"github.com/posemu/posemu/emulator/events"
	"github.com/posemu/posemu/profile"
)

// everything is a stream that uses every command the model knows, plus
// malformed ones, so splitting it exercises every decoder state.
var everything = []byte(escAt + "\x1f\x43\x00" + "\x1f\x58\x02" + "WELCOME" + at(3, 2) + "SHOP" +
	usMD2 + at(1, 2) + twenty + "MORE" + usMD3 + home + twenty + "XY" + usMD1 + clr +
	"\x1bQAITEM 1\r\x1bQB     CNY 3.50\r" + "\x1b\x73\x31" + "\x1bl\x05\x01" + "\x1b\x11\x1b\x12\x1b\x13\x1b\x11" +
	"\x1b_\x01\x1b*\x03" + "\x1b[B\x1b[C\x1b[H" + "\x1b\x7a" + "\x1f\x99" + "\x1b\x0c" + "\x00" + "\x1bQ" +
	"Z" + "\x1bQAcut\x1b@" + "\x1bQDTHANK YOU FOR SHOPPING\r" + "!" + "\x1f\x24\x15\x01" + "\x1b\x74\x10\x80" +
	"\x1f\x45\x05\x1f\x23\x01\x02" + "\x9c" + bs + ht + lf + usUp + can)

type view struct {
	cells          [][]rune
	cursor         [2]int
	visible        bool
	brightness     int
	mode, lamp, mq string
	stats          custdisplay.Stats
}

func viewOf(m *custdisplay.Model) view {
	return view{m.Cells(), cursor(m), m.CursorVisible(), m.Brightness(), m.Mode(), m.Lamp(), m.Marquee(), m.Stats()}
}

var _ = Describe("decoding a stream", func() {
	It("gives the same result fed at once, byte by byte, or split at random", func() {
		whole, _ := newDisplay(20, 2)
		whole.Feed(everything)
		want := viewOf(whole)
		Expect(want.stats.Bytes).To(Equal(int64(len(everything))))
		Expect(want.stats.DecodeErrors).To(BeNumerically(">=", 5))

		single, _ := newDisplay(20, 2)
		for _, b := range everything {
			single.Feed([]byte{b})
		}
		Expect(viewOf(single)).To(Equal(want))

		rng := rand.New(rand.NewPCG(1, 2))
		for range 50 {
			split, _ := newDisplay(20, 2)
			for rest := everything; len(rest) > 0; {
				n := min(1+rng.IntN(7), len(rest))
				split.Feed(rest[:n])
				rest = rest[n:]
			}
			Expect(viewOf(split)).To(Equal(want))
		}
	})

	Describe("malformed input", func() {
		var (
			m   *custdisplay.Model
			bus *events.Bus
		)
		BeforeEach(func() { m, bus = newDisplay(20, 2) })

		errorsOf := func() []map[string]any {
			var out []map[string]any
			for _, e := range bus.Since(0) {
				if e.Kind == "decode-error" {
					Expect(e.Device).To(Equal("custdisplay"))
					out = append(out, e.Detail)
				}
			}
			return out
		}

		It("counts an unknown ESC sequence with its offset and carries on", func() {
			m.Feed([]byte("AB\x1b\x7aCD"))
			Expect(m.Lines()[0]).To(Equal("ABCD"))
			Expect(m.Stats().DecodeErrors).To(Equal(int64(1)))
			Expect(errorsOf()).To(ConsistOf(And(
				HaveKeyWithValue("offset", int64(2)),
				HaveKeyWithValue("bytes", "1B 7A"),
			)))
		})

		It("counts an unknown US sequence", func() {
			m.Feed([]byte("\x1f\x99X"))
			Expect(m.Lines()[0]).To(Equal("X"))
			Expect(errorsOf()).To(ConsistOf(HaveKeyWithValue("bytes", "1F 99")))
		})

		It("does not swallow a control byte after a bad ESC: it runs as a command", func() {
			m.Feed([]byte("OLD\x1b\x0cNEW"))
			Expect(m.Lines()[0]).To(Equal("NEW"))
			Expect(errorsOf()).To(ConsistOf(HaveKeyWithValue("bytes", "1B")))
		})

		It("counts stray control bytes", func() {
			m.Feed([]byte{'A', 0x00, 0x07, 'B'})
			Expect(m.Lines()[0]).To(Equal("AB"))
			Expect(m.Stats().DecodeErrors).To(Equal(int64(2)))
			Expect(errorsOf()).To(ContainElement(HaveKeyWithValue("offset", int64(2))))
		})

		It("aborts an ESC Q string cut by another command, and runs that command", func() {
			m.Feed([]byte("\x1bQAHALF\x1b\x40\x1bQBWHOLE\r"))
			Expect(m.Lines()).To(Equal([]string{"", "WHOLE"}))
			Expect(errorsOf()).To(ConsistOf(HaveKeyWithValue("bytes", "1B 51 41")))
		})

		It("counts unknown ESC Q lines and ESC [ moves", func() {
			m.Feed([]byte("\x1bQZ\x1b[Zok"))
			Expect(m.Stats().DecodeErrors).To(Equal(int64(2)))
			Expect(m.Lines()[0]).To(Equal("ok"))
		})

		It("keeps a command split across feeds pending, not in error", func() {
			m.Feed([]byte{0x1f})
			m.Feed([]byte{0x24, 5})
			m.Feed([]byte{2, 'Q'})
			Expect(m.Lines()).To(Equal([]string{"", "    Q"}))
			Expect(m.Stats().DecodeErrors).To(BeZero())
		})
	})

	Describe("CD5220 commands", func() {
		var m *custdisplay.Model
		BeforeEach(func() {
			m = custdisplay.New(profile.CustDisplay{Columns: 20, Rows: 2, CommandSet: "cd5220"}, nil)
		})

		It("replaces the upper and lower lines with ESC Q A/B text CR, cursor untouched", func() {
			m.Feed([]byte("XXXXXXXXXXXX\x1bQATOTAL\r\x1bQB   12.50\r"))
			Expect(m.Lines()).To(Equal([]string{"TOTAL", "   12.50"}))
			Expect(cursor(m)).To(Equal([2]int{13, 1}))
			Expect(m.CommandSet()).To(Equal("cd5220"))
		})

		It("drops text past the line width", func() {
			m.Feed([]byte("\x1bQA" + twenty + "OVERFLOW\r"))
			Expect(m.Lines()[0]).To(Equal(twenty))
		})

		It("keeps an ESC Q D message scrolling until the next byte", func() {
			msg := "WELCOME TO OUR STORE, HAVE A NICE DAY"
			m.Feed([]byte("\x1bQB" + "lower\r" + "\x1bQD" + msg + "\r"))
			Expect(m.Marquee()).To(Equal(msg))
			Expect(m.Lines()).To(Equal([]string{msg[:20], "lower"}))
			m.Feed([]byte("\x1bl\x03\x02"))
			Expect(m.Marquee()).To(BeEmpty())
			Expect(m.Lines()).To(Equal([]string{"", "lower"}))
			Expect(cursor(m)).To(Equal([2]int{3, 2}))
		})

		It("moves the cursor with ESC l and ESC [, sets modes, cursor and brightness", func() {
			m.Feed([]byte("\x1bl\x14\x02"))
			Expect(cursor(m)).To(Equal([2]int{20, 2}))
			m.Feed([]byte("\x1b[L"))
			Expect(cursor(m)).To(Equal([2]int{1, 2}))
			m.Feed([]byte("\x1b[A\x1b[R"))
			Expect(cursor(m)).To(Equal([2]int{20, 1}))
			m.Feed([]byte("\x1b[D\x1b[K"))
			Expect(cursor(m)).To(Equal([2]int{1, 2}))
			m.Feed([]byte("\x1b\x12"))
			Expect(m.Mode()).To(Equal(custdisplay.ModeVertical))
			m.Feed([]byte("\x1b\x13"))
			Expect(m.Mode()).To(Equal(custdisplay.ModeHorizontal))
			m.Feed([]byte("\x1b_\x00\x1b*\x01"))
			Expect(m.CursorVisible()).To(BeFalse())
			Expect(m.Brightness()).To(Equal(1))
			m.Feed([]byte("\x1bl\x15\x01"))
			Expect(m.Stats().Ignored).To(Equal(int64(1)))
		})
	})

	Describe("events", func() {
		It("publishes one update per Feed that changed something, with the lines", func() {
			m, bus := newDisplay(20, 2)
			m.Feed([]byte("HELLO" + at(1, 2) + "WORLD"))
			m.Feed([]byte("\x1f\x43\x01"))
			m.Feed([]byte("\x1f\x58\x02"))
			evs := bus.Since(0)
			Expect(evs).To(HaveLen(2), "showing an already shown cursor changes nothing")
			Expect(evs[0].Device).To(Equal("custdisplay"))
			Expect(evs[0].Kind).To(Equal("update"))
			Expect(evs[0].Detail).To(HaveKeyWithValue("lines", []string{"HELLO", "WORLD"}))
			Expect(evs[0].Detail).To(HaveKeyWithValue("cursor", []int{6, 2}))
			Expect(evs[1].Detail).To(HaveKeyWithValue("brightness", 2))
		})
	})

	It("is safe to feed and read from several goroutines", func() {
		m, _ := newDisplay(20, 2)
		var wg sync.WaitGroup
		for i := range 4 {
			wg.Go(func() {
				for range 200 {
					m.Feed([]byte(strings.Repeat(string(rune('a'+i)), 3) + "\x1f\x24\x01\x02"))
					_ = m.Lines()
					_, _ = m.Cursor()
				}
			})
		}
		wg.Wait()
		Expect(m.Stats().Bytes).To(Equal(int64(4 * 200 * 7)))
	})
})
