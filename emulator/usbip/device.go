package usbip

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"unicode/utf16"
)

// Setup is the 8-byte setup packet of a control transfer.
type Setup struct {
	RequestType uint8
	Request     uint8
	Value       uint16
	Index       uint16
	Length      uint16
}

func parseSetup(b [setupPacketLen]byte) Setup {
	return Setup{
		RequestType: b[0],
		Request:     b[1],
		Value:       binary.LittleEndian.Uint16(b[2:]),
		Index:       binary.LittleEndian.Uint16(b[4:]),
		Length:      binary.LittleEndian.Uint16(b[6:]),
	}
}

// In reports whether the data stage goes to the host.
func (s Setup) In() bool { return s.RequestType&0x80 != 0 }

// Kind is the request type: KindStandard, KindClass or KindVendor.
func (s Setup) Kind() uint8 { return s.RequestType >> 5 & 3 }

// Recipient is RecipientDevice, RecipientInterface or RecipientEndpoint.
func (s Setup) Recipient() uint8 { return s.RequestType & 0x1f }

func (s Setup) String() string {
	return fmt.Sprintf("%02x %02x %04x %04x %04x", s.RequestType, s.Request, s.Value, s.Index, s.Length)
}

// Request kinds and recipients (bmRequestType fields).
const (
	KindStandard = 0
	KindClass    = 1
	KindVendor   = 2

	RecipientDevice    = 0
	RecipientInterface = 1
	RecipientEndpoint  = 2
)

// Speed is a USB device speed as USB/IP reports it (Linux's enum
// usb_device_speed).
type Speed uint32

const (
	SpeedLow  Speed = 1
	SpeedFull Speed = 2
	SpeedHigh Speed = 3
)

// TransferType is an endpoint's transfer type (bmAttributes bits 0–1).
type TransferType uint8

const (
	TransferControl   TransferType = 0
	TransferIso       TransferType = 1
	TransferBulk      TransferType = 2
	TransferInterrupt TransferType = 3
)

// ErrStall is what a handler returns to stall: the host sees EPIPE, and a
// stalled bulk or interrupt endpoint stays halted until CLEAR_FEATURE.
var ErrStall = errors.New("usbip: stall")

// OutHandler takes the data of one OUT transfer and says how many bytes
// it consumed.
type OutHandler func(ctx context.Context, data []byte) (int, error)

// InHandler answers one IN transfer with at most max bytes. It may wait
// for data until ctx ends: an IN URB stays pending on the wire until the
// handler returns, and the host cancels it with an UNLINK, which cancels
// ctx.
type InHandler func(ctx context.Context, max int) ([]byte, error)

// Endpoint is one endpoint and what handles its transfers.
type Endpoint struct {
	Address       uint8 // 0x01 is OUT 1, 0x82 is IN 2
	Type          TransferType
	MaxPacketSize uint16
	Interval      uint8
	Out           OutHandler // for an OUT endpoint
	In            InHandler  // for an IN endpoint
}

// Interface is one alternate setting of one interface.
type Interface struct {
	Number    uint8
	Alt       uint8
	Class     uint8
	SubClass  uint8
	Protocol  uint8
	Name      string // "" for no string descriptor
	Extra     []byte // class-specific descriptors, between the interface and its endpoints
	Endpoints []Endpoint
}

// Descriptor is everything the server needs to present a device: its
// descriptors (built from these fields, with string indexes assigned by
// the server) and its endpoint handlers. Zero fields get the defaults
// noted.
type Descriptor struct {
	USBVersion     uint16 // bcdUSB; 0 means 0x0200
	Class          uint8
	SubClass       uint8
	Protocol       uint8
	MaxPacketSize0 uint8 // 0 means 64
	VendorID       uint16
	ProductID      uint16
	DeviceVersion  uint16 // bcdDevice
	Manufacturer   string
	Product        string
	Serial         string
	Speed          Speed // 0 means SpeedFull
	ConfigValue    uint8 // 0 means 1
	SelfPowered    bool
	MaxPowerMA     int // bMaxPower in mA
	Interfaces     []Interface
}

// Device is an emulated USB device. The server answers the standard
// requests (descriptors, configuration, interface, status, halt) itself
// and passes everything else to Control.
type Device interface {
	// Descriptor is read once, when the device is added.
	Descriptor() Descriptor
	// Control handles a class or vendor request, or a standard one the
	// server does not know. It returns the data stage of an IN request
	// (the server cuts it to wLength), or ErrStall.
	Control(ctx context.Context, s Setup, data []byte) ([]byte, error)
}

// Importer is implemented by devices that want to know when a client
// takes them (OP_REQ_IMPORT) and when it lets go (its connection closed,
// or the device was removed).
type Importer interface {
	Imported()
	Released()
}

// Descriptor types.
const (
	descDevice    = 1
	descConfig    = 2
	descString    = 3
	descInterface = 4
	descEndpoint  = 5
)

