package hw

import (
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/posemu/posemu/clock"
)

var _ = Describe("the keypad driver's clock", func() {
	It("stamps with the application's clock but waits on the wall clock, so a reopen back-off ends on a virtual clock", func() {
		start := time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)
		c := ioClock{stamp: clock.NewVirtual(start)}
		Expect(c.Now()).To(Equal(start))
		Eventually(c.After(10 * time.Millisecond)).Should(Receive())
		t := c.NewTimer(10 * time.Millisecond)
		Eventually(t.C()).Should(Receive())
		Expect(c.Now()).To(Equal(start), "the virtual clock did not move")
	})
})
