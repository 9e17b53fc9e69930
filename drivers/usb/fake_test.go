package usb_test

import (
	"context"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/posemu/posemu/drivers/usb"
)

var _ = Describe("the fake device", func() {
	It("is a printer that answers the class requests and records bulk OUT", func() {
		f := usb.NewFakePrinter(0x04b8, 0x0202, "MFG:X;CMD:ESC/POS;")
		ctx := context.Background()
		pi, err := usb.FindPrinter(f.Info().Config)
		Expect(err).NotTo(HaveOccurred())
		Expect(usb.DeviceID(ctx, f, pi)).To(Equal("MFG:X;CMD:ESC/POS;"))
		Expect(usb.PortStatus(ctx, f, pi)).To(Equal(byte(0x18)))
		Expect(usb.SoftReset(ctx, f, pi)).To(Succeed())
		f.OnBulkOut(func(ep uint8, data []byte) { f.Queue(0x82, []byte{0x12}) })
		_, err = f.BulkOut(ctx, 0x01, []byte{0x10, 0x04, 0x01})
		Expect(err).NotTo(HaveOccurred())
		Expect(f.Written(0x01)).To(Equal([]byte{0x10, 0x04, 0x01}))
		buf := make([]byte, 8)
		n, err := f.BulkIn(ctx, 0x82, buf)
		Expect(err).NotTo(HaveOccurred())
		Expect(buf[:n]).To(Equal([]byte{0x12}))
	})

	It("times out, unplugs and closes like a device", func() {
		f := usb.NewFakePrinter(1, 2, "MFG:X;CMD:Y;")
		tctx, cancel := context.WithTimeout(context.Background(), 10*time.Millisecond)
		defer cancel()
		_, err := f.BulkIn(tctx, 0x82, make([]byte, 8))
		Expect(err).To(MatchError(context.DeadlineExceeded))
		errc := make(chan error, 1)
		go func() { _, err := f.BulkIn(context.Background(), 0x82, make([]byte, 8)); errc <- err }()
		f.Unplug()
		Eventually(errc).Should(Receive(MatchError(usb.ErrDisconnected)))
		Expect(f.Close()).To(Succeed())
		_, err = f.BulkOut(context.Background(), 1, []byte("x"))
		Expect(err).To(MatchError(usb.ErrClosed))
	})
})

var _ = Describe("configuration descriptors", func() {
	It("parse into interfaces and endpoints, skipping class-specific ones", func() {
		b := []byte{9, 2, 37, 0, 1, 1, 0, 0x80, 50,
			9, 4, 0, 0, 2, 0xff, 0, 0, 0,
			5, 0x24, 1, 2, 3, // class-specific
			7, 5, 0x01, 2, 0, 2, 0,
			7, 5, 0x81, 2, 0, 2, 0}
		c, err := usb.ParseConfig(b)
		Expect(err).NotTo(HaveOccurred())
		Expect(c.Interfaces).To(HaveLen(1))
		Expect(c.Interfaces[0].Endpoints).To(Equal([]usb.Endpoint{{Address: 1, Type: usb.Bulk, MaxPacketSize: 512}, {Address: 0x81, Type: usb.Bulk, MaxPacketSize: 512}}))
		pi, err := usb.FindPrinter(c)
		Expect(err).NotTo(HaveOccurred(), "a vendor-class interface with a bulk pair will do (Epson's quirk)")
		Expect(pi.In.Address).To(Equal(uint8(0x81)))
	})

	It("refuse lengths that do not add up", func() {
		_, err := usb.ParseConfig([]byte{9, 2, 200, 0, 1, 1, 0, 0x80, 50})
		Expect(err).To(MatchError(usb.ErrProtocol))
		_, err = usb.ParseConfig([]byte{9, 2, 12, 0, 1, 1, 0, 0x80, 50, 0, 4, 0})
		Expect(err).To(MatchError(ContainSubstring("length 0")))
	})
})
