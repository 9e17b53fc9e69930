//go:build libusb

package usb

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"sync"
	"time"

	"github.com/google/gousb"
)

// Libusb reports whether this binary has the libusb backend (build tag
// libusb).
const Libusb = true

// Open opens the first physical device that matches m through libusb
// (github.com/google/gousb), detaching a kernel driver (usblp) that holds
// it, and claims every interface of its active configuration. ctx bounds
// nothing here (libusb opens at once) but is taken for symmetry with
// OpenUSBIP.
func Open(_ context.Context, m Match) (Device, error) {
	uctx := gousb.NewContext()
	fail := func(err error) (Device, error) {
		uctx.Close()
		return nil, err
	}
	var seen int
	devs, err := uctx.OpenDevices(func(d *gousb.DeviceDesc) bool {
		ok := uint16(d.Vendor) == m.VendorID && uint16(d.Product) == m.ProductID
		if ok {
			seen++
		}
		return ok
	})
	var dev *gousb.Device
	for _, d := range devs {
		if dev == nil && (m.Serial == "" || serialOf(d) == m.Serial) {
			dev = d
			continue
		}
		d.Close()
	}
	if dev == nil {
		switch {
		case errors.Is(err, gousb.ErrorAccess):
			return fail(fmt.Errorf("usb:%s: permission denied opening it (%v): run as root, or add a udev rule such as SUBSYSTEM==\"usb\", ATTR{idVendor}==\"%04x\", MODE=\"0660\", GROUP=\"plugdev\"", m, err, m.VendorID))
		case err != nil:
			return fail(fmt.Errorf("usb:%s: %w", m, err))
		case seen > 0:
			return fail(fmt.Errorf("%w: usb:%s: %d device(s) with that VID:PID, none with serial %q", ErrNoDevice, m, seen, m.Serial))
		}
		return fail(fmt.Errorf("%w: usb:%s: no such device attached (lsusb lists what is)", ErrNoDevice, m))
	}
	g, err := openGousb(uctx, dev, m)
	if err != nil {
		dev.Close()
		return fail(err)
	}
	return g, nil
}

func serialOf(d *gousb.Device) string {
	s, _ := d.SerialNumber()
	return s
}

// gousbDevice is a Device on libusb.
type gousbDevice struct {
	uctx *gousb.Context
	dev  *gousb.Device
	cfg  *gousb.Config
	intf []*gousb.Interface
	in   map[uint8]*gousb.InEndpoint
	out  map[uint8]*gousb.OutEndpoint
	info Info

	cmu sync.Mutex // Device.ControlTimeout is one field for every caller
}

func openGousb(uctx *gousb.Context, dev *gousb.Device, m Match) (*gousbDevice, error) {
	addr := fmt.Sprintf("usb:%s (bus %d device %d)", m, dev.Desc.Bus, dev.Desc.Address)
	if err := dev.SetAutoDetach(true); err != nil {
		return nil, fmt.Errorf("%s: detaching the kernel driver: %w", addr, err)
	}
	num, err := dev.ActiveConfigNum()
	if err != nil || num == 0 {
		nums := make([]int, 0, len(dev.Desc.Configs))
		for n := range dev.Desc.Configs {
			nums = append(nums, n)
		}
		sort.Ints(nums)
		if len(nums) == 0 {
			return nil, fmt.Errorf("%s: %w: no configuration", addr, ErrProtocol)
		}
		num = nums[0]
	}
	g := &gousbDevice{uctx: uctx, dev: dev, in: map[uint8]*gousb.InEndpoint{}, out: map[uint8]*gousb.OutEndpoint{}}
	if g.cfg, err = dev.Config(num); err != nil {
		return nil, fmt.Errorf("%s: configuration %d: %w", addr, num, mapGousb(err))
	}
	desc := dev.Desc.Configs[num]
	g.info = Info{Address: addr, VendorID: uint16(dev.Desc.Vendor), ProductID: uint16(dev.Desc.Product),
		Class: uint8(dev.Desc.Class), SubClass: uint8(dev.Desc.SubClass), Protocol: uint8(dev.Desc.Protocol),
		Config: Config{Value: uint8(desc.Number)}}
	g.info.Manufacturer, _ = dev.Manufacturer()
	g.info.Product, _ = dev.Product()
	g.info.Serial, _ = dev.SerialNumber()
	for _, id := range desc.Interfaces {
		for _, alt := range id.AltSettings {
			in := Interface{Number: uint8(alt.Number), Alt: uint8(alt.Alternate), Class: uint8(alt.Class),
				SubClass: uint8(alt.SubClass), Protocol: uint8(alt.Protocol)}
			for _, ep := range alt.Endpoints {
				in.Endpoints = append(in.Endpoints, Endpoint{Address: uint8(ep.Address), Type: TransferType(ep.TransferType), MaxPacketSize: uint16(ep.MaxPacketSize)})
			}
			sort.Slice(in.Endpoints, func(i, j int) bool { return in.Endpoints[i].Address < in.Endpoints[j].Address })
			g.info.Config.Interfaces = append(g.info.Config.Interfaces, in)
		}
		intf, err := g.cfg.Interface(id.Number, 0)
		if err != nil {
			g.Close()
			return nil, fmt.Errorf("%s: claiming interface %d: %w", addr, id.Number, mapGousb(err))
		}
		g.intf = append(g.intf, intf)
		for _, ep := range intf.Setting.Endpoints {
			if ep.Direction == gousb.EndpointDirectionIn {
				if e, err := intf.InEndpoint(ep.Number); err == nil {
					g.in[uint8(ep.Address)] = e
				}
			} else if e, err := intf.OutEndpoint(ep.Number); err == nil {
				g.out[uint8(ep.Address)] = e
			}
		}
	}
	return g, nil
}

