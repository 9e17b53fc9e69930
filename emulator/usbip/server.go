package usbip

import (
	"encoding/binary"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Options tune a Server.
type Options struct {
	// Log receives one line per connection that ends with an error (the
	// reason a malformed PDU was refused, say); nil discards them.
	Log *slog.Logger
	// MaxTransfer bounds transfer_buffer_length; 0 means
	// DefaultMaxTransfer.
	MaxTransfer int
	// DrainTimeout bounds how long Remove waits for the device's handlers
	// to return before it closes the connection anyway; 0 means 2 s.
	DrainTimeout time.Duration
}

// Server exports emulated devices over USB/IP. Each device is imported
// by at most one client at a time, as with the kernel's usbipd; any
// number of clients may list them.
type Server struct {
	opts Options

	mu        sync.Mutex
	devices   map[string]*exported
	nextDev   uint32
	conns     map[*conn]struct{}
	listeners map[net.Listener]struct{}
	closed    bool
	wg        sync.WaitGroup
}

// ErrServerClosed is returned by Serve and Add after Close.
var ErrServerClosed = errors.New("usbip: server closed")

// NewServer returns a server with no devices.
func NewServer(opts Options) *Server {
	if opts.Log == nil {
		opts.Log = slog.New(slog.DiscardHandler)
	}
	if opts.MaxTransfer <= 0 {
		opts.MaxTransfer = DefaultMaxTransfer
	}
	if opts.DrainTimeout <= 0 {
		opts.DrainTimeout = 2 * time.Second
	}
	return &Server{
		opts:      opts,
		devices:   map[string]*exported{},
		nextDev:   2,
		conns:     map[*conn]struct{}{},
		listeners: map[net.Listener]struct{}{},
	}
}

var busIDPattern = regexp.MustCompile(`^([1-9][0-9]{0,2})-[1-9][0-9]?(\.[1-9][0-9]?)*$`)

// Add offers d under busID ("1-1", "2-1.3": bus, then port path); a
// client imports it by that id. It is how a device is plugged in.
func (s *Server) Add(busID string, d Device) error {
	m := busIDPattern.FindStringSubmatch(busID)
	if m == nil || len(busID) >= busIDSize {
		return fmt.Errorf("usbip: bus id %q is not of the form BUS-PORT[.PORT…], e.g. 1-1", busID)
	}
	desc := d.Descriptor()
	if err := desc.normalize(); err != nil {
		return fmt.Errorf("usbip: device %s: %w", busID, err)
	}
	bus, _ := strconv.Atoi(m[1])
	x := &exported{busID: busID, busNum: uint32(bus), dev: d, desc: desc, tab: buildTables(&desc)}
	x.reset()
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return ErrServerClosed
	}
	if _, dup := s.devices[busID]; dup {
		return fmt.Errorf("usbip: bus id %s is already in use", busID)
	}
	x.devNum = s.nextDev
	s.nextDev = s.nextDev%127 + 1 // device addresses are 1–127 and wrap
	if s.nextDev == 1 {
		s.nextDev = 2
	}
	s.devices[busID] = x
	return nil
}

// Remove unplugs the device at busID: its pending URBs complete with
// ESHUTDOWN, as the kernel completes them when a device goes away, then
// the connection that imported it is closed, which is how a USB/IP client
// learns that its device is gone. Removing an absent device does nothing.
func (s *Server) Remove(busID string) {
	s.mu.Lock()
	x := s.devices[busID]
	delete(s.devices, busID)
	var owner *conn
	if x != nil {
		x.mu.Lock()
		owner = x.owner
		x.mu.Unlock()
	}
	s.mu.Unlock()
	if owner != nil {
		owner.unplug(s.opts.DrainTimeout)
	}
}

// DeviceInfo is one exported device as the server lists it.
type DeviceInfo struct {
	BusID     string
	VendorID  uint16
	ProductID uint16
	Class     [3]uint8 // class, subclass, protocol of the first interface
	Imported  bool     // a client holds it
	Client    string   // the importing client's address
}

// Devices lists the exported devices by bus id.
func (s *Server) Devices() []DeviceInfo {
	s.mu.Lock()
	list := make([]*exported, 0, len(s.devices))
	for _, x := range s.devices {
		list = append(list, x)
	}
	s.mu.Unlock()
	sort.Slice(list, func(i, j int) bool { return list[i].busID < list[j].busID })
	out := make([]DeviceInfo, 0, len(list))
	for _, x := range list {
		in := x.desc.Interfaces[0]
		info := DeviceInfo{BusID: x.busID, VendorID: x.desc.VendorID, ProductID: x.desc.ProductID,
			Class: [3]uint8{in.Class, in.SubClass, in.Protocol}}
		x.mu.Lock()
		if x.owner != nil {
			info.Imported, info.Client = true, x.owner.nc.RemoteAddr().String()
		}
		x.mu.Unlock()
		out = append(out, info)
	}
	return out
}

