package custdisplay_test

// End to end: driver → real pty → emulator model. Only this external test
// package imports the emulator; the driver package itself never does.

import (
	"errors"
	"os"
	"strings"
	"syscall"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/posemu/posemu/drivers/custdisplay"
	"github.com/posemu/posemu/drivers/port"
	emu "github.com/posemu/posemu/emulator/custdisplay"
	"github.com/posemu/posemu/emulator/events"
	"github.com/posemu/posemu/emulator/ptydev"
	"github.com/posemu/posemu/profile"
)

var _ = Describe("driver to model over a pty", func() {
	for _, set := range []string{custdisplay.DMD, custdisplay.CD5220} {
		Context("with the "+set+" command set", func() {
			var (
				model *emu.Model
				bus   *events.Bus
				dev   *ptydev.Device
				p     port.Port
				drv   *custdisplay.Display
			)
			BeforeEach(func() {
				bus = events.NewBus(1024, time.Now)
				model = emu.New(profile.CustDisplay{Columns: 20, Rows: 2, CommandSet: set, Baud: 9600}, bus)
				var err error
				dev, err = ptydev.New("custdisplay", GinkgoT().TempDir(), model.Feed)
				Expect(err).NotTo(HaveOccurred())
				DeferCleanup(dev.Close)
				p, err = port.Open(dev.Link())
				Expect(err).NotTo(HaveOccurred())
				DeferCleanup(p.Close)
				drv = custdisplay.New(p, custdisplay.Config{Columns: 20, Rows: 2, CommandSet: set})
				Expect(drv.Init()).To(Succeed())
			})

			It("shows two lines, then replaces them completely", func() {
				Expect(drv.Show("WELCOME", "HAVE A NICE DAY")).To(Succeed())
				Eventually(model.Lines).Should(Equal([]string{"WELCOME", "HAVE A NICE DAY"}))
				Expect(drv.Show("NEXT", "")).To(Succeed())
				Eventually(model.Lines).Should(Equal([]string{"NEXT", ""}))
				Expect(model.Stats().DecodeErrors).To(BeZero())
				Expect(model.Mode()).To(Equal(emu.ModeOverwrite))
			})

			It("shows an amount right-aligned under its label", func() {
				Expect(drv.ShowAmount("TOTAL", 1250)).To(Succeed())
				Eventually(model.Lines).Should(Equal([]string{"TOTAL", strings.Repeat(" ", 11) + "CNY 12.50"}))
				Expect(drv.ShowAmount("CHANGE", -5)).To(Succeed())
				Eventually(model.Lines).Should(Equal([]string{"CHANGE", strings.Repeat(" ", 11) + "CNY -0.05"}))
				Expect(model.Stats().DecodeErrors).To(BeZero())
			})

			It("shows CJK as '?' cells, keeping the columns", func() {
				Expect(drv.Show("合计 TOTAL", "")).To(Succeed())
				Eventually(model.Lines).Should(Equal([]string{"?? TOTAL", ""}))
			})

			It("sets cursor, cursor display, brightness and the lamp", func() {
				Expect(drv.SetCursor(5, 2)).To(Succeed())
				Expect(drv.ShowCursor(false)).To(Succeed())
				Expect(drv.SetBrightness(2)).To(Succeed())
				Expect(drv.SetLamp(custdisplay.LampPaid)).To(Succeed())
				Eventually(model.Lamp).Should(Equal(emu.LampPaid))
				col, row := model.Cursor()
				Expect([]int{col, row}).To(Equal([]int{5, 2}))
				Expect(model.CursorVisible()).To(BeFalse())
				Expect(model.Brightness()).To(Equal(2))
				Expect(drv.Clear()).To(Succeed())
				Eventually(func() [2]int { c, r := model.Cursor(); return [2]int{c, r} }).Should(Equal([2]int{1, 1}))
				Expect(model.Stats().DecodeErrors).To(BeZero())
			})

			It("publishes what the customer sees on the event bus", func() {
				Expect(drv.Show("PAID", "THANK YOU")).To(Succeed())
				Eventually(func() any {
					evs := bus.Since(0)
					if len(evs) == 0 {
						return nil
					}
					return evs[len(evs)-1].Detail["lines"]
				}).Should(Equal([]string{"PAID", "THANK YOU"}))
			})

			It("says where a write failed, and marks an unplugged display as disconnected", func() {
				Expect(dev.Unplug()).To(Succeed())
				var err error
				Eventually(func() error { err = drv.Clear(); return err }).Should(MatchError(port.ErrDisconnected))
				Expect(err).To(MatchError(ContainSubstring("custdisplay " + dev.Link() + ": clear")))
				Expect(errors.Is(err, syscall.EIO)).To(BeTrue())
			})

			It("reports a port the caller closed as closed, not as a disconnect", func() {
				Expect(p.Close()).To(Succeed())
				err := drv.Clear()
				Expect(err).To(MatchError(os.ErrClosed))
				Expect(errors.Is(err, port.ErrDisconnected)).To(BeFalse())
			})
		})
	}
})
