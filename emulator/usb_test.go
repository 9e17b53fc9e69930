package emulator_test

import (
	"context"
	"os"
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/posemu/posemu/emulator"
	"github.com/posemu/posemu/emulator/printer"
	"github.com/posemu/posemu/emulator/usbip"
)

var _ = Describe("the emulator's USB printer door", func() {
	var (
		emu *emulator.Emulator
		out usbip.OutHandler
		in  usbip.InHandler
	)
	BeforeEach(func() {
		var err error
		emu, err = emulator.New(emulator.Config{DevDir: GinkgoT().TempDir(), USBIP: "127.0.0.1:0"})
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(emu.Close)
		for _, ep := range emu.USBPrinterDevice().Descriptor().Interfaces[0].Endpoints {
			if ep.Out != nil {
				out = ep.Out
			} else {
				in = ep.In
			}
		}
	})

	It("is exported on loopback, listed as a device and named in the device map", func() {
		Expect(emu.USBIPAddr()).To(MatchRegexp(`^127\.0\.0\.1:\d+$`))
		Expect(emu.USBIPAddr()).NotTo(HaveSuffix(":0"))
		d, err := emu.Device(emulator.USBPrinter)
		Expect(err).NotTo(HaveOccurred())
		addr := "usbip://" + emu.USBIPAddr() + "/1-1"
		Expect(d).To(Equal(emulator.DeviceInfo{Name: "usb-printer", Path: addr, Link: addr, Transport: "usbip", Plugged: true}))
		m := emu.DeviceMap("")
		Expect(m.USBIP).NotTo(BeNil())
		Expect(m.USBIP.Addr).To(Equal(emu.USBIPAddr()))
		Expect(m.USBIP.Devices).To(Equal([]emulator.USBIPMapDevice{{BusID: "1-1", VID: "04b8", PID: "0202", Class: "printer", Address: addr, Plugged: true}}))
		Expect(m.Devices).To(HaveKey("usb-printer"))
		list := emu.USBIP().Devices()
		Expect(list).To(HaveLen(1))
		Expect(list[0].Class).To(Equal([3]uint8{7, 1, 2}))
	})

	It("has no USB door, and no usbip key in the map, without USB/IP", func() {
		plain, err := emulator.New(emulator.Config{DevDir: GinkgoT().TempDir()})
		Expect(err).NotTo(HaveOccurred())
		defer plain.Close()
		Expect(plain.DeviceMap("").USBIP).To(BeNil())
		_, err = plain.Device(emulator.USBPrinter)
		Expect(err).To(MatchError(ContainSubstring("unknown device")))
	})

	It("refuses a USB/IP address off loopback", func() {
		_, err := emulator.New(emulator.Config{DevDir: GinkgoT().TempDir(), USBIP: "0.0.0.0:0"})
		Expect(err).To(MatchError(ContainSubstring("loopback only")))
	})

	It("feeds the one printer model from both doors, answering each through its own", func() {
		emu.USBPrinterDevice().Imported() // as the server does when a client imports it
		dev, err := emu.Device(emulator.Printer)
		Expect(err).NotTo(HaveOccurred())
		f, err := os.OpenFile(dev.Link, os.O_RDWR, 0)
		Expect(err).NotTo(HaveOccurred())
		defer f.Close()

		_, err = out(context.Background(), []byte("\x1b@USB LINE\n\x10\x04\x01"))
		Expect(err).NotTo(HaveOccurred())
		b, err := in(context.Background(), 64)
		Expect(err).NotTo(HaveOccurred())
		Expect(b).To(HaveLen(1), "the DLE EOT answer came out of the USB door")

		_, err = f.Write([]byte("PTY LINE\n\x10\x04\x01"))
		Expect(err).NotTo(HaveOccurred())
		f.SetReadDeadline(time.Now().Add(5 * time.Second))
		reply := make([]byte, 1)
		_, err = f.Read(reply)
		Expect(err).NotTo(HaveOccurred())
		Expect(reply[0]).To(Equal(b[0]), "the same printer answers the same on its pty")
		Expect(emu.USBPrinterDevice().Queued()).To(BeZero(), "nothing leaked to the other door")

		Eventually(func() string {
			cur := emu.Printer().Current()
			var lines []string
			for _, l := range cur.Lines {
				lines = append(lines, l.Text)
			}
			return strings.Join(lines, "|")
		}).Should(ContainSubstring("USB LINE|PTY LINE"))
	})

	It("answers GET_PORT_STATUS from the printer's state", func() {
		status := func() byte {
			b, err := emu.USBPrinterDevice().Control(context.Background(), usbip.Setup{RequestType: 0xa1, Request: 1, Length: 1}, nil)
			Expect(err).NotTo(HaveOccurred())
			return b[0]
		}
		Expect(status()).To(Equal(byte(0x18)))
		Expect(emu.Printer().SetPaper(printer.PaperOut)).To(Succeed())
		Expect(status()).To(Equal(byte(0x20)))
		Expect(emu.Printer().SetPaper(printer.PaperOK)).To(Succeed())
		emu.Printer().SetCover(true)
		Expect(status()).To(Equal(byte(0x00)))
	})

	It("unplugs and replugs through the emulator, rewriting the map", func() {
		Expect(emu.WriteDeviceMap("")).To(Succeed())
		Expect(emu.Unplug(emulator.USBPrinter)).To(Succeed())
		Expect(emu.USBIP().Devices()).To(BeEmpty())
		d, _ := emu.Device(emulator.USBPrinter)
		Expect(d.Plugged).To(BeFalse())
		Expect(d.Path).To(BeEmpty())
		Expect(readMap(emu.MapPath()).USBIP.Devices[0].Plugged).To(BeFalse())
		Expect(emu.Replug(emulator.USBPrinter)).To(Succeed())
		Expect(emu.USBIP().Devices()).To(HaveLen(1))
		Expect(readMap(emu.MapPath()).Devices["usb-printer"].Plugged).To(BeTrue())
		kinds := []string{}
		for _, e := range emu.Bus().Since(0) {
			if e.Device == "usb-printer" {
				kinds = append(kinds, e.Kind)
			}
		}
		Expect(kinds).To(Equal([]string{"unplug", "replug"}))
	})
})
