package port_test

import (
	"context"
	"errors"
	"os"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/posemu/posemu/drivers/port"
	"github.com/posemu/posemu/drivers/usb"
)

var _ = Describe("USB addresses", func() {
	DescribeTable("parse",
		func(in string, want port.Address, canonical string) {
			a, err := port.ParseAddress(in)
			Expect(err).NotTo(HaveOccurred())
			Expect(a).To(Equal(want))
			Expect(a.String()).To(Equal(canonical))
			back, err := port.ParseAddress(canonical)
			Expect(err).NotTo(HaveOccurred())
			Expect(back).To(Equal(a))
		},
		Entry("usb", "usb:04b8:0202", port.Address{Scheme: "usb", VendorID: 0x04b8, ProductID: 0x0202}, "usb:04b8:0202"),
		Entry("usb upper case, serial", "USB:04B8:0E15?serial=J4 5/X", port.Address{Scheme: "usb", VendorID: 0x04b8, ProductID: 0x0e15, Serial: "J4 5/X"}, "usb:04b8:0e15?serial=J4+5%2FX"),
		Entry("usbip", "usbip://127.0.0.1:3240/1-1", port.Address{Scheme: "usbip", Host: "127.0.0.1:3240", BusID: "1-1", DialTimeout: port.DefaultDialTimeout}, "usbip://127.0.0.1:3240/1-1"),
		Entry("usbip default port", "usbip://pos-lab/2-1.3", port.Address{Scheme: "usbip", Host: "pos-lab:3240", BusID: "2-1.3", DialTimeout: port.DefaultDialTimeout}, "usbip://pos-lab:3240/2-1.3"),
		Entry("usbip IPv6, timeout", "usbip://[::1]/1-1?timeout=2s", port.Address{Scheme: "usbip", Host: "[::1]:3240", BusID: "1-1", DialTimeout: 2 * time.Second}, "usbip://[::1]:3240/1-1?timeout=2s"),
	)

	DescribeTable("refuse what they cannot mean",
		func(in, part, text string) {
			_, err := port.ParseAddress(in)
			var ae *port.AddressError
			Expect(errors.As(err, &ae)).To(BeTrue())
			Expect(ae.Part).To(Equal(part))
			Expect(err.Error()).To(ContainSubstring(text))
			Expect(errors.Is(err, port.ErrBadAddress)).To(BeTrue())
		},
		Entry("usb without pid", "usb:04b8", "path", "is not VID:PID"),
		Entry("usb decimal-looking vid", "usb:1208:0202x", "pid", `bad product ID "0202x"`),
		Entry("usb short vid", "usb:4b8:0202", "vid", `bad vendor ID "4b8": want 4 hex digits`),
		Entry("usb with //", "usb://04b8:0202", "path", "without //"),
		Entry("usb unknown option", "usb:04b8:0202?baud=9600", "query", `unknown option "baud" (known: serial)`),
		Entry("usbip without //", "usbip:127.0.0.1:3240/1-1", "host", "write usbip://host:port/busid"),
		Entry("usbip without bus id", "usbip://127.0.0.1:3240", "busid", "missing bus id"),
		Entry("usbip bad bus id", "usbip://127.0.0.1:3240/usb1", "busid", `bad bus id "usb1"`),
		Entry("usbip port 0", "usbip://127.0.0.1:0/1-1", "port", `bad port "0"`),
		Entry("usbip bare IPv6", "usbip://::1/1-1", "host", "bracket an IPv6 address"),
		Entry("usbip no host", "usbip://:3240/1-1", "host", "missing host"),
	)

	It("say how to get libusb when this build has none", func() {
		if usb.Libusb {
			Skip("built with -tags libusb")
		}
		_, err := port.Open("usb:04b8:0202")
		Expect(errors.Is(err, port.ErrNotSupported)).To(BeTrue())
		Expect(err.Error()).To(ContainSubstring("go build -tags libusb"))
		Expect(err.Error()).To(ContainSubstring("apt-get install libusb-1.0-0-dev pkg-config"))
	})

	It("say nothing listens at a usbip:// server that is not there", func() {
		_, err := port.Open("usbip://127.0.0.1:1/1-1?timeout=1s")
		Expect(errors.Is(err, port.ErrNoDevice)).To(BeTrue())
		Expect(err.Error()).To(ContainSubstring("usbip"))
	})
})

