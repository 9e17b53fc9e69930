package keypad_test

import (
	"context"
	"errors"
	"log/slog"
	"os"
	"sync/atomic"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/posemu/posemu/clock"
	"github.com/posemu/posemu/drivers/keypad"
	"github.com/posemu/posemu/drivers/port"
	"github.com/posemu/posemu/profile"
)

// nextEvent waits for one event, failing the spec instead of hanging.
func nextEvent(kp *keypad.Keypad) keypad.Event {
	GinkgoHelper()
	var e keypad.Event
	Eventually(kp.Events()).WithTimeout(5 * time.Second).Should(Receive(&e))
	return e
}

func keyNames(kp *keypad.Keypad, n int) []string {
	GinkgoHelper()
	var names []string
	for range n {
		e := nextEvent(kp)
		Expect(e.Kind).To(Equal(keypad.KeyPress), "got %v", e)
		names = append(names, e.Key)
	}
	return names
}

var _ = Describe("keypad driver on a pty", func() {
	var (
		r    *rig
		kp   *keypad.Keypad
		logs *syncBuffer
		cfg  keypad.Config
	)
	BeforeEach(func() {
		var err error
		r, err = newRig(GinkgoT().TempDir())
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(r.dev.Close)
		logs = &syncBuffer{}
		cfg = keypad.Config{
			Logger: slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug})),
			Reopen: port.Reopener(r.dev.Link()),
		}
	})
	start := func() {
		p, err := port.Open(r.dev.Link())
		Expect(err).NotTo(HaveOccurred())
		kp = keypad.New(p, profile.Default().Keypad.Keys, cfg)
		DeferCleanup(kp.Close)
	}

	It("delivers key presses in order, by name, with code, label and time", func() {
		start()
		before := time.Now()
		Expect(r.model.PressSequence("12.50 00 ENTER")).To(Succeed())
		Expect(keyNames(kp, 7)).To(Equal([]string{"1", "2", ".", "5", "0", "00", "ENTER"}))
		Expect(r.model.Press("CANCEL")).To(Succeed())
		e := nextEvent(kp)
		Expect(e.Code).To(Equal(byte(0x1B)))
		Expect(e.Label).To(Equal("取消"))
		Expect(e.Time).To(BeTemporally(">=", before))
		Expect(kp.Stats().Keys).To(BeEquivalentTo(8))
	})

	It("counts, logs and skips bytes outside the key map", func() {
		start()
		_, err := r.dev.Write([]byte{0xEE})
		Expect(err).NotTo(HaveOccurred())
		Expect(r.model.Press("7")).To(Succeed())
		_, err = r.dev.Write([]byte{0xFF, 0x00})
		Expect(err).NotTo(HaveOccurred())
		Expect(r.model.Press("8")).To(Succeed())
		Expect(keyNames(kp, 2)).To(Equal([]string{"7", "8"}))
		Expect(kp.Stats()).To(Equal(keypad.Stats{Keys: 2, Unknown: 3}))
		Expect(logs.String()).To(And(ContainSubstring("byte=0xEE"), ContainSubstring("byte=0xFF"), ContainSubstring("byte=0x00")))
	})

	It("reports an unplug, reconnects after the replug, and reads keys again", func() {
		start()
		Expect(r.model.Press("1")).To(Succeed())
		Expect(keyNames(kp, 1)).To(Equal([]string{"1"}))

		Expect(r.dev.Unplug()).To(Succeed())
		e := nextEvent(kp)
		Expect(e.Kind).To(Equal(keypad.Disconnected))
		Expect(e.Err).To(MatchError(port.ErrDisconnected))
		Expect(r.model.Press("2")).To(MatchError(ContainSubstring("unplugged")))

		Expect(r.dev.Replug()).To(Succeed())
		Expect(nextEvent(kp).Kind).To(Equal(keypad.Reconnected))
		Expect(r.model.Press("3", "ENTER")).To(Succeed())
		Expect(keyNames(kp, 2)).To(Equal([]string{"3", "ENTER"}))
		Expect(kp.Stats()).To(Equal(keypad.Stats{Keys: 3, Disconnects: 1, Reconnects: 1}))
	})

	It("ends the stream after an unplug when it cannot reopen", func() {
		cfg.Reopen = nil
		start()
		Expect(r.dev.Unplug()).To(Succeed())
		e, err := kp.Next(context.Background())
		Expect(err).NotTo(HaveOccurred())
		Expect(e.Kind).To(Equal(keypad.Disconnected))
		_, err = kp.Next(context.Background())
		Expect(err).To(MatchError(keypad.ErrClosed))
	})

	It("Next returns the context's error when no key comes", func() {
		start()
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
		defer cancel()
		_, err := kp.Next(ctx)
		Expect(err).To(MatchError(context.DeadlineExceeded))
	})

	It("Close stops the reader, even while it waits to reopen", func() {
		start()
		Expect(r.dev.Unplug()).To(Succeed())
		Expect(nextEvent(kp).Kind).To(Equal(keypad.Disconnected))
		Expect(kp.Close()).To(Succeed())
		Eventually(kp.Events()).Should(BeClosed())
		_, err := kp.Next(context.Background())
		Expect(err).To(MatchError(keypad.ErrClosed))
	})

	It("Close while reading closes the event stream", func() {
		start()
		Expect(kp.Close()).To(Succeed())
		Eventually(kp.Events()).Should(BeClosed())
		Expect(kp.Close()).To(Succeed(), "closing twice is harmless")
	})
})

