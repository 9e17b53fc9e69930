// Package usbprinter is the emulated receipt printer's USB door: a USB
// printer-class device (07/01/02) for the usbip server, with the profile's
// VID/PID, strings and IEEE 1284 device ID. GET_DEVICE_ID, GET_PORT_STATUS
// and SOFT_RESET are answered here; bulk OUT 0x01 goes to the same printer
// model that the serial port feeds, and whatever the model sends back
// (status replies, automatic status back) waits in a queue for the host's
// bulk IN 0x82 reads, which stay pending until it arrives.
package usbprinter