var _ = Describe("a port on a USB printer", func() {
	var (
		fake *usb.Fake
		p    port.Port
	)
	BeforeEach(func() {
		fake = usb.NewFakePrinter(0x04b8, 0x0202, "MFG:EPSON;CMD:ESC/POS;")
		port.SetUSBOpener(func(_ context.Context, m usb.Match) (usb.Device, error) {
			if m.VendorID != 0x04b8 || m.ProductID != 0x0202 {
				return nil, usb.ErrNoDevice
			}
			return fake, nil
		})
		DeferCleanup(func() { port.SetUSBOpener(nil) })
		var err error
		p, err = port.Open("usb:04b8:0202")
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(p.Close)
	})

	It("writes bulk OUT and reads bulk IN, keeping what does not fit the caller's buffer", func() {
		fake.OnBulkOut(func(_ uint8, data []byte) { fake.Queue(0x82, []byte{0x12, 0x13, 0x14}) })
		n, err := p.Write([]byte{0x10, 0x04, 0x01})
		Expect(err).NotTo(HaveOccurred())
		Expect(n).To(Equal(3))
		Expect(fake.Written(0x01)).To(Equal([]byte{0x10, 0x04, 0x01}))
		b := make([]byte, 1)
		for _, want := range []byte{0x12, 0x13, 0x14} {
			_, err := p.Read(b)
			Expect(err).NotTo(HaveOccurred())
			Expect(b[0]).To(Equal(want))
		}
	})

	It("gives the printer-class requests to a driver that asks", func() {
		up, ok := p.(port.USBPort)
		Expect(ok).To(BeTrue())
		dev, pi := up.USB()
		Expect(usb.DeviceID(context.Background(), dev, pi)).To(Equal("MFG:EPSON;CMD:ESC/POS;"))
		Expect(p.Address()).To(Equal("usb:04b8:0202"))
	})

	It("times out a read at its deadline and stays usable", func() {
		Expect(p.SetReadDeadline(time.Now().Add(20 * time.Millisecond))).To(Succeed())
		_, err := p.Read(make([]byte, 8))
		Expect(port.IsTimeout(err)).To(BeTrue())
		Expect(errors.Is(err, os.ErrDeadlineExceeded)).To(BeTrue())
		fake.Queue(0x82, []byte("ok"))
		Expect(p.SetReadDeadline(time.Time{})).To(Succeed())
		b := make([]byte, 8)
		n, err := p.Read(b)
		Expect(err).NotTo(HaveOccurred())
		Expect(string(b[:n])).To(Equal("ok"))
	})

	It("reports an unplug as ErrDisconnected and a local Close as os.ErrClosed", func() {
		errc := make(chan error, 1)
		go func() { _, err := p.Read(make([]byte, 8)); errc <- err }()
		fake.Unplug()
		Eventually(errc).Should(Receive(MatchError(port.ErrDisconnected)))
		_, err := p.Write([]byte("x"))
		Expect(err).To(MatchError(port.ErrDisconnected))
		Expect(p.Close()).To(Succeed())
		_, err = p.Write([]byte("x"))
		Expect(err).To(MatchError(os.ErrClosed))
	})

	It("refuses a USB device that is not a printer", func() {
		port.SetUSBOpener(func(context.Context, usb.Match) (usb.Device, error) {
			return usb.NewFake(usb.Info{VendorID: 1, ProductID: 2, Config: usb.Config{Value: 1, Interfaces: []usb.Interface{{Class: 3}}}}), nil
		})
		_, err := port.Open("usb:0001:0002")
		Expect(errors.Is(err, port.ErrNotSupported)).To(BeTrue())
		Expect(err.Error()).To(ContainSubstring("no printer interface"))
	})
})
