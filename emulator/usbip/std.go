package usbip

import (
	"context"
	"sync"
)

// Standard requests (USB 2.0 table 9-4).
const (
	reqGetStatus        = 0
	reqClearFeature     = 1
	reqSetFeature       = 3
	reqSetAddress       = 5
	reqGetDescriptor    = 6
	reqGetConfiguration = 8
	reqSetConfiguration = 9
	reqGetInterface     = 10
	reqSetInterface     = 11

	featureEndpointHalt = 0
)

// exported is one device the server offers, with the state the standard
// requests change. The state starts over on every import, as a real
// device's does on the bus reset that precedes enumeration.
type exported struct {
	busID  string
	busNum uint32
	devNum uint32
	dev    Device
	desc   Descriptor
	tab    tables

	mu     sync.Mutex
	owner  *conn // the importing connection; nil when free
	config uint8 // 0: unconfigured
	alt    map[uint8]uint8
	halted map[uint8]bool
}

func (x *exported) devID() uint32 { return x.busNum<<16 | x.devNum }

func (x *exported) reset() {
	x.mu.Lock()
	defer x.mu.Unlock()
	x.config = 0
	x.alt = map[uint8]uint8{}
	x.halted = map[uint8]bool{}
}

// endpoint finds addr among the current alternate settings.
func (x *exported) endpoint(addr uint8) (Endpoint, bool) {
	x.mu.Lock()
	defer x.mu.Unlock()
	for _, in := range x.desc.Interfaces {
		if x.alt[in.Number] != in.Alt {
			continue
		}
		for _, ep := range in.Endpoints {
			if ep.Address == addr {
				return ep, true
			}
		}
	}
	return Endpoint{}, false
}

func (x *exported) isHalted(addr uint8) bool {
	x.mu.Lock()
	defer x.mu.Unlock()
	return x.halted[addr]
}

func (x *exported) setHalted(addr uint8, h bool) {
	x.mu.Lock()
	defer x.mu.Unlock()
	x.halted[addr] = h
}

// control answers a control transfer: standard requests here, the rest
// by the device.
func (x *exported) control(ctx context.Context, s Setup, data []byte) ([]byte, error) {
	if s.Kind() != KindStandard {
		return x.dev.Control(ctx, s, data)
	}
	x.mu.Lock()
	reply, handled, err := x.standard(s)
	x.mu.Unlock()
	if handled {
		return reply, err
	}
	return x.dev.Control(ctx, s, data)
}

// standard handles the standard requests every device answers alike; the
// caller holds x.mu. handled is false for what the device must answer.
func (x *exported) standard(s Setup) (reply []byte, handled bool, err error) {
	switch {
	case s.RequestType == 0x80 && s.Request == reqGetDescriptor:
		return x.getDescriptor(s)
	case s.RequestType == 0x00 && s.Request == reqSetAddress:
		return nil, true, nil // vhci_hcd answers it; a direct client may send it
	case s.RequestType == 0x00 && s.Request == reqSetConfiguration:
		switch uint8(s.Value) {
		case 0, x.desc.ConfigValue:
			x.config = uint8(s.Value)
			x.alt = map[uint8]uint8{}
			x.halted = map[uint8]bool{}
			return nil, true, nil
		}
		return nil, true, ErrStall
	case s.RequestType == 0x80 && s.Request == reqGetConfiguration:
		return []byte{x.config}, true, nil
	case s.RequestType == 0x80 && s.Request == reqGetStatus:
		st := byte(0)
		if x.desc.SelfPowered {
			st = 1
		}
		return []byte{st, 0}, true, nil
	case s.RequestType == 0x81 && s.Request == reqGetStatus:
		if !x.hasInterface(uint8(s.Index)) {
			return nil, true, ErrStall
		}
		return []byte{0, 0}, true, nil
	case s.RequestType == 0x82 && s.Request == reqGetStatus:
		addr := uint8(s.Index)
		if addr&0x0f != 0 && !x.hasEndpoint(addr) {
			return nil, true, ErrStall
		}
		st := byte(0)
		if x.halted[addr] {
			st = 1
		}
		return []byte{st, 0}, true, nil
	case s.RequestType == 0x02 && (s.Request == reqClearFeature || s.Request == reqSetFeature):
		addr := uint8(s.Index)
		if s.Value != featureEndpointHalt || (addr&0x0f != 0 && !x.hasEndpoint(addr)) {
			return nil, true, ErrStall
		}
		if addr&0x0f != 0 {
			x.halted[addr] = s.Request == reqSetFeature
		}
		return nil, true, nil
	case s.RequestType == 0x00 && (s.Request == reqClearFeature || s.Request == reqSetFeature):
		return nil, true, nil // remote wakeup, test mode: nothing to emulate
	case s.RequestType == 0x01 && s.Request == reqSetInterface:
		num, alt := uint8(s.Index), uint8(s.Value)
		for _, in := range x.desc.Interfaces {
			if in.Number == num && in.Alt == alt {
				x.alt[num] = alt
				for _, ep := range in.Endpoints {
					delete(x.halted, ep.Address)
				}
				return nil, true, nil
			}
		}
		return nil, true, ErrStall
	case s.RequestType == 0x81 && s.Request == reqGetInterface:
		if !x.hasInterface(uint8(s.Index)) {
			return nil, true, ErrStall
		}
		return []byte{x.alt[uint8(s.Index)]}, true, nil
	}
	return nil, false, nil
}

func (x *exported) getDescriptor(s Setup) ([]byte, bool, error) {
	switch s.Value >> 8 {
	case descDevice:
		return x.tab.device, true, nil
	case descConfig:
		if s.Value&0xff != 0 {
			return nil, true, ErrStall
		}
		return x.tab.config, true, nil
	case descString:
		if b, ok := x.tab.stringDescriptor(uint8(s.Value)); ok {
			return b, true, nil
		}
		return nil, true, ErrStall
	}
	// A full-speed device stalls DEVICE_QUALIFIER and, with bcdUSB 2.00,
	// is never asked for a BOS; anything else is the device's (a HID
	// report descriptor, say).
	return nil, false, nil
}

func (x *exported) hasInterface(num uint8) bool {
	for _, in := range x.desc.Interfaces {
		if in.Number == num {
			return true
		}
	}
	return false
}

func (x *exported) hasEndpoint(addr uint8) bool {
	for _, in := range x.desc.Interfaces {
		for _, ep := range in.Endpoints {
			if ep.Address == addr {
				return true
			}
		}
	}
	return false
}
