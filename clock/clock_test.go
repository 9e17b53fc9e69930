package clock_test

import (
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/posemu/posemu/clock"
)

var _ = Describe("the virtual clock", func() {
	start := time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)

	It("stands still until advanced", func() {
		v := clock.NewVirtual(start)
		Expect(v.Now()).To(Equal(start))
		v.Advance(30 * time.Second)
		Expect(v.Now()).To(Equal(start.Add(30 * time.Second)))
	})

	It("fires timers in deadline order, each at its own time", func() {
		v := clock.NewVirtual(start)
		late := v.After(5 * time.Second)
		early := v.After(2 * time.Second)
		Consistently(early).ShouldNot(Receive())
		v.Advance(2 * time.Second)
		Expect(early).To(Receive(Equal(start.Add(2 * time.Second))))
		Expect(late).NotTo(Receive())
		v.Advance(10 * time.Second)
		Expect(late).To(Receive(Equal(start.Add(5 * time.Second))))
		Expect(v.Now()).To(Equal(start.Add(12 * time.Second)))
	})

	It("does not fire a stopped timer, and re-arms on reset", func() {
		v := clock.NewVirtual(start)
		t := v.NewTimer(time.Second)
		Expect(t.Stop()).To(BeTrue())
		Expect(t.Stop()).To(BeFalse())
		v.Advance(2 * time.Second)
		Expect(t.C()).NotTo(Receive())
		Expect(t.Reset(time.Second)).To(BeFalse())
		Expect(v.Waiters()).To(Equal(1))
		v.Advance(time.Second)
		Expect(t.C()).To(Receive())
	})

	It("wakes a sleeper only when a test advances past its wake time", func() {
		v := clock.NewVirtual(start)
		woke := make(chan time.Time)
		go func() { v.Sleep(30 * time.Second); woke <- v.Now() }()
		Expect(v.WaitForWaiters(1, nil)).To(BeTrue())
		v.Advance(29 * time.Second)
		Consistently(woke, "20ms").ShouldNot(Receive())
		v.Advance(time.Second)
		Eventually(woke).Should(Receive(Equal(start.Add(30 * time.Second))))
	})

	It("reports its next deadline", func() {
		v := clock.NewVirtual(start)
		_, ok := v.NextDeadline()
		Expect(ok).To(BeFalse())
		v.NewTimer(3 * time.Second)
		v.NewTimer(time.Second)
		d, ok := v.NextDeadline()
		Expect(ok).To(BeTrue())
		Expect(d).To(Equal(start.Add(time.Second)))
	})
})

var _ = Describe("the real clock", func() {
	It("moves forward and its timers fire", func() {
		c := clock.Real()
		before := c.Now()
		Eventually(c.After(time.Millisecond)).Should(Receive())
		Expect(c.Now().After(before)).To(BeTrue())
	})
})