// Serve accepts USB/IP clients on l until Close; it returns nil then.
func (s *Server) Serve(l net.Listener) error {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return ErrServerClosed
	}
	s.listeners[l] = struct{}{}
	s.mu.Unlock()
	for {
		nc, err := l.Accept()
		if err != nil {
			s.mu.Lock()
			closed := s.closed
			delete(s.listeners, l)
			s.mu.Unlock()
			if closed {
				return nil
			}
			return err
		}
		c := newConn(s, nc)
		s.mu.Lock()
		if s.closed {
			s.mu.Unlock()
			nc.Close()
			continue
		}
		s.conns[c] = struct{}{}
		s.wg.Add(1)
		s.mu.Unlock()
		go func() {
			defer s.wg.Done()
			c.serve()
			s.mu.Lock()
			delete(s.conns, c)
			s.mu.Unlock()
		}()
	}
}

// Close stops every listener and connection and waits for them.
func (s *Server) Close() error {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return nil
	}
	s.closed = true
	var errs []error
	for l := range s.listeners {
		if err := l.Close(); err != nil && !errors.Is(err, net.ErrClosed) {
			errs = append(errs, err)
		}
	}
	for c := range s.conns {
		c.nc.Close()
	}
	s.mu.Unlock()
	s.wg.Wait()
	return errors.Join(errs...)
}

// CheckLoopback refuses a listen address off the loopback interface: the
// server has no authentication, and an imported printer takes whatever a
// client sends it.
func CheckLoopback(addr string) error {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("USB/IP listen address %q: %v (expected host:port, e.g. 127.0.0.1:3240)", addr, strings.TrimPrefix(err.Error(), "address "+addr+": "))
	}
	ip := net.ParseIP(strings.Trim(host, "[]"))
	if !strings.EqualFold(host, "localhost") && (ip == nil || !ip.IsLoopback()) {
		return fmt.Errorf("USB/IP listen address %q is not loopback; the USB/IP server is loopback only (use 127.0.0.1:PORT or [::1]:PORT)", addr)
	}
	return nil
}

// Listen opens a loopback TCP listener for the server.
func Listen(addr string) (net.Listener, error) {
	if err := CheckLoopback(addr); err != nil {
		return nil, err
	}
	return net.Listen("tcp", addr)
}

// appendDevlist encodes OP_REP_DEVLIST.
func (s *Server) appendDevlist(b []byte) []byte {
	s.mu.Lock()
	list := make([]*exported, 0, len(s.devices))
	for _, x := range s.devices {
		list = append(list, x)
	}
	s.mu.Unlock()
	sort.Slice(list, func(i, j int) bool { return list[i].busID < list[j].busID })
	b = appendOpHeader(b, opRepDevlist, stOK)
	b = binary.BigEndian.AppendUint32(b, uint32(len(list)))
	for _, x := range list {
		b = x.appendUdev(b)
		for _, in := range x.desc.Interfaces {
			if in.Alt == 0 {
				b = append(b, in.Class, in.SubClass, in.Protocol, 0)
			}
		}
	}
	return b
}

// appendUdev encodes struct usbip_usb_device.
func (x *exported) appendUdev(b []byte) []byte {
	start := len(b)
	b = append(b, make([]byte, pathSize+busIDSize)...)
	putCString(b[start:start+pathSize], "/sys/devices/platform/posemu/usb"+strconv.Itoa(int(x.busNum))+"/"+x.busID)
	putCString(b[start+pathSize:start+pathSize+busIDSize], x.busID)
	d := &x.desc
	b = binary.BigEndian.AppendUint32(b, x.busNum)
	b = binary.BigEndian.AppendUint32(b, x.devNum)
	b = binary.BigEndian.AppendUint32(b, uint32(d.Speed))
	b = binary.BigEndian.AppendUint16(b, d.VendorID)
	b = binary.BigEndian.AppendUint16(b, d.ProductID)
	b = binary.BigEndian.AppendUint16(b, d.DeviceVersion)
	return append(b, d.Class, d.SubClass, d.Protocol, d.ConfigValue, 1, uint8(d.numInterfaces()))
}
