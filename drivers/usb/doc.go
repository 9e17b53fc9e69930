// Package usb is the USB transport drivers use: a small device interface
// with a libusb backend (build tag libusb) and a USB/IP client backend.
// (Issue 4 fills it.)
package usb
