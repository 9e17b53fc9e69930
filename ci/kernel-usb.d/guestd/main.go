// Command guestd is the USB/IP side of the kernel-usb tier (ci/kernel-usb):
// inside the QEMU guest it runs the emulator with its USB/IP server on the
// guest's loopback, so that vhci_hcd imports the emulated printer through
// the real kernel. It prints "GUESTD READY <addr>" once serving; on SIGUSR1
// it prints the text of every receipt the printer model has cut
// ("GUESTD RECEIPT <id>: <line>"), then "GUESTD RECEIPTS END", so that the
// guest's init can check what was printed; SIGTERM stops it.
package main

import (
	"flag"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"syscall"

	"github.com/posemu/posemu/emulator"
)

func main() {
	addr := flag.String("usbip", "127.0.0.1:3240", "USB/IP listen address")
	devdir := flag.String("devdir", "/tmp/posemu", "device directory")
	flag.Parse()
	log := slog.New(slog.NewTextHandler(os.Stderr, nil))
	emu, err := emulator.New(emulator.Config{DevDir: *devdir, USBIP: *addr, Log: log})
	if err != nil {
		fmt.Printf("GUESTD FAIL %v\n", err)
		os.Exit(1)
	}
	defer emu.Close()
	sig := make(chan os.Signal, 4)
	signal.Notify(sig, syscall.SIGUSR1, syscall.SIGTERM, os.Interrupt)
	fmt.Printf("GUESTD READY %s\n", emu.USBIPAddr())
	for s := range sig {
		if s != syscall.SIGUSR1 {
			return
		}
		for _, rc := range emu.Printer().Receipts() {
			if rc.Cut == "" {
				continue
			}
			for _, line := range rc.Text() {
				fmt.Printf("GUESTD RECEIPT %d: %s\n", rc.ID, line)
			}
		}
		fmt.Println("GUESTD RECEIPTS END")
	}
}
