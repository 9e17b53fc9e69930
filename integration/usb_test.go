package integration_test

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/posemu/posemu/drivers/port"
	"github.com/posemu/posemu/drivers/printer"
	"github.com/posemu/posemu/drivers/usb"
	"github.com/posemu/posemu/emulator"
	emuprinter "github.com/posemu/posemu/emulator/printer"
	"github.com/posemu/posemu/profile"
)

// startUSBRig is startRig with the USB/IP server on a free loopback port.
func startUSBRig(p *profile.Profile) *rig {
	return startRigWith(emulator.Config{Profile: p, DevDir: GinkgoT().TempDir(), USBIP: "127.0.0.1:0"})
}

// answered is c for a printer that answers every status request: its
// replies come at once on an idle machine and much later on a loaded one,
// so the driver waits for them generously, and asks for the status every
// 20 ms while a chunk prints, so that a fault mid-job is seen at once.
func answered(c printer.Config) printer.Config {
	c.Timeout, c.Poll = 5*time.Second, 20*time.Millisecond
	return c
}

// withoutIdentity drops what differs between two prints of one document.
func withoutIdentity(rc emuprinter.Receipt) emuprinter.Receipt {
	rc.ID, rc.Time = 0, time.Time{}
	return rc
}

// usbipTool finds the Linux usbip tool (in /usr/sbin, which a non-root
// PATH may lack).
func usbipTool() string {
	if p, err := exec.LookPath("usbip"); err == nil {
		return p
	}
	if _, err := os.Stat("/usr/sbin/usbip"); err == nil {
		return "/usr/sbin/usbip"
	}
	return ""
}

