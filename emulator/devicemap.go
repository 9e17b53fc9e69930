package emulator

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sync/atomic"
)

// MapFile is the name of the device map in the device directory.
const MapFile = "devices.json"

// DeviceMap is the content of devices.json and of `posemu --json`. Its
// format is stable and documented in docs/device-map.md; later versions
// add keys (usbip, payment_gateway) but never change these.
type DeviceMap struct {
	ControlAPI string                `json:"control_api"` // "" when no control API serves this emulator
	Profile    string                `json:"profile"`
	DevDir     string                `json:"devdir"`
	PID        int                   `json:"pid"`
	Devices    map[string]DeviceInfo `json:"devices"`
	// PaymentGateway is the full URL of the emulated Alipay gateway
	// (emulator/hostsim), e.g. http://127.0.0.1:8090/gateway.do; absent
	// when none runs.
	PaymentGateway string `json:"payment_gateway,omitempty"`
	// USBIP is the USB/IP server and what it exports; absent when the
	// emulator runs without one.
	USBIP *USBIPMap `json:"usbip,omitempty"`
}

// gatewayURL holds the payment gateway URL; it is read without e.mu.
type gatewayURL struct{ v atomic.Pointer[string] }

func (g *gatewayURL) get() string {
	if p := g.v.Load(); p != nil {
		return *p
	}
	return ""
}

// SetPaymentGateway names the payment simulator's URL in the device map
// ("" for none), rewriting devices.json if it was written already.
func (e *Emulator) SetPaymentGateway(url string) error {
	e.gateway.v.Store(&url)
	e.mu.Lock()
	defer e.mu.Unlock()
	if !e.mapWritten || e.closed {
		return nil
	}
	return e.writeMapLocked()
}

// DeviceMap describes the emulator as it is now; controlURL is where its
// control API listens ("" for none).
func (e *Emulator) DeviceMap(controlURL string) DeviceMap {
	m := DeviceMap{
		ControlAPI: controlURL,
		Profile:    e.profile.Name,
		DevDir:     e.devdir,
		PID:        os.Getpid(),
		Devices:    map[string]DeviceInfo{},

		PaymentGateway: e.gateway.get(),
		USBIP:          e.usbipMap(),
	}
	for _, d := range e.Devices() {
		m.Devices[d.Name] = d
	}
	return m
}

// ControlURL is the control API address last given to WriteDeviceMap.
func (e *Emulator) ControlURL() string {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.controlURL
}

// WriteDeviceMap writes devdir/devices.json, and from then on rewrites it
// after every unplug and replug. Call it once everything (the control API
// included) is ready: a tool that waits for devices.json to appear may use
// all of it at once.
func (e *Emulator) WriteDeviceMap(controlURL string) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.closed {
		return ErrClosed
	}
	e.controlURL = controlURL
	e.mapWritten = true
	return e.writeMapLocked()
}

// MapPath is where devices.json is (it exists once WriteDeviceMap ran).
func (e *Emulator) MapPath() string { return e.mapPath() }

func (e *Emulator) mapPath() string { return filepath.Join(e.devdir, MapFile) }

// writeMapLocked replaces the map atomically, so a reader never sees half
// of it; the caller holds e.mu.
func (e *Emulator) writeMapLocked() error {
	data, err := json.MarshalIndent(e.DeviceMap(e.controlURL), "", "  ")
	if err != nil {
		return fmt.Errorf("device map: %w", err)
	}
	tmp := e.mapPath() + ".tmp"
	if err := os.WriteFile(tmp, append(data, '\n'), 0o644); err != nil {
		return fmt.Errorf("device map: %w", err)
	}
	if err := os.Rename(tmp, e.mapPath()); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("device map: %w", err)
	}
	return nil
}
