// Package usb is the USB transport of the drivers: a small Device
// interface (Control, BulkOut, BulkIn, each with a context whose deadline
// is the timeout and whose cancellation cancels the transfer; Close) and
// three ways to get one. Open finds a physical device by VID/PID (and
// serial) through libusb, github.com/google/gousb, when built with
// -tags libusb (it needs libusb-1.0-0-dev and pkg-config); without the tag
// it returns ErrNoLibusb saying how to build with it. OpenUSBIP imports a
// device by bus id from any USB/IP server (posemu's, or a Linux usbipd
// exporting a physical printer) in pure Go, with no kernel module.
// NewFake is an in-memory device for unit tests. FindPrinter, DeviceID,
// PortStatus and SoftReset speak the printer class (07). drivers/port
// wraps a printer's bulk pipes as a port.Port, so the ESC/POS driver runs
// unchanged over USB.
package usb
