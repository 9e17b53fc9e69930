// Package port turns an address into an open Port, the transport every
// driver takes: "/dev/ttyS1" or "serial:/dev/ttyUSB0?baud=9600" for a
// serial line (a physical tty, an emulator pty, or a link to either) and
// "tcp://127.0.0.1:9100" for a socket, "usb:04b8:0202" (libusb, -tags
// libusb) and "usbip://127.0.0.1:3240/1-1" (pure-Go USB/IP client) for a USB
// printer's bulk pipes; docs/addresses.md lists the forms.
// Addresses are parsed here and nowhere else, so a driver never holds a
// path. Serial lines go through go.bug.st/serial, whose timeout-returns-
// (0, nil) reads are adapted to net.Conn-style read deadlines; a read
// that runs into its deadline satisfies IsTimeout, and any read or write
// on a device that went away (an unplugged pty or USB adapter, a TCP peer
// that closed) wraps ErrDisconnected. Modem-line calls fail on a pty, so
// Open never sets them and ModemLines reports ErrNoModemLines there.
// Limitation: go.bug.st/serial v1.8.0 waits with select(2) and panics on a
// file descriptor of 1024 or more, so a process that opens many ports
// (fleet mode) must keep serial descriptors below 1024.
package port
