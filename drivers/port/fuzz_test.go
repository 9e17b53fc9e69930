package port_test

import (
	"errors"
	"testing"

	"github.com/posemu/posemu/drivers/port"
)

// FuzzParseAddress checks that any address either parses to one whose
// canonical form reads back the same, or fails with an *AddressError.
func FuzzParseAddress(f *testing.F) {
	for _, s := range []string{
		"/dev/ttyS1", "/dev/pts/7", "serial:/dev/ttyUSB0?baud=9600&parity=none&stop=1&data=8",
		"serial:///dev/ttyUSB0?parity=e&stop=1.5&data=7", "serial:////x", "tcp://127.0.0.1:9100",
		"tcp://[::1]:9100?timeout=2s", "usb:04b8:0202", "usbip://127.0.0.1:3240/1-1", "", "ttyS1",
		"serial:/dev/ttyS1?baud=abc", "serial:/x?baud=1&&data=5", "tcp://h:1?timeout=1h2m", "a+b.c-d:/x",
		"serial:/dev/x?%62aud=9600", "SERIAL:/x?PARITY=ODD", "usb:04B8:0202?serial=a%20b+c",
		"usbip://[::1]/2-1.3?timeout=2s", "usbip://host/1-1",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		a, err := port.ParseAddress(s)
		if err != nil {
			var ae *port.AddressError
			if !errors.As(err, &ae) {
				t.Fatalf("ParseAddress(%q) error %T is not *AddressError: %v", s, err, err)
			}
			if ae.Part == "" || ae.Reason == "" {
				t.Fatalf("ParseAddress(%q): error without part or reason: %#v", s, ae)
			}
			return
		}
		back, err := port.ParseAddress(a.String())
		if err != nil {
			t.Fatalf("ParseAddress(%q) = %#v, but its String %q does not parse: %v", s, a, a.String(), err)
		}
		if back != a {
			t.Fatalf("ParseAddress(%q) = %#v; String %q reads back as %#v", s, a, a.String(), back)
		}
	})
}
