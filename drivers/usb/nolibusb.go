//go:build !libusb

package usb

import (
	"context"
	"fmt"
)

// Libusb reports whether this binary has the libusb backend (build tag
// libusb).
const Libusb = false

// Open would open a physical USB device through libusb; this build has no
// libusb, so it says how to get one.
func Open(_ context.Context, m Match) (Device, error) {
	return nil, fmt.Errorf("%w: cannot open usb:%s: this binary was built without libusb support; "+
		"install libusb (apt-get install libusb-1.0-0-dev pkg-config) and rebuild with: go build -tags libusb", ErrNoLibusb, m)
}
