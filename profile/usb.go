package profile

import (
	"fmt"
	"strings"
)

// PrinterUSB is how the receipt printer presents itself on USB (the
// emulator's USB/IP door; a physical unit's VID/PID to open). Fields left
// out of a profile get the defaults of an Epson TM-series printer, whose
// IDs host software already knows.
type PrinterUSB struct {
	VID          uint16 `yaml:"vid" json:"vid"`
	PID          uint16 `yaml:"pid" json:"pid"`
	Manufacturer string `yaml:"manufacturer" json:"manufacturer"`
	Product      string `yaml:"product" json:"product"`
	Serial       string `yaml:"serial" json:"serial"`
	// DeviceID is the IEEE 1284 device ID that GET_DEVICE_ID returns.
	DeviceID string `yaml:"device_id" json:"device_id"`
}

// Defaults of PrinterUSB.
const (
	DefaultUSBVID          = 0x04b8
	DefaultUSBPID          = 0x0202
	DefaultUSBManufacturer = "EPSON"
	DefaultUSBProduct      = "TM-T88V Receipt"
	DefaultUSBSerial       = "POSEMU0001"
	DefaultUSBDeviceID     = "MFG:EPSON;CMD:ESC/POS;MDL:TM-T88V;CLS:PRINTER;DES:EPSON TM-T88V;"
)

// normalize fills what the profile left out and checks what a USB
// descriptor can carry.
func (u *PrinterUSB) normalize() error {
	if u.VID == 0 {
		u.VID = DefaultUSBVID
	}
	if u.PID == 0 {
		u.PID = DefaultUSBPID
	}
	if u.Manufacturer == "" {
		u.Manufacturer = DefaultUSBManufacturer
	}
	if u.Product == "" {
		u.Product = DefaultUSBProduct
	}
	if u.Serial == "" {
		u.Serial = DefaultUSBSerial
	}
	if u.DeviceID == "" {
		u.DeviceID = DefaultUSBDeviceID
	}
	for name, s := range map[string]string{"manufacturer": u.Manufacturer, "product": u.Product, "serial": u.Serial} {
		if n := len([]rune(s)); n > 126 {
			return bad("printer.usb."+name, "%d characters; a USB string descriptor holds at most 126", n)
		}
	}
	// The reply carries a 2-byte length that includes itself.
	if len(u.DeviceID) > 0xffff-2 {
		return bad("printer.usb.device_id", "%d bytes is too long", len(u.DeviceID))
	}
	for _, key := range []string{"MFG:", "CMD:"} {
		if !strings.Contains(u.DeviceID, key) && !strings.Contains(u.DeviceID, longKey(key)) {
			return bad("printer.usb.device_id", "%q has no %s field; an IEEE 1284 device ID needs MFG (MANUFACTURER), MDL (MODEL) and CMD (COMMAND SET)", u.DeviceID, strings.TrimSuffix(key, ":"))
		}
	}
	return nil
}

func longKey(key string) string {
	return map[string]string{"MFG:": "MANUFACTURER:", "CMD:": "COMMAND SET:"}[key]
}

// String is the VID:PID in lsusb's form.
func (u PrinterUSB) String() string { return fmt.Sprintf("%04x:%04x", u.VID, u.PID) }
