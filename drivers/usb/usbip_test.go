package usb_test

import (
	"context"
	"errors"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/posemu/posemu/drivers/usb"
)

var _ = Describe("the USB/IP client", func() {
	var (
		srv *scriptServer
		ctx context.Context
	)
	BeforeEach(func() {
		srv = newScriptServer()
		DeferCleanup(srv.close)
		ctx = context.Background()
	})

	open := func() usb.Device {
		d, err := usb.OpenUSBIP(ctx, srv.addr(), "1-1")
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(d.Close)
		return d
	}

	It("lists what the server exports", func() {
		list, err := usb.ListUSBIP(ctx, srv.addr())
		Expect(err).NotTo(HaveOccurred())
		Expect(list).To(HaveLen(1))
		Expect(list[0].BusID).To(Equal("1-1"))
		Expect(list[0].ID()).To(Equal("04b8:0202"))
		Expect(list[0].Interfaces).To(Equal([][3]uint8{{7, 1, 2}}))
	})

	It("imports a device and reads its descriptors", func() {
		d := open()
		info := d.Info()
		Expect(info.Address).To(Equal("usbip://" + srv.addr() + "/1-1"))
		Expect(info.ID()).To(Equal("04b8:0202"))
		Expect(info.Manufacturer).To(Equal("TEST"))
		pi, err := usb.FindPrinter(info.Config)
		Expect(err).NotTo(HaveOccurred())
		Expect(pi.Out.Address).To(Equal(uint8(0x01)))
		Expect(pi.In.Address).To(Equal(uint8(0x82)))
		id, err := usb.DeviceID(ctx, d, pi)
		Expect(err).NotTo(HaveOccurred())
		Expect(id).To(Equal("MFG:EPSON;CMD:ESC/POS;MDL:TM-T88V;"))
		st, err := usb.PortStatus(ctx, d, pi)
		Expect(err).NotTo(HaveOccurred())
		Expect(st).To(Equal(byte(usb.PortSelected | usb.PortNoError)))
		_, err = d.Control(ctx, 0xc0, 0x99, 0, 0, make([]byte, 4))
		Expect(err).To(MatchError(usb.ErrStall))
	})

	It("writes bulk OUT and waits on bulk IN until the device answers", func() {
		d := open()
		n, err := d.BulkOut(ctx, 0x01, []byte{0x10, 0x04, 0x01})
		Expect(err).NotTo(HaveOccurred())
		Expect(n).To(Equal(3))
		Expect(srv.received()).To(Equal([]byte{0x10, 0x04, 0x01}))
		got := make(chan []byte, 1)
		go func() {
			buf := make([]byte, 64)
			n, _ := d.BulkIn(ctx, 0x82, buf)
			got <- buf[:n]
		}()
		Eventually(srv.waiting).Should(Equal(1))
		srv.reply([]byte{0x12})
		Eventually(got).Should(Receive(Equal([]byte{0x12})))
	})

	It("unlinks a read that runs into its deadline, and the next read works", func() {
		d := open()
		tctx, cancel := context.WithTimeout(ctx, 50*time.Millisecond)
		defer cancel()
		_, err := d.BulkIn(tctx, 0x82, make([]byte, 64))
		Expect(err).To(MatchError(context.DeadlineExceeded))
		var te *usb.TransferError
		Expect(errors.As(err, &te)).To(BeTrue())
		Expect(te.Timeout()).To(BeTrue())
		Expect(srv.waiting()).To(BeZero(), "the server forgot the read")
		srv.reply([]byte("late"))
		buf := make([]byte, 64)
		n, err := d.BulkIn(ctx, 0x82, buf)
		Expect(err).NotTo(HaveOccurred())
		Expect(string(buf[:n])).To(Equal("late"))
	})

	It("says when the device is busy or absent", func() {
		open()
		_, err := usb.OpenUSBIP(ctx, srv.addr(), "1-1")
		Expect(err).To(MatchError(usb.ErrBusy))
		_, err = usb.OpenUSBIP(ctx, srv.addr(), "7-7")
		Expect(err).To(MatchError(usb.ErrNoDevice))
		_, err = usb.OpenUSBIP(ctx, "127.0.0.1:1", "1-1")
		Expect(err).To(MatchError(ContainSubstring("is a USB/IP server running there?")))
	})

	It("fails pending and later transfers with ErrDisconnected on unplug", func() {
		d := open()
		errc := make(chan error, 1)
		go func() {
			_, err := d.BulkIn(ctx, 0x82, make([]byte, 64))
			errc <- err
		}()
		Eventually(srv.waiting).Should(Equal(1))
		srv.unplug()
		Eventually(errc).Should(Receive(MatchError(usb.ErrDisconnected)))
		_, err := d.BulkOut(ctx, 0x01, []byte("x"))
		Expect(err).To(MatchError(usb.ErrDisconnected))
	})

	It("fails transfers with ErrClosed after Close", func() {
		d := open()
		errc := make(chan error, 1)
		go func() {
			_, err := d.BulkIn(ctx, 0x82, make([]byte, 64))
			errc <- err
		}()
		Eventually(srv.waiting).Should(Equal(1))
		Expect(d.Close()).To(Succeed())
		Eventually(errc).Should(Receive(MatchError(usb.ErrClosed)))
		_, err := d.BulkOut(ctx, 0x01, []byte("x"))
		Expect(err).To(MatchError(usb.ErrClosed))
	})
})

var _ = Describe("the libusb backend", func() {
	It("says how to build with it when it is not built in", func() {
		if usb.Libusb {
			Skip("built with -tags libusb")
		}
		_, err := usb.Open(context.Background(), usb.Match{VendorID: 0x04b8, ProductID: 0x0202})
		Expect(err).To(MatchError(usb.ErrNoLibusb))
		Expect(err.Error()).To(ContainSubstring("go build -tags libusb"))
		Expect(err.Error()).To(ContainSubstring("apt-get install libusb-1.0-0-dev pkg-config"))
	})

	It("finds no device where there is no USB bus", func() {
		if !usb.Libusb {
			Skip("built without -tags libusb")
		}
		_, err := usb.Open(context.Background(), usb.Match{VendorID: 0xfffe, ProductID: 0xfffe})
		Expect(err).To(HaveOccurred())
	})
})
