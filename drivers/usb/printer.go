package usb

import (
	"context"
	"encoding/binary"
	"fmt"
)

// Printer class (07) requests and GET_PORT_STATUS bits.
const (
	ClassPrinter = 7

	PortNoError    = 0x08
	PortSelected   = 0x10
	PortPaperEmpty = 0x20
)

// PrinterInterface is the interface of a printer and its bulk pipes.
type PrinterInterface struct {
	Number uint8
	Alt    uint8
	Out    Endpoint
	In     Endpoint // zero Address for a unidirectional printer
}

// FindPrinter finds the printer interface in a configuration: one of
// class 07 with a bulk OUT endpoint (and a bulk IN one when it is
// bidirectional, protocol 02), preferring the bidirectional setting.
// Failing that it takes a vendor-specific interface with a bulk pair:
// some printers (Epson TM among them) report class ff.
func FindPrinter(c Config) (PrinterInterface, error) {
	var best PrinterInterface
	score := 0
	for _, in := range c.Interfaces {
		var pi PrinterInterface
		pi.Number, pi.Alt = in.Number, in.Alt
		for _, ep := range in.Endpoints {
			if ep.Type != Bulk {
				continue
			}
			if ep.In() && pi.In.Address == 0 {
				pi.In = ep
			} else if !ep.In() && pi.Out.Address == 0 {
				pi.Out = ep
			}
		}
		if pi.Out.Address == 0 {
			continue
		}
		s := 0
		switch {
		case in.Class == ClassPrinter && pi.In.Address != 0:
			s = 4
		case in.Class == ClassPrinter:
			s = 3
		case in.Class == 0xff && pi.In.Address != 0:
			s = 2
		}
		if s > score {
			best, score = pi, s
		}
	}
	if score == 0 {
		return PrinterInterface{}, fmt.Errorf("%w: no printer interface (class 07, or vendor class with bulk OUT) in configuration %d", ErrNoDevice, c.Value)
	}
	return best, nil
}

// DeviceID asks a printer for its IEEE 1284 device ID (GET_DEVICE_ID):
// "MFG:EPSON;CMD:ESC/POS;MDL:TM-T88V;…".
func DeviceID(ctx context.Context, d Device, pi PrinterInterface) (string, error) {
	buf := make([]byte, 1024)
	n, err := d.Control(ctx, 0xa1, 0x00, 0, uint16(pi.Number)<<8|uint16(pi.Alt), buf)
	if err != nil {
		return "", fmt.Errorf("GET_DEVICE_ID: %w", err)
	}
	if n < 2 {
		return "", fmt.Errorf("GET_DEVICE_ID: %w: %d-byte reply", ErrProtocol, n)
	}
	// The length counts its own two bytes; printers that get that wrong,
	// or say more than they sent, are read as far as they sent.
	l := int(binary.BigEndian.Uint16(buf))
	if l < 2 || l > n {
		l = n
	}
	return string(buf[2:l]), nil
}

// PortStatus reads GET_PORT_STATUS (PortNoError, PortSelected,
// PortPaperEmpty).
func PortStatus(ctx context.Context, d Device, pi PrinterInterface) (byte, error) {
	var b [1]byte
	n, err := d.Control(ctx, 0xa1, 0x01, 0, uint16(pi.Number), b[:])
	if err != nil {
		return 0, fmt.Errorf("GET_PORT_STATUS: %w", err)
	}
	if n != 1 {
		return 0, fmt.Errorf("GET_PORT_STATUS: %w: %d-byte reply", ErrProtocol, n)
	}
	return b[0], nil
}

// SoftReset sends SOFT_RESET: the printer flushes its buffers.
func SoftReset(ctx context.Context, d Device, pi PrinterInterface) error {
	if _, err := d.Control(ctx, 0x21, 0x02, 0, uint16(pi.Number), nil); err != nil {
		return fmt.Errorf("SOFT_RESET: %w", err)
	}
	return nil
}
