package usb

import (
	"encoding/binary"
	"fmt"
	"unicode/utf16"
)

// Descriptor types and standard requests the drivers use.
const (
	descDevice    = 1
	descConfig    = 2
	descString    = 3
	descInterface = 4
	descEndpoint  = 5

	reqGetDescriptor    = 6
	reqGetConfiguration = 8
	reqSetConfiguration = 9

	langEnglishUS = 0x0409
)

// deviceDescriptor is the part of the 18-byte device descriptor Info and
// the string lookups need.
type deviceDescriptor struct {
	class, subClass, protocol uint8
	vendorID, productID       uint16
	iManufacturer, iProduct   uint8
	iSerial                   uint8
	numConfigs                uint8
}

// parseDeviceDescriptor decodes a device descriptor as a device sent it.
func parseDeviceDescriptor(b []byte) (deviceDescriptor, error) {
	if len(b) < 18 || b[0] < 18 || b[1] != descDevice {
		return deviceDescriptor{}, fmt.Errorf("%w: bad device descriptor (% x)", ErrProtocol, b[:min(len(b), 18)])
	}
	return deviceDescriptor{
		class: b[4], subClass: b[5], protocol: b[6],
		vendorID:      binary.LittleEndian.Uint16(b[8:]),
		productID:     binary.LittleEndian.Uint16(b[10:]),
		iManufacturer: b[14], iProduct: b[15], iSerial: b[16],
		numConfigs: b[17],
	}, nil
}

// ParseConfig decodes a whole configuration descriptor (the 9-byte
// header followed by its interface, endpoint and class-specific
// descriptors). Descriptors it does not know are skipped by their length.
func ParseConfig(b []byte) (Config, error) {
	bad := func(format string, args ...any) (Config, error) {
		return Config{}, fmt.Errorf("%w: configuration descriptor: %s", ErrProtocol, fmt.Sprintf(format, args...))
	}
	if len(b) < 9 || b[1] != descConfig || b[0] < 9 {
		return bad("too short or wrong type (% x)", b[:min(len(b), 9)])
	}
	total := int(binary.LittleEndian.Uint16(b[2:]))
	if total < int(b[0]) || total > len(b) {
		return bad("wTotalLength %d, but %d bytes arrived", total, len(b))
	}
	c := Config{Value: b[5]}
	var cur *Interface
	for i := int(b[0]); i < total; {
		n := int(b[i])
		if n < 2 || i+n > total {
			return bad("descriptor at byte %d has length %d", i, n)
		}
		d := b[i : i+n]
		switch d[1] {
		case descInterface:
			if n < 9 {
				return bad("interface descriptor at byte %d is %d bytes", i, n)
			}
			c.Interfaces = append(c.Interfaces, Interface{Number: d[2], Alt: d[3], Class: d[5], SubClass: d[6], Protocol: d[7]})
			cur = &c.Interfaces[len(c.Interfaces)-1]
		case descEndpoint:
			if n < 7 {
				return bad("endpoint descriptor at byte %d is %d bytes", i, n)
			}
			if cur == nil {
				return bad("endpoint descriptor at byte %d before any interface", i)
			}
			cur.Endpoints = append(cur.Endpoints, Endpoint{Address: d[2], Type: TransferType(d[3] & 3),
				MaxPacketSize: binary.LittleEndian.Uint16(d[4:]) & 0x7ff})
		}
		i += n
	}
	return c, nil
}

// parseString decodes a string descriptor (UTF-16LE).
func parseString(b []byte) (string, error) {
	if len(b) < 2 || b[1] != descString || int(b[0]) > len(b) || b[0] < 2 {
		return "", fmt.Errorf("%w: bad string descriptor (% x)", ErrProtocol, b[:min(len(b), 8)])
	}
	n := (int(b[0]) - 2) / 2
	u := make([]uint16, n)
	for i := range u {
		u[i] = binary.LittleEndian.Uint16(b[2+2*i:])
	}
	return string(utf16.Decode(u)), nil
}