var _ = Describe("the printer over USB/IP", Label("integration"), func() {
	var (
		r       *rig
		usbAddr string // the usbip:// address of the printer
	)
	BeforeEach(func() {
		r = startUSBRig(nil)
		usbAddr = "usbip://" + r.emu.USBIPAddr() + "/1-1"
	})

	ctx := func() context.Context {
		c, cancel := context.WithTimeout(context.Background(), 15*time.Second)
		DeferCleanup(cancel)
		return c
	}

	openPort := func(addr string) port.Port {
		p, err := port.Open(addr)
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(p.Close)
		return p
	}

	cut := func() []emuprinter.Receipt {
		var out []emuprinter.Receipt
		for _, rc := range r.emu.Printer().Receipts() {
			if rc.Cut != "" {
				out = append(out, rc)
			}
		}
		return out
	}

	It("prints the same receipt through the driver over usbip:// as over the pty", func() {
		cfg := answered(printer.Config{Checkpoint: 4, Window: 256})
		viaPTY := printer.New(openPort(r.link(emulator.Printer)), cfg)
		viaUSB := printer.New(openPort(usbAddr), cfg)
		const tradeNo = "2024010122001412345678901234"

		res, err := viaPTY.Print(ctx(), salesSlip(tradeNo))
		Expect(err).NotTo(HaveOccurred())
		Expect(res.Status.Ready()).To(BeTrue())
		Eventually(cut).Should(HaveLen(1))
		res, err = viaUSB.Print(ctx(), salesSlip(tradeNo))
		Expect(err).NotTo(HaveOccurred())
		Expect(res.Status.Ready()).To(BeTrue())
		Eventually(cut).Should(HaveLen(2))

		receipts := cut()
		Expect(withoutIdentity(receipts[1])).To(Equal(withoutIdentity(receipts[0])))
		Expect(receipts[1].QR).To(Equal([]string{tradeNo}))
		Expect(normalized(receipts[1].Text())).To(Equal(normalized(salesSlip(tradeNo).Lines())))
		Expect(r.emu.Printer().DecodeErrors()).To(BeEmpty())
	})

	It("answers DLE EOT through each door with the same printer's state", func() {
		viaPTY := printer.New(openPort(r.link(emulator.Printer)), answered(printer.Config{}))
		viaUSB := printer.New(openPort(usbAddr), answered(printer.Config{}))
		Expect(r.emu.Printer().SetPaper(emuprinter.PaperNearEnd)).To(Succeed())
		r.emu.Printer().SetCover(true)
		for _, drv := range []*printer.Printer{viaUSB, viaPTY, viaUSB} {
			s, err := drv.Status(ctx())
			Expect(err).NotTo(HaveOccurred())
			Expect(s.Has(printer.PaperNearEnd | printer.CoverOpen)).To(BeTrue())
			Expect(s.Ready()).To(BeFalse())
		}
	})

	It("speaks the printer class: device ID, port status from the model, soft reset", func() {
		up, ok := openPort(usbAddr).(port.USBPort)
		Expect(ok).To(BeTrue())
		dev, pi := up.USB()
		Expect(dev.Info().ID()).To(Equal("04b8:0202"))
		Expect(dev.Info().Serial).To(Equal("POSEMU0001"))
		Expect([]uint8{dev.Info().Config.Interfaces[0].Class, dev.Info().Config.Interfaces[0].SubClass, dev.Info().Config.Interfaces[0].Protocol}).To(Equal([]uint8{7, 1, 2}))
		Expect(usbDeviceID(dev, pi)).To(Equal(profile.Default().Printer.USB.DeviceID))
		Expect(usbPortStatus(dev, pi)).To(Equal(byte(0x18)))
		Expect(r.emu.Printer().SetPaper(emuprinter.PaperOut)).To(Succeed())
		Expect(usbPortStatus(dev, pi)).To(Equal(byte(0x20)))
		Expect(usbSoftReset(dev, pi)).To(Succeed())
	})

	It("times out a read with nothing to say, unlinks it, and keeps the endpoint working", func() {
		p := openPort(usbAddr)
		Expect(p.SetReadDeadline(time.Now().Add(50 * time.Millisecond))).To(Succeed())
		_, err := p.Read(make([]byte, 8))
		Expect(port.IsTimeout(err)).To(BeTrue())
		Expect(p.SetReadDeadline(time.Now().Add(10 * time.Second))).To(Succeed())
		_, err = p.Write([]byte{0x10, 0x04, 0x01})
		Expect(err).NotTo(HaveOccurred())
		b := make([]byte, 8)
		n, err := p.Read(b)
		Expect(err).NotTo(HaveOccurred())
		Expect(b[:n]).To(Equal([]byte{0x12}))
	})

	It("lets one client import the printer at a time", func() {
		first := openPort(usbAddr)
		_, err := port.Open(usbAddr)
		Expect(errors.Is(err, port.ErrBusy)).To(BeTrue(), "%v", err)
		Expect(first.Close()).To(Succeed())
		Eventually(func() error {
			p, err := port.Open(usbAddr)
			if err == nil {
				p.Close()
			}
			return err
		}).Should(Succeed())
	})

	It("vanishes mid-job on unplug through the control API, and prints again after the replug", func() {
		p := openPort(usbAddr)
		hook := &hookPort{Port: p}
		drv := printer.New(hook, answered(printer.Config{Checkpoint: 2, Window: 256}))
		doc := printer.NewDocument(printer.Paper58)
		for i := 1; i <= 60; i++ {
			doc.Text(fmt.Sprintf("LINE %02d", i))
		}
		doc.Cut(printer.PartialCut)
		unplugged := false
		hook.before = func(b []byte) {
			if !unplugged && strings.Contains(string(b), "LINE 20") {
				unplugged = true
				status, body := r.post("/api/v1/devices/usb-printer/unplug", nil)
				Expect(status).To(Equal(200), body)
			}
		}
		_, err := drv.Print(ctx(), doc)
		Expect(err).To(MatchError(port.ErrDisconnected))
		var info emulator.DeviceInfo
		r.getJSON("/api/v1/devices/usb-printer", &info)
		Expect(info.Plugged).To(BeFalse())
		_, err = port.Open(usbAddr)
		Expect(errors.Is(err, port.ErrNoDevice)).To(BeTrue(), "%v", err)

		status, body := r.post("/api/v1/devices/usb-printer/replug", nil)
		Expect(status).To(Equal(200), body)
		again := printer.New(openPort(usbAddr), answered(printer.Config{}))
		_, err = again.Print(ctx(), printer.NewDocument(printer.Paper58).Text("AFTER REPLUG").Cut(printer.PartialCut))
		Expect(err).NotTo(HaveOccurred())
		Eventually(func() string {
			return strings.Join(r.emu.Printer().Current().Text(), "|") + strings.Join(lastCut(cut()), "|")
		}).Should(ContainSubstring("AFTER REPLUG"))
	})

	It("fails a pending read with ErrDisconnected when the printer is unplugged", func() {
		p := openPort(usbAddr)
		errc := make(chan error, 1)
		go func() { _, err := p.Read(make([]byte, 8)); errc <- err }()
		Eventually(func() bool { return r.emu.USBIP().Devices()[0].Imported }).Should(BeTrue())
		Expect(r.emu.Unplug(emulator.USBPrinter)).To(Succeed())
		Eventually(errc).Should(Receive(MatchError(port.ErrDisconnected)))
	})

	It("keeps serving its client when another sends garbage", func() {
		p := openPort(usbAddr)
		c, err := net.Dial("tcp", r.emu.USBIPAddr())
		Expect(err).NotTo(HaveOccurred())
		defer c.Close()
		c.Write([]byte("GET / HTTP/1.0\r\n\r\n"))
		buf := make([]byte, 1)
		c.SetReadDeadline(time.Now().Add(10 * time.Second))
		_, err = c.Read(buf)
		Expect(err).To(HaveOccurred(), "the server hung up on it")
		s, err := printer.New(p, answered(printer.Config{})).Status(ctx())
		Expect(err).NotTo(HaveOccurred())
		Expect(s.Ready()).To(BeTrue())
	})
})

