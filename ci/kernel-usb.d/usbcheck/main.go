//go:build libusb

// Command usbcheck is the host side of the kernel-usb tier (ci/kernel-usb),
// run inside the QEMU guest after `usbip attach` has made the emulated
// printer a real USB device of the guest's kernel. Through drivers/port's
// usb: address, that is unmodified gousb and libusb on /dev/bus/usb, it
// opens the printer by VID/PID, reads its IEEE 1284 device ID and port
// status, prints a receipt with drivers/printer, reads DLE EOT status, and
// checks that a cancelled bulk IN read (libusb cancel, vhci_hcd UNLINK)
// leaves the printer usable. Its last line is "USBCHECK PASS" or
// "USBCHECK FAIL <why>"; the exit status says the same.
package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/posemu/posemu/drivers/port"
	"github.com/posemu/posemu/drivers/printer"
	"github.com/posemu/posemu/drivers/usb"
)

// Receipt is the line the guest's init looks for in the printer model.
const Receipt = "KERNEL USB RECEIPT"

func main() {
	addr := "usb:04b8:0202"
	if len(os.Args) > 1 {
		addr = os.Args[1]
	}
	if err := run(addr); err != nil {
		fmt.Printf("USBCHECK FAIL %v\n", err)
		os.Exit(1)
	}
	fmt.Println("USBCHECK PASS")
}

func step(format string, args ...any) { fmt.Printf("USBCHECK "+format+"\n", args...) }

func run(addr string) error {
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	p, err := openWhenPresent(ctx, addr)
	if err != nil {
		return err
	}
	defer p.Close()
	up, ok := p.(port.USBPort)
	if !ok {
		return fmt.Errorf("%s is not a USB port", addr)
	}
	dev, pi := up.USB()
	info := dev.Info()
	step("opened %s: %s %s, serial %s, printer interface %d (OUT %#02x, IN %#02x)",
		info.Address, info.Manufacturer, info.Product, info.Serial, pi.Number, pi.Out.Address, pi.In.Address)

	id, err := usb.DeviceID(ctx, dev, pi)
	if err != nil {
		return err
	}
	step("GET_DEVICE_ID %q", id)
	if !strings.Contains(id, "MFG:EPSON;") || !strings.Contains(id, "CMD:ESC/POS;") {
		return fmt.Errorf("device ID %q lacks MFG/CMD", id)
	}
	st, err := usb.PortStatus(ctx, dev, pi)
	if err != nil {
		return err
	}
	step("GET_PORT_STATUS %#02x", st)
	if st != usb.PortSelected|usb.PortNoError {
		return fmt.Errorf("port status %#02x, want selected and no error (0x18)", st)
	}

	drv := printer.New(p, printer.Config{Timeout: 3 * time.Second, PrintTimeout: 30 * time.Second})
	if err := ready(ctx, drv, "before printing"); err != nil {
		return err
	}
	doc := printer.NewDocument(printer.Paper58)
	doc.Text(Receipt, printer.Bold, printer.Centered)
	doc.Columns("AMOUNT", "12.50")
	doc.QR("KERNEL-USB-0001", 4, printer.ECMedium, printer.Centered)
	doc.Cut(printer.PartialCut)
	res, err := drv.Print(ctx, doc)
	if err != nil {
		return fmt.Errorf("printing: %w", err)
	}
	step("printed %d segments", res.Segments)

	// A read with nothing to read, cut short twice: by its deadline
	// (libusb cancels the URB, vhci_hcd sends USBIP_CMD_UNLINK) and by a
	// cancelled context on the raw device.
	p.SetReadDeadline(time.Now().Add(300 * time.Millisecond))
	if _, err := p.Read(make([]byte, 64)); !port.IsTimeout(err) {
		return fmt.Errorf("read with nothing to read: %v, want a timeout", err)
	}
	p.SetReadDeadline(time.Time{})
	cctx, ccancel := context.WithCancel(ctx)
	time.AfterFunc(300*time.Millisecond, ccancel)
	if _, err := dev.BulkIn(cctx, pi.In.Address, make([]byte, 64)); !errors.Is(err, context.Canceled) {
		return fmt.Errorf("cancelled bulk IN: %v, want context.Canceled", err)
	}
	step("two cancelled bulk IN reads came back")
	return ready(ctx, drv, "after the cancelled reads")
}

func ready(ctx context.Context, drv *printer.Printer, when string) error {
	s, err := drv.Status(ctx)
	if err != nil {
		return fmt.Errorf("DLE EOT status %s: %w", when, err)
	}
	step("DLE EOT status %s: ready=%v", when, s.Ready())
	if !s.Ready() {
		return fmt.Errorf("printer not ready %s: %+v", when, s)
	}
	return nil
}

// openWhenPresent retries while the kernel is still enumerating the
// device that usbip attach announced.
func openWhenPresent(ctx context.Context, addr string) (port.Port, error) {
	for {
		p, err := port.Open(addr)
		if err == nil {
			return p, nil
		}
		if !errors.Is(err, port.ErrNoDevice) {
			return nil, err
		}
		select {
		case <-ctx.Done():
			return nil, fmt.Errorf("%s never appeared: %w", addr, err)
		case <-time.After(250 * time.Millisecond):
		}
	}
}
