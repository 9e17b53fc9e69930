package usbprinter_test

import (
	"context"
	"sync"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/posemu/posemu/emulator/events"
	"github.com/posemu/posemu/emulator/usbip"
	"github.com/posemu/posemu/emulator/usbprinter"
	"github.com/posemu/posemu/profile"
)

var _ = Describe("the USB printer", func() {
	var (
		p      *usbprinter.Printer
		mu     sync.Mutex
		fed    []byte
		cond   usbprinter.Condition
		resets int
		bus    *events.Bus
		out    usbip.OutHandler
		in     usbip.InHandler
	)
	BeforeEach(func() {
		fed, resets = nil, 0
		cond = usbprinter.Condition{Selected: true}
		bus = events.NewBus(100, nil)
		p = usbprinter.New(usbprinter.Config{
			USB:       profile.Default().Printer.USB,
			Feed:      func(b []byte) { mu.Lock(); fed = append(fed, b...); mu.Unlock() },
			Condition: func() usbprinter.Condition { return cond },
			SoftReset: func() { resets++ },
			Bus:       bus,
		})
		d := p.Descriptor()
		Expect(d.Interfaces).To(HaveLen(1))
		for _, ep := range d.Interfaces[0].Endpoints {
			if ep.Out != nil {
				out = ep.Out
			} else {
				in = ep.In
			}
		}
		p.Imported()
	})

	It("is a bidirectional printer-class interface with the profile's identity", func() {
		d := p.Descriptor()
		Expect([]uint16{d.VendorID, d.ProductID}).To(Equal([]uint16{0x04b8, 0x0202}))
		Expect(d.Manufacturer).To(Equal("EPSON"))
		Expect(d.Serial).To(Equal("POSEMU0001"))
		i := d.Interfaces[0]
		Expect([]uint8{i.Class, i.SubClass, i.Protocol}).To(Equal([]uint8{7, 1, 2}))
		Expect(i.Endpoints[0].Address).To(Equal(uint8(0x01)))
		Expect(i.Endpoints[1].Address).To(Equal(uint8(0x82)))
	})

	It("answers GET_DEVICE_ID with a big-endian length that counts itself", func() {
		b, err := p.Control(context.Background(), usbip.Setup{RequestType: 0xa1, Request: 0, Index: 0x0000, Length: 1024}, nil)
		Expect(err).NotTo(HaveOccurred())
		id := profile.Default().Printer.USB.DeviceID
		Expect(int(b[0])<<8 | int(b[1])).To(Equal(len(id) + 2))
		Expect(string(b[2:])).To(Equal(id))
		_, err = p.Control(context.Background(), usbip.Setup{RequestType: 0xa1, Request: 0, Index: 0x0100, Length: 1024}, nil)
		Expect(err).To(MatchError(usbip.ErrStall), "interface 1 does not exist")
	})

	DescribeTable("answers GET_PORT_STATUS from the printer's condition",
		func(c usbprinter.Condition, want byte) {
			cond = c
			b, err := p.Control(context.Background(), usbip.Setup{RequestType: 0xa1, Request: 1, Length: 1}, nil)
			Expect(err).NotTo(HaveOccurred())
			Expect(b).To(Equal([]byte{want}))
		},
		Entry("ready", usbprinter.Condition{Selected: true}, byte(0x18)),
		Entry("paper out", usbprinter.Condition{PaperEmpty: true, Error: true}, byte(0x20)),
		Entry("cover open, online", usbprinter.Condition{Selected: true, Error: true}, byte(0x10)),
	)

	It("feeds bulk OUT to the printer and queues its replies for bulk IN", func() {
		n, err := out(context.Background(), []byte{0x10, 0x04, 0x01})
		Expect(err).NotTo(HaveOccurred())
		Expect(n).To(Equal(3))
		Expect(fed).To(Equal([]byte{0x10, 0x04, 0x01}))
		_, err = p.Write([]byte{0x12, 0x13})
		Expect(err).NotTo(HaveOccurred())
		b, err := in(context.Background(), 1)
		Expect(err).NotTo(HaveOccurred())
		Expect(b).To(Equal([]byte{0x12}))
		b, err = in(context.Background(), 64)
		Expect(err).NotTo(HaveOccurred())
		Expect(b).To(Equal([]byte{0x13}))
	})

	It("keeps a bulk IN waiting until the printer writes, or until it is cancelled", func() {
		got := make(chan []byte, 1)
		go func() {
			b, _ := in(context.Background(), 64)
			got <- b
		}()
		Consistently(got, 30*time.Millisecond).ShouldNot(Receive())
		p.Write([]byte("ASB!"))
		Eventually(got).Should(Receive(Equal([]byte("ASB!"))))

		ctx, cancel := context.WithCancel(context.Background())
		errc := make(chan error, 1)
		go func() { _, err := in(ctx, 64); errc <- err }()
		cancel()
		Eventually(errc).Should(Receive(MatchError(context.Canceled)))
	})

	It("flushes the IN queue on SOFT_RESET (either recipient) and tells the printer", func() {
		p.Write([]byte{1, 2, 3})
		for _, rt := range []uint8{0x21, 0x23} {
			_, err := p.Control(context.Background(), usbip.Setup{RequestType: rt, Request: 2}, nil)
			Expect(err).NotTo(HaveOccurred())
		}
		Expect(p.Queued()).To(BeZero())
		Expect(resets).To(Equal(2))
		kinds := []string{}
		for _, e := range bus.Since(0) {
			kinds = append(kinds, e.Kind)
		}
		Expect(kinds).To(Equal([]string{"imported", "soft_reset", "soft_reset"}))
	})

	It("drops replies while no host holds it, and starts empty on the next import", func() {
		p.Write([]byte{9})
		p.Released()
		_, err := p.Write([]byte{1})
		Expect(err).To(MatchError(usbprinter.ErrNoHost))
		p.Imported()
		Expect(p.Queued()).To(BeZero())
	})

	It("refuses to hoard more than MaxQueued bytes", func() {
		_, err := p.Write(make([]byte, usbprinter.MaxQueued))
		Expect(err).NotTo(HaveOccurred())
		_, err = p.Write([]byte{1})
		Expect(err).To(MatchError(usbprinter.ErrQueueFull))
	})

	It("stalls requests it does not know", func() {
		_, err := p.Control(context.Background(), usbip.Setup{RequestType: 0xc0, Request: 1}, nil)
		Expect(err).To(MatchError(usbip.ErrStall))
		_, err = p.Control(context.Background(), usbip.Setup{RequestType: 0xa1, Request: 9}, nil)
		Expect(err).To(MatchError(usbip.ErrStall))
	})
})