var _ = Describe("the Linux usbip tool against the emulator", Label("integration", "usbip-tool"), func() {
	list := func(r *rig) string {
		tool := usbipTool()
		if tool == "" {
			Skip("the usbip tool is not installed (apt-get install usbip; .ci/run installs it, so CI runs this)")
		}
		_, portNum, err := net.SplitHostPort(r.emu.USBIPAddr())
		Expect(err).NotTo(HaveOccurred())
		out, err := exec.Command(tool, "--tcp-port", portNum, "list", "-r", "127.0.0.1").CombinedOutput()
		Expect(err).NotTo(HaveOccurred(), "%s", out)
		return string(out)
	}

	It("lists the printer with its class 07/01/02 and the IDs of the profile", func() {
		// IDs usb.ids does not know print as digits; known ones print as
		// names, cut at 100 characters (Epson's TM name is that long).
		p := profile.Default()
		p.Printer.USB.VID, p.Printer.USB.PID = 0xfff0, 0x0ab1
		out := list(startUSBRig(p))
		Expect(out).To(ContainSubstring("1-1: "))
		Expect(out).To(ContainSubstring("(fff0:0ab1)"))
		Expect(out).To(MatchRegexp(`0 - .*\(07/01/02\)`))
	})

	It("lists the default printer as an Epson TM", func() {
		out := list(startUSBRig(nil))
		Expect(out).To(MatchRegexp(`1-1: .*(\(04b8:0202\)|Seiko Epson Corp\. : Interface Card UB-U05)`))
		Expect(out).To(ContainSubstring("(07/01/02)"))
	})
})

func lastCut(rs []emuprinter.Receipt) []string {
	if len(rs) == 0 {
		return nil
	}
	return rs[len(rs)-1].Text()
}

func usbDeviceID(d usb.Device, pi usb.PrinterInterface) (string, error) {
	c, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	return usb.DeviceID(c, d, pi)
}

func usbPortStatus(d usb.Device, pi usb.PrinterInterface) (byte, error) {
	c, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	return usb.PortStatus(c, d, pi)
}

func usbSoftReset(d usb.Device, pi usb.PrinterInterface) error {
	c, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	return usb.SoftReset(c, d, pi)
}