func (g *gousbDevice) Info() Info { return g.info }

func (g *gousbDevice) Control(ctx context.Context, rType, request uint8, value, index uint16, data []byte) (int, error) {
	if err := ctx.Err(); err != nil {
		return 0, &TransferError{Op: "control", Address: g.info.Address, Err: err}
	}
	g.cmu.Lock()
	defer g.cmu.Unlock()
	g.dev.ControlTimeout = 0 // libusb: no limit
	if dl, ok := ctx.Deadline(); ok {
		g.dev.ControlTimeout = max(time.Until(dl), time.Millisecond)
	}
	n, err := g.dev.Control(rType, request, value, index, data)
	if err != nil {
		return n, &TransferError{Op: "control", Address: g.info.Address, Err: mapGousbCtx(ctx, err)}
	}
	return n, nil
}

func (g *gousbDevice) BulkOut(ctx context.Context, ep uint8, data []byte) (int, error) {
	e := g.out[ep]
	if e == nil {
		return 0, &TransferError{Op: "bulk out", Address: g.info.Address, EP: ep, Err: fmt.Errorf("%w: no such OUT endpoint", ErrNoDevice)}
	}
	n, err := e.WriteContext(ctx, data)
	if err != nil {
		return n, &TransferError{Op: "bulk out", Address: g.info.Address, EP: ep, Err: mapGousbCtx(ctx, err)}
	}
	return n, nil
}

func (g *gousbDevice) BulkIn(ctx context.Context, ep uint8, buf []byte) (int, error) {
	e := g.in[ep]
	if e == nil {
		return 0, &TransferError{Op: "bulk in", Address: g.info.Address, EP: ep, Err: fmt.Errorf("%w: no such IN endpoint", ErrNoDevice)}
	}
	n, err := e.ReadContext(ctx, buf)
	if err != nil && n == 0 {
		return 0, &TransferError{Op: "bulk in", Address: g.info.Address, EP: ep, Err: mapGousbCtx(ctx, err)}
	}
	// A cancelled transfer that had already received data keeps it.
	return n, nil
}

func (g *gousbDevice) Close() error {
	for _, i := range g.intf {
		i.Close()
	}
	var errs []error
	if g.cfg != nil {
		errs = append(errs, g.cfg.Close())
	}
	errs = append(errs, g.dev.Close(), g.uctx.Close())
	return errors.Join(errs...)
}

func mapGousbCtx(ctx context.Context, err error) error {
	if errors.Is(err, gousb.TransferCancelled) && ctx.Err() != nil {
		return ctx.Err()
	}
	return mapGousb(err)
}

// mapGousb turns libusb's errors into this package's.
func mapGousb(err error) error {
	switch {
	case errors.Is(err, gousb.ErrorNoDevice), errors.Is(err, gousb.TransferNoDevice):
		return fmt.Errorf("%w: %v", ErrDisconnected, err)
	case errors.Is(err, gousb.ErrorPipe), errors.Is(err, gousb.TransferStall):
		return fmt.Errorf("%w: %v", ErrStall, err)
	case errors.Is(err, gousb.ErrorTimeout), errors.Is(err, gousb.TransferTimedOut):
		return fmt.Errorf("%w: %v", context.DeadlineExceeded, err)
	case errors.Is(err, gousb.ErrorBusy):
		return fmt.Errorf("%w: %v (another program has claimed it)", ErrBusy, err)
	}
	return err
}
