// Package usbip is a USB/IP server that exports the emulator's USB devices
// to the Linux usbip tool and kernel. (Issue 4 fills it.)
package usbip