// closedByUs reports whether p was closed on this side: a closed port's
// reads fail at once with os.ErrClosed.
func closedByUs(p port.Port) error {
	_, err := p.Read(make([]byte, 1))
	return err
}

var _ = Describe("keypad reopen backoff", func() {
	It("retries on the injected clock, doubling from 50 ms up to 1 s", func() {
		r, err := newRig(GinkgoT().TempDir())
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(r.dev.Close)
		dead, err := port.Open(r.dev.Link())
		Expect(err).NotTo(HaveOccurred())

		start := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
		vc := clock.NewVirtual(start)
		attempts := make(chan time.Time, 16)
		reopened := make(chan port.Port, 1)
		var fails atomic.Int32
		fails.Store(6)
		kp := keypad.New(dead, profile.Default().Keypad.Keys, keypad.Config{
			Clock:  vc,
			Logger: slog.New(slog.DiscardHandler),
			Reopen: func() (port.Port, error) {
				attempts <- vc.Now()
				if fails.Add(-1) >= 0 {
					return nil, errors.New("no such device")
				}
				p, err := port.Open(r.dev.Link())
				if err == nil {
					reopened <- p
				}
				return p, err
			},
		})
		DeferCleanup(kp.Close)

		Expect(r.dev.Unplug()).To(Succeed())
		e := nextEvent(kp)
		Expect(e.Kind).To(Equal(keypad.Disconnected))
		Expect(e.Err).To(MatchError(port.ErrDisconnected))
		Expect(e.Time).To(Equal(start))
		Expect(closedByUs(dead)).To(MatchError(os.ErrClosed), "the dead port is closed")
		Expect(r.dev.Replug()).To(Succeed())

		var got []time.Duration
		for range 7 {
			Expect(vc.WaitForWaiters(1, nil)).To(BeTrue())
			next, _ := vc.NextDeadline()
			vc.Set(next)
			var at time.Time
			Eventually(attempts).Should(Receive(&at))
			got = append(got, at.Sub(start))
		}
		ms := time.Millisecond
		Expect(got).To(Equal([]time.Duration{50 * ms, 150 * ms, 350 * ms, 750 * ms, 1550 * ms, 2550 * ms, 3550 * ms}))
		Expect(nextEvent(kp).Kind).To(Equal(keypad.Reconnected))
		Expect(kp.Address()).To(Equal(r.dev.Link()))
		var p port.Port
		Expect(reopened).To(Receive(&p))
		Expect(kp.Close()).To(Succeed())
		Expect(closedByUs(p)).To(MatchError(os.ErrClosed), "Close closes the reopened port")
	})
})
