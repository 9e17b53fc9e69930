package usb

import (
	"context"
	"encoding/binary"
	"fmt"
)

// describe reads a device's descriptors through its control endpoint and
// puts it in its first configuration if nobody has (a device imported
// over USB/IP from a server whose host never configured it).
func describe(ctx context.Context, d Device, addr string) (Info, error) {
	info := Info{Address: addr}
	get := func(what string, value, index uint16, buf []byte) ([]byte, error) {
		cctx, cancel := context.WithTimeout(ctx, describeTimeout)
		defer cancel()
		n, err := d.Control(cctx, 0x80, reqGetDescriptor, value, index, buf)
		if err != nil {
			return nil, fmt.Errorf("reading the %s descriptor: %w", what, err)
		}
		return buf[:n], nil
	}
	b, err := get("device", descDevice<<8, 0, make([]byte, 18))
	if err != nil {
		return info, err
	}
	dd, err := parseDeviceDescriptor(b)
	if err != nil {
		return info, fmt.Errorf("usb %s: %w", addr, err)
	}
	info.VendorID, info.ProductID = dd.vendorID, dd.productID
	info.Class, info.SubClass, info.Protocol = dd.class, dd.subClass, dd.protocol

	head, err := get("configuration", descConfig<<8, 0, make([]byte, 9))
	if err != nil {
		return info, err
	}
	if len(head) < 4 {
		return info, fmt.Errorf("usb %s: %w: %d-byte configuration descriptor", addr, ErrProtocol, len(head))
	}
	full, err := get("configuration", descConfig<<8, 0, make([]byte, binary.LittleEndian.Uint16(head[2:])))
	if err != nil {
		return info, err
	}
	if info.Config, err = ParseConfig(full); err != nil {
		return info, fmt.Errorf("usb %s: %w", addr, err)
	}
	// Strings are for people; a device that refuses them is still usable.
	str := func(i uint8) string {
		if i == 0 {
			return ""
		}
		b, err := get("string", descString<<8|uint16(i), langEnglishUS, make([]byte, 255))
		if err != nil {
			return ""
		}
		s, _ := parseString(b)
		return s
	}
	info.Manufacturer, info.Product, info.Serial = str(dd.iManufacturer), str(dd.iProduct), str(dd.iSerial)

	cctx, cancel := context.WithTimeout(ctx, describeTimeout)
	defer cancel()
	var cur [1]byte
	if n, err := d.Control(cctx, 0x80, reqGetConfiguration, 0, 0, cur[:]); err == nil && n == 1 && cur[0] == 0 {
		if _, err := d.Control(cctx, 0x00, reqSetConfiguration, uint16(info.Config.Value), 0, nil); err != nil {
			return info, fmt.Errorf("setting configuration %d: %w", info.Config.Value, err)
		}
	}
	return info, nil
}
