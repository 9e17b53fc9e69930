// Package usbip is a USB/IP server (protocol 0x0111) that exports emulated
// USB devices, so that real host software — the Linux usbip tool and
// vhci_hcd, or the pure-Go client in drivers/usb — sees them as USB devices.
// A device model supplies its descriptors, a handler for class and vendor
// control requests and one handler per endpoint; the server answers the
// standard requests for every device, keeps IN transfers pending until
// their handler has data or the client unlinks them, and refuses a second
// import of a device that a client already holds. A malformed PDU closes
// only the connection that sent it. The wire format is documented in
// docs/usbip.md.
package usbip
