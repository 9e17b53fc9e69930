package port

import "fmt"

// Open parses addr and opens the port it names: a serial line (a tty, a
// pty, or a link to either), a TCP connection, or a USB printer's bulk
// pipes (usb:VID:PID through libusb, usbip://HOST:PORT/BUSID through the
// pure-Go USB/IP client); the USB ones implement USBPort. Errors are
// *OpenError and say what to do.
func Open(addr string) (Port, error) {
	a, err := ParseAddress(addr)
	if err != nil {
		oe := &OpenError{Address: addr, Op: "parse", Kind: ErrBadAddress, Err: err, Detail: err.Error()}
		if ae, ok := err.(*AddressError); ok {
			oe.Detail = ae.Reason
			if ae.Err != nil {
				oe.Kind = ae.Err
			}
		}
		return nil, oe
	}
	return open(addr, a)
}

// OpenAddress opens an already parsed address; the port's Address is
// a.String().
func OpenAddress(a Address) (Port, error) {
	return open(a.String(), a)
}

func open(addr string, a Address) (Port, error) {
	switch a.Scheme {
	case SchemeSerial:
		return openSerial(addr, a)
	case SchemeTCP:
		return openTCP(addr, a)
	case SchemeUSB, SchemeUSBIP:
		return openUSB(addr, a)
	}
	return nil, &OpenError{Address: addr, Op: "parse", Kind: ErrNotSupported,
		Detail: fmt.Sprintf("scheme %q cannot be opened", a.Scheme)}
}

// Reopener returns an Opener for addr, for drivers that reopen their port
// after an unplug. The address is parsed on each call, so a bad one shows
// up as the first call's error.
func Reopener(addr string) Opener {
	return func() (Port, error) { return Open(addr) }
}
