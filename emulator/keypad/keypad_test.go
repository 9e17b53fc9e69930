package keypad_test

import (
	"bytes"
	"errors"
	"sync"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/posemu/posemu/emulator/events"
	"github.com/posemu/posemu/emulator/keypad"
	"github.com/posemu/posemu/profile"
)

// host records each write separately, so tests can see one write per key.
type host struct {
	mu     sync.Mutex
	writes [][]byte
	err    error
}

func (h *host) Write(p []byte) (int, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.err != nil {
		return 0, h.err
	}
	h.writes = append(h.writes, append([]byte(nil), p...))
	return len(p), nil
}

func (h *host) all() []byte {
	h.mu.Lock()
	defer h.mu.Unlock()
	return bytes.Join(h.writes, nil)
}

var _ = Describe("keypad model", func() {
	var (
		h   *host
		bus *events.Bus
		m   *keypad.Model
	)
	BeforeEach(func() {
		h = &host{}
		bus = events.NewBus(0, nil)
		m = keypad.New(profile.Default().Keypad, h, bus)
	})

	DescribeTable("sends the default profile's code for each key",
		func(name string, code byte) {
			Expect(m.Press(name)).To(Succeed())
			Expect(h.writes).To(Equal([][]byte{{code}}))
			evs := bus.Since(0)
			Expect(evs).To(HaveLen(1))
			Expect(evs[0].Device).To(Equal("keypad"))
			Expect(evs[0].Kind).To(Equal("key"))
			Expect(evs[0].Detail).To(Equal(map[string]any{"key": name, "code": int(code)}))
		},
		Entry(nil, "0", byte(0x30)), Entry(nil, "1", byte(0x31)), Entry(nil, "2", byte(0x32)),
		Entry(nil, "3", byte(0x33)), Entry(nil, "4", byte(0x34)), Entry(nil, "5", byte(0x35)),
		Entry(nil, "6", byte(0x36)), Entry(nil, "7", byte(0x37)), Entry(nil, "8", byte(0x38)),
		Entry(nil, "9", byte(0x39)), Entry(nil, ".", byte(0x2E)), Entry(nil, "00", byte(0x3A)),
		Entry(nil, "ENTER", byte(0x0D)), Entry(nil, "CANCEL", byte(0x1B)), Entry(nil, "CLEAR", byte(0x08)),
		Entry(nil, "BACKSPACE", byte(0x1C)), Entry(nil, "ALPHA", byte(0x07)), Entry(nil, "UP", byte(0x05)),
		Entry(nil, "DOWN", byte(0x06)), Entry(nil, "FN", byte(0x15)), Entry(nil, "MENU", byte(0x14)),
	)

	It("covers every key of the default profile in the table above", func() {
		Expect(m.Keys()).To(HaveLen(21))
	})

	It("writes one byte per key, in order, names case-insensitive", func() {
		Expect(m.Press("1", "2", ".", "5", "0", "enter")).To(Succeed())
		Expect(h.writes).To(Equal([][]byte{{0x31}, {0x32}, {0x2E}, {0x35}, {0x30}, {0x0D}}))
		Expect(bus.Since(0)[5].Detail["key"]).To(Equal("ENTER"), "events carry the profile's spelling")
		Expect(m.Pressed()).To(BeEquivalentTo(6))
	})

	It("refuses an unknown key name, lists the valid ones, and sends nothing", func() {
		err := m.Press("1", "OK", "ENTER")
		Expect(err).To(MatchError(And(ContainSubstring(`unknown key "OK"`), ContainSubstring("ENTER"), ContainSubstring("MENU"))))
		Expect(h.all()).To(BeEmpty())
		Expect(bus.Since(0)).To(BeEmpty())
	})

	It("refuses an empty press", func() {
		Expect(m.Press()).NotTo(Succeed())
	})

	It("returns the host's write error (unplugged) and publishes no key", func() {
		h.err = errors.New("keypad: device unplugged")
		Expect(m.Press("5")).To(MatchError(ContainSubstring("device unplugged")))
		Expect(bus.Since(0)).To(BeEmpty())
		Expect(m.Pressed()).To(BeZero())
	})

	It("counts bytes from the host and otherwise ignores them", func() {
		m.Feed([]byte("AT\r"))
		m.Feed([]byte{0})
		Expect(m.Fed()).To(BeEquivalentTo(4))
		Expect(h.all()).To(BeEmpty())
	})

	It("keeps each Press together when goroutines press at once", func() {
		var wg sync.WaitGroup
		for _, seq := range [][]string{{"1", "1", "1"}, {"2", "2", "2"}} {
			wg.Add(1)
			go func() { defer wg.Done(); Expect(m.Press(seq...)).To(Succeed()) }()
		}
		wg.Wait()
		Expect(string(h.all())).To(BeElementOf("111222", "222111"))
	})

	It("works with a nil bus", func() {
		m = keypad.New(profile.Default().Keypad, h, nil)
		Expect(m.Press("9")).To(Succeed())
		Expect(h.all()).To(Equal([]byte{0x39}))
	})

	It("presses a typed sequence", func() {
		Expect(m.PressSequence("12.50 00 ENTER")).To(Succeed())
		Expect(h.all()).To(Equal([]byte{0x31, 0x32, 0x2E, 0x35, 0x30, 0x3A, 0x0D}))
		Expect(m.PressSequence("1 NOPE")).To(MatchError(ContainSubstring(`unknown key "NOPE"`)))
	})

	It("stamps key events with the bus clock", func() {
		at := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
		bus = events.NewBus(0, func() time.Time { return at })
		m = keypad.New(profile.Default().Keypad, h, bus)
		Expect(m.Press("1")).To(Succeed())
		Expect(bus.Since(0)[0].Time).To(Equal(at))
	})
})

var _ = DescribeTable("ParseSequence",
	func(in string, want []string) {
		got, err := keypad.ParseSequence(in)
		Expect(err).NotTo(HaveOccurred())
		Expect(got).To(Equal(want))
	},
	Entry("an amount", "12.50", []string{"1", "2", ".", "5", "0"}),
	Entry("an amount and ENTER", "12.50 ENTER", []string{"1", "2", ".", "5", "0", "ENTER"}),
	Entry("the 00 key", "1 00 ENTER", []string{"1", "00", "ENTER"}),
	Entry("digits that are not the 00 key", "100", []string{"1", "0", "0"}),
	Entry("names kept as typed, extra spaces ignored", "  cancel   CLEAR ", []string{"cancel", "CLEAR"}),
	Entry("a lone dot", ".", []string{"."}),
)

var _ = It("ParseSequence refuses a sequence with no keys", func() {
	_, err := keypad.ParseSequence("   ")
	Expect(err).To(MatchError(ContainSubstring("no keys")))
})