// normalize fills defaults and checks what the wire format cannot carry.
func (d *Descriptor) normalize() error {
	if d.USBVersion == 0 {
		d.USBVersion = 0x0200
	}
	if d.MaxPacketSize0 == 0 {
		d.MaxPacketSize0 = 64
	}
	if d.Speed == 0 {
		d.Speed = SpeedFull
	}
	if d.ConfigValue == 0 {
		d.ConfigValue = 1
	}
	if d.MaxPowerMA < 0 || d.MaxPowerMA > 500 {
		return fmt.Errorf("max power %d mA is out of range 0–500", d.MaxPowerMA)
	}
	if len(d.Interfaces) == 0 {
		return errors.New("a device needs at least one interface")
	}
	seen := map[[2]uint8]bool{}
	for _, in := range d.Interfaces {
		seen[[2]uint8{in.Number, in.Alt}] = false
	}
	for _, in := range d.Interfaces {
		if _, ok := seen[[2]uint8{in.Number, 0}]; !ok {
			return fmt.Errorf("interface %d has no alternate setting 0", in.Number)
		}
	}
	for _, in := range d.Interfaces {
		k := [2]uint8{in.Number, in.Alt}
		if seen[k] {
			return fmt.Errorf("interface %d alternate setting %d is defined twice", in.Number, in.Alt)
		}
		seen[k] = true
		for _, ep := range in.Endpoints {
			switch {
			case ep.Address&0x0f == 0 || ep.Address&0x70 != 0:
				return fmt.Errorf("interface %d: bad endpoint address %#02x", in.Number, ep.Address)
			case ep.Address&0x80 != 0 && ep.In == nil:
				return fmt.Errorf("interface %d: IN endpoint %#02x has no In handler", in.Number, ep.Address)
			case ep.Address&0x80 == 0 && ep.Out == nil:
				return fmt.Errorf("interface %d: OUT endpoint %#02x has no Out handler", in.Number, ep.Address)
			}
		}
	}
	return nil
}

// numInterfaces counts interface numbers, not alternate settings.
func (d *Descriptor) numInterfaces() int {
	n := map[uint8]bool{}
	for _, in := range d.Interfaces {
		n[in.Number] = true
	}
	return len(n)
}

// tables are the descriptors in wire form, built once per device.
type tables struct {
	device  []byte
	config  []byte
	strings []string // index i+1 is strings[i]
}

func buildTables(d *Descriptor) tables {
	var t tables
	str := func(s string) uint8 {
		if s == "" || len(t.strings) >= 255 {
			return 0
		}
		t.strings = append(t.strings, s)
		return uint8(len(t.strings))
	}
	iMfr, iProd, iSer := str(d.Manufacturer), str(d.Product), str(d.Serial)
	t.device = []byte{18, descDevice, 0, 0, d.Class, d.SubClass, d.Protocol, d.MaxPacketSize0,
		0, 0, 0, 0, 0, 0, iMfr, iProd, iSer, 1}
	binary.LittleEndian.PutUint16(t.device[2:], d.USBVersion)
	binary.LittleEndian.PutUint16(t.device[8:], d.VendorID)
	binary.LittleEndian.PutUint16(t.device[10:], d.ProductID)
	binary.LittleEndian.PutUint16(t.device[12:], d.DeviceVersion)

	attrs := uint8(0x80) // bit 7 is reserved and always set
	if d.SelfPowered {
		attrs |= 0x40
	}
	cfg := []byte{9, descConfig, 0, 0, uint8(d.numInterfaces()), d.ConfigValue, 0, attrs, uint8(d.MaxPowerMA / 2)}
	for _, in := range d.Interfaces {
		cfg = append(cfg, 9, descInterface, in.Number, in.Alt, uint8(len(in.Endpoints)), in.Class, in.SubClass, in.Protocol, str(in.Name))
		cfg = append(cfg, in.Extra...)
		for _, ep := range in.Endpoints {
			cfg = append(cfg, 7, descEndpoint, ep.Address, uint8(ep.Type)&3, 0, 0, ep.Interval)
			binary.LittleEndian.PutUint16(cfg[len(cfg)-3:], ep.MaxPacketSize)
		}
	}
	binary.LittleEndian.PutUint16(cfg[2:], uint16(len(cfg)))
	t.config = cfg
	return t
}

// stringDescriptor is string index i (0: the language list, US English).
func (t *tables) stringDescriptor(i uint8) ([]byte, bool) {
	if i == 0 {
		return []byte{4, descString, 0x09, 0x04}, true
	}
	if int(i) > len(t.strings) {
		return nil, false
	}
	u := utf16.Encode([]rune(t.strings[i-1]))
	if len(u) > 126 {
		u = u[:126] // bLength is one byte
	}
	b := []byte{uint8(2 + 2*len(u)), descString}
	for _, c := range u {
		b = binary.LittleEndian.AppendUint16(b, c)
	}
	return b, true
}
