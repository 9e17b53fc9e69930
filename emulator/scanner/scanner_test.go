package scanner_test

import (
	"errors"
	"strings"
	"sync"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/posemu/posemu/emulator/events"
	"github.com/posemu/posemu/emulator/scanner"
	"github.com/posemu/posemu/profile"
)

type host struct {
	mu     sync.Mutex
	writes []string
	err    error
}

func (h *host) Write(p []byte) (int, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.err != nil {
		return 0, h.err
	}
	h.writes = append(h.writes, string(p))
	return len(p), nil
}

var _ = Describe("scanner model", func() {
	var (
		h   *host
		bus *events.Bus
		p   profile.Scanner
	)
	BeforeEach(func() {
		h = &host{}
		bus = events.NewBus(0, nil)
		p = profile.Default().Scanner
	})

	It("sends code and CR in one write with the default profile, and publishes the scan", func() {
		m := scanner.New(p, h, bus)
		Expect(m.Scan("281234567890123456")).To(Succeed())
		Expect(h.writes).To(Equal([]string{"281234567890123456\r"}))
		evs := bus.Since(0)
		Expect(evs).To(HaveLen(1))
		Expect(evs[0].Device).To(Equal("scanner"))
		Expect(evs[0].Kind).To(Equal("scan"))
		Expect(evs[0].Detail).To(Equal(map[string]any{"code": "281234567890123456", "length": 18}))
		Expect(m.Scanned()).To(BeEquivalentTo(1))
	})

	It("frames with prefix, AIM identifier and CRLF when the profile says so", func() {
		p.Prefix, p.AIM, p.Suffix = "S:", true, "\r\n"
		m := scanner.New(p, h, nil)
		Expect(m.Scan("ABC-123")).To(Succeed())
		Expect(h.writes).To(Equal([]string{"S:]Q1ABC-123\r\n"}))
	})

	It("accepts a code of exactly max_length and refuses one byte more", func() {
		p.MaxLength = 10
		m := scanner.New(p, h, bus)
		Expect(m.Scan(strings.Repeat("7", 10))).To(Succeed())
		Expect(m.Scan(strings.Repeat("7", 11))).To(MatchError(ContainSubstring("longer than the profile's max_length 10")))
		Expect(h.writes).To(HaveLen(1))
	})

	DescribeTable("refuses codes a scanner could not send, sending nothing",
		func(code, msg string) {
			m := scanner.New(p, h, bus)
			Expect(m.Scan(code)).To(MatchError(ContainSubstring(msg)))
			Expect(h.writes).To(BeEmpty())
			Expect(bus.Since(0)).To(BeEmpty())
		},
		Entry("empty", "", "empty code"),
		Entry("a CR inside", "12\r34", "non-printable byte 0x0D at offset 2"),
		Entry("a control byte", "\x00", "non-printable byte 0x00"),
		Entry("non-ASCII", "付款码", "non-printable byte 0xE4"),
	)

	It("returns the host's write error and publishes nothing", func() {
		h.err = errors.New("scanner: device unplugged")
		m := scanner.New(p, h, bus)
		Expect(m.Scan("123")).To(MatchError(ContainSubstring("device unplugged")))
		Expect(bus.Since(0)).To(BeEmpty())
	})

	It("uses 128 when the profile has no max_length", func() {
		p.MaxLength = 0
		m := scanner.New(p, h, nil)
		Expect(m.Profile().MaxLength).To(Equal(128))
		Expect(m.Scan(strings.Repeat("1", 128))).To(Succeed())
	})

	It("counts and ignores bytes from the host", func() {
		m := scanner.New(p, h, nil)
		m.Feed([]byte{0x16, 0x54, 0x0D})
		Expect(m.Fed()).To(BeEquivalentTo(3))
		Expect(h.writes).To(BeEmpty())
	})
})
