package integration_test

import (
	"context"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/posemu/posemu/drivers/custdisplay"
	"github.com/posemu/posemu/drivers/keypad"
	"github.com/posemu/posemu/drivers/port"
	"github.com/posemu/posemu/drivers/scanner"
	"github.com/posemu/posemu/emulator"
	"github.com/posemu/posemu/profile"
)

var _ = Describe("the virtual terminal's serial peripherals", Label("integration"), func() {
	var r *rig
	BeforeEach(func() { r = startRig(GinkgoT().TempDir()) })

	open := func(name string) port.Port {
		p, err := port.Open(r.link(name))
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(p.Close)
		return p
	}

	Describe("the keypad", func() {
		var kp *keypad.Keypad
		BeforeEach(func() {
			link := r.link(emulator.Keypad)
			kp = keypad.New(open(emulator.Keypad), profile.Default().Keypad.Keys, keypad.Config{Reopen: port.Reopener(link)})
			DeferCleanup(kp.Close)
		})

		next := func() keypad.Event {
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			ev, err := kp.Next(ctx)
			Expect(err).NotTo(HaveOccurred())
			return ev
		}

		It("delivers keys pressed through the control API, in order, by name", func() {
			status, body := r.post("/api/v1/keypad/press", map[string]any{"keys": []string{"1", "2", ".", "5", "ENTER"}})
			Expect(status).To(Equal(200), body)
			var got []string
			for range 5 {
				ev := next()
				Expect(ev.Kind).To(Equal(keypad.KeyPress))
				got = append(got, ev.Key)
			}
			Expect(got).To(Equal([]string{"1", "2", ".", "5", "ENTER"}))
		})

		It("reports an unplug, and recovers after the replug", func() {
			status, body := r.post("/api/v1/devices/keypad/unplug", nil)
			Expect(status).To(Equal(200), body)
			ev := next()
			Expect(ev.Kind).To(Equal(keypad.Disconnected))
			Expect(ev.Err).To(MatchError(port.ErrDisconnected))

			status, body = r.post("/api/v1/keypad/press", map[string]any{"keys": []string{"1"}})
			Expect(status).To(Equal(409), "a press on an unplugged keypad must be refused: %s", body)

			status, body = r.post("/api/v1/devices/keypad/replug", nil)
			Expect(status).To(Equal(200), body)
			Expect(next().Kind).To(Equal(keypad.Reconnected))

			r.post("/api/v1/keypad/press", map[string]any{"keys": []string{"MENU"}})
			ev = next()
			Expect(ev.Kind).To(Equal(keypad.KeyPress))
			Expect(ev.Key).To(Equal("MENU"))
			Expect(kp.Stats().Disconnects).To(Equal(uint64(1)))
		})
	})

	Describe("the scanner", func() {
		It("returns the whole payment code the emulated scanner read, without its CR", func() {
			sc := scanner.New(open(emulator.Scanner), scanner.Config{})
			DeferCleanup(sc.Close)
			status, body := r.post("/api/v1/scanner/scan", map[string]any{"code": "286612345678901234"})
			Expect(status).To(Equal(200), body)
			code, err := sc.ReadTimeout(5 * time.Second)
			Expect(err).NotTo(HaveOccurred())
			Expect(code).To(Equal("286612345678901234"))
		})
	})

	Describe("the customer display", func() {
		It("shows what the driver writes, as the control API reads it", func() {
			d := custdisplay.New(open(emulator.CustDisplay), custdisplay.Config{})
			Expect(d.Init()).To(Succeed())
			Expect(d.ShowAmount("TOTAL", 1250)).To(Succeed())
			var shown struct{ Lines []string }
			Eventually(func() []string {
				r.getJSON("/api/v1/custdisplay", &shown)
				return shown.Lines
			}).Should(Equal([]string{"TOTAL", "           CNY 12.50"}))
		})
	})

	Describe("the printer port", func() {
		It("answers a real-time status request as a ready printer", func() {
			p := open(emulator.Printer)
			_, err := p.Write([]byte{0x1B, 0x40, 0x10, 0x04, 0x01})
			Expect(err).NotTo(HaveOccurred())
			Expect(p.SetReadDeadline(time.Now().Add(5 * time.Second))).To(Succeed())
			b := make([]byte, 1)
			_, err = p.Read(b)
			Expect(err).NotTo(HaveOccurred())
			Expect(b[0]).To(Equal(byte(0x12)))
		})
	})
})
