package scanner_test

import (
	"context"
	"log/slog"
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/posemu/posemu/drivers/port"
	"github.com/posemu/posemu/drivers/scanner"
	"github.com/posemu/posemu/profile"
)

const alipayCode = "281234567890123456"

var _ = Describe("scanner driver on a pty", func() {
	var (
		dir    string
		prof   profile.Scanner
		cfg    scanner.Config
		reopen bool // reopen the rig's link after an unplug
		r      *rig
		sc     *scanner.Scanner
	)
	BeforeEach(func() {
		dir = GinkgoT().TempDir()
		prof = profile.Default().Scanner
		cfg = scanner.Config{Logger: slog.New(slog.DiscardHandler)}
		reopen = false
	})
	start := func() {
		var err error
		r, err = newRig(dir, prof)
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(r.dev.Close)
		if reopen {
			cfg.Reopen = port.Reopener(r.dev.Link())
		}
		p, err := port.Open(r.dev.Link())
		Expect(err).NotTo(HaveOccurred())
		sc = scanner.New(p, cfg)
		DeferCleanup(sc.Close)
	}
	read := func() (string, error) { return sc.ReadTimeout(5 * time.Second) }

	It("returns a code whole, without the CR", func() {
		start()
		Expect(r.model.Scan(alipayCode)).To(Succeed())
		Expect(read()).To(Equal(alipayCode))
		Expect(sc.Stats().Codes).To(BeEquivalentTo(1))
	})

	It("returns several codes that arrived in one read one by one", func() {
		start()
		_, err := r.dev.Write([]byte("111\r222\r333\r"))
		Expect(err).NotTo(HaveOccurred())
		Expect(read()).To(Equal("111"))
		Expect(read()).To(Equal("222"))
		Expect(read()).To(Equal("333"))
	})

	It("frames CRLF codes", func() {
		prof.Suffix, cfg.Suffix = "\r\n", "\r\n"
		start()
		Expect(r.model.Scan(alipayCode)).To(Succeed())
		Expect(r.model.Scan("134567890123456789")).To(Succeed())
		Expect(read()).To(Equal(alipayCode))
		Expect(read()).To(Equal("134567890123456789"))
	})

	It("copes with a CRLF scanner when CR was configured", func() {
		prof.Suffix = "\r\n"
		start()
		Expect(r.model.Scan("A1")).To(Succeed())
		Expect(r.model.Scan("B2")).To(Succeed())
		Expect(read()).To(Equal("A1"))
		Expect(read()).To(Equal("B2"))
	})

	It("strips the configured prefix and the AIM identifier", func() {
		prof.Prefix, prof.AIM = "SC", true
		cfg.Prefix, cfg.AIM = "SC", true
		start()
		Expect(r.model.Scan(alipayCode)).To(Succeed())
		Expect(read()).To(Equal(alipayCode))
		_, err := r.dev.Write([]byte("]C0CODE128\r"))
		Expect(err).NotTo(HaveOccurred())
		Expect(read()).To(Equal("CODE128"))
	})

	It("refuses a code longer than MaxLength and still reads the next one", func() {
		prof.MaxLength = 300
		cfg.MaxLength = 24
		start()
		Expect(r.model.Scan(strings.Repeat("9", 200))).To(Succeed())
		Expect(r.model.Scan(alipayCode)).To(Succeed())
		_, err := read()
		Expect(err).To(MatchError(scanner.ErrTooLong))
		Expect(err).To(MatchError(ContainSubstring("longer than 24 bytes")))
		Expect(read()).To(Equal(alipayCode))
		Expect(sc.Stats()).To(Equal(scanner.Stats{Codes: 1, TooLong: 1}))
	})

	It("accepts a code of exactly MaxLength", func() {
		cfg.MaxLength = 18
		start()
		Expect(r.model.Scan(alipayCode)).To(Succeed())
		Expect(read()).To(Equal(alipayCode))
	})

	It("discards an incomplete code after the inter-character timeout", func() {
		cfg.InterCharTimeout = 30 * time.Millisecond
		start()
		_, err := r.dev.Write([]byte("2812345"))
		Expect(err).NotTo(HaveOccurred())
		_, err = read()
		Expect(err).To(MatchError(scanner.ErrIncomplete))
		Expect(err).To(MatchError(ContainSubstring("7 bytes without a suffix")))
		Expect(r.model.Scan(alipayCode)).To(Succeed())
		Expect(read()).To(Equal(alipayCode), "the fragment must not prefix the next code")
		Expect(sc.Stats().Incomplete).To(BeEquivalentTo(1))
	})

	It("gives up when no code comes within Config.Timeout", func() {
		cfg.Timeout = 30 * time.Millisecond
		start()
		_, err := sc.Read(context.Background())
		Expect(err).To(MatchError(context.DeadlineExceeded))
	})

	It("returns when the context is cancelled", func() {
		start()
		ctx, cancel := context.WithCancel(context.Background())
		errc := make(chan error, 1)
		go func() { _, err := sc.Read(ctx); errc <- err }()
		cancel()
		Eventually(errc).WithTimeout(2 * time.Second).Should(Receive(MatchError(context.Canceled)))
	})

	It("reports an unplug and, with Reopen, reads again after the replug", func() {
		reopen = true
		start()
		Expect(r.model.Scan("1111")).To(Succeed())
		Expect(read()).To(Equal("1111"))

		Expect(r.dev.Unplug()).To(Succeed())
		_, err := read()
		Expect(err).To(MatchError(port.ErrDisconnected))

		got := make(chan string, 1)
		go func() {
			defer GinkgoRecover()
			code, err := read()
			Expect(err).NotTo(HaveOccurred())
			got <- code
		}()
		Expect(r.dev.Replug()).To(Succeed())
		Expect(r.model.Scan(alipayCode)).To(Succeed())
		Eventually(got).WithTimeout(5 * time.Second).Should(Receive(Equal(alipayCode)))
		Expect(sc.Stats()).To(Equal(scanner.Stats{Codes: 2, Disconnects: 1, Reconnects: 1}))
	})

	It("Close ends a Read that waits for the port to come back", func() {
		reopen = true
		start()
		Expect(r.dev.Unplug()).To(Succeed())
		_, err := read()
		Expect(err).To(MatchError(port.ErrDisconnected))
		errc := make(chan error, 1)
		go func() { _, err := sc.Read(context.Background()); errc <- err }()
		Expect(sc.Close()).To(Succeed())
		Eventually(errc).WithTimeout(2 * time.Second).Should(Receive(MatchError(scanner.ErrClosed)))
	})

	It("keeps reporting the disconnect without Reopen", func() {
		start()
		Expect(r.dev.Unplug()).To(Succeed())
		_, err := read()
		Expect(err).To(MatchError(port.ErrDisconnected))
		_, err = read()
		Expect(err).To(MatchError(port.ErrDisconnected))
	})

	It("Close ends a Read in progress with ErrClosed", func() {
		start()
		errc := make(chan error, 1)
		go func() { _, err := sc.Read(context.Background()); errc <- err }()
		Consistently(errc, 60*time.Millisecond).ShouldNot(Receive())
		Expect(sc.Close()).To(Succeed())
		Eventually(errc).WithTimeout(2 * time.Second).Should(Receive(MatchError(scanner.ErrClosed)))
		_, err := read()
		Expect(err).To(MatchError(scanner.ErrClosed))
		Expect(sc.Close()).To(Succeed())
	})
})
