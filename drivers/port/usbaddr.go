package port

import (
	"fmt"
	"net"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// DefaultUSBIPPort is usbipd's TCP port, used when a usbip:// address
// names none.
const DefaultUSBIPPort = "3240"

var (
	hexID      = regexp.MustCompile(`^[0-9a-fA-F]{4}$`)
	busIDShape = regexp.MustCompile(`^[1-9][0-9]{0,2}-[1-9][0-9]?(\.[1-9][0-9]?)*$`)
)

// parseUSB reads usb:VID:PID[?serial=S], IDs in hex as lsusb shows them.
func parseUSB(addr, rest string) (Address, error) {
	bad := func(part, format string, args ...any) (Address, error) {
		return Address{}, &AddressError{Address: addr, Part: part, Reason: fmt.Sprintf(format, args...)}
	}
	ids, query, _ := strings.Cut(rest, "?")
	if strings.HasPrefix(ids, "//") {
		return bad("path", "write usb:VID:PID without //, e.g. usb:04b8:0202")
	}
	vid, pid, ok := strings.Cut(ids, ":")
	if !ok {
		return bad("path", "%q is not VID:PID; write usb:04b8:0202 (the IDs lsusb shows)", ids)
	}
	if !hexID.MatchString(vid) {
		return bad("vid", "bad vendor ID %q: want 4 hex digits, e.g. 04b8", vid)
	}
	if !hexID.MatchString(pid) {
		return bad("pid", "bad product ID %q: want 4 hex digits, e.g. 0202", pid)
	}
	v, _ := strconv.ParseUint(vid, 16, 16)
	p, _ := strconv.ParseUint(pid, 16, 16)
	a := Address{Scheme: SchemeUSB, VendorID: uint16(v), ProductID: uint16(p)}
	opts, err := parseQuery(addr, query, "serial")
	if err != nil {
		return Address{}, err
	}
	a.Serial = opts["serial"]
	return a, nil
}

// parseUSBIP reads usbip://HOST[:PORT]/BUSID[?timeout=D].
func parseUSBIP(addr, rest string) (Address, error) {
	bad := func(part, format string, args ...any) (Address, error) {
		return Address{}, &AddressError{Address: addr, Part: part, Reason: fmt.Sprintf(format, args...)}
	}
	const example = "usbip://127.0.0.1:3240/1-1"
	if !strings.HasPrefix(rest, "//") {
		return bad("host", "write usbip://host:port/busid, e.g. %s", example)
	}
	body, query, _ := strings.Cut(rest[2:], "?")
	hostport, busID, ok := strings.Cut(body, "/")
	if !ok || busID == "" {
		return bad("busid", "missing bus id after the server; write %s (usbip list -r HOST shows the bus ids)", example)
	}
	if !busIDShape.MatchString(busID) {
		return bad("busid", "bad bus id %q: want BUS-PORT such as 1-1 or 2-1.3", busID)
	}
	if hostport == "" {
		return bad("host", "missing server; write %s", example)
	}
	if strings.ContainsAny(hostport, "@# %") {
		return bad("host", "bad server %q", hostport)
	}
	host, portStr, err := net.SplitHostPort(hostport)
	if err != nil {
		// No port: usbipd's. A bare IPv6 address must be bracketed.
		host, portStr = strings.TrimSuffix(strings.TrimPrefix(hostport, "["), "]"), DefaultUSBIPPort
		bracketed := strings.HasPrefix(hostport, "[")
		if bracketed != strings.HasSuffix(hostport, "]") || strings.ContainsAny(host, "[]") || (strings.Contains(host, ":") && !bracketed) {
			return bad("host", "%q is not host or host:port; bracket an IPv6 address: usbip://[::1]:3240/1-1", hostport)
		}
	}
	if host == "" {
		return bad("host", "missing host in %q", hostport)
	}
	if n, err := strconv.ParseUint(portStr, 10, 16); err != nil || n == 0 {
		return bad("port", "bad port %q: want a number from 1 to 65535", portStr)
	}
	a := Address{Scheme: SchemeUSBIP, Host: net.JoinHostPort(host, portStr), BusID: busID, DialTimeout: DefaultDialTimeout}
	opts, err := parseQuery(addr, query, "timeout")
	if err != nil {
		return Address{}, err
	}
	if v, ok := opts["timeout"]; ok {
		d, err := time.ParseDuration(v)
		if err != nil || d <= 0 {
			return bad("timeout", "bad timeout %q: want a positive duration such as 2s or 500ms", v)
		}
		a.DialTimeout = d
	}
	return a, nil
}

func usbString(a Address) string {
	var q []string
	if a.Scheme == SchemeUSB {
		if a.Serial != "" {
			q = append(q, "serial="+url.QueryEscape(a.Serial))
		}
		return joinQuery(fmt.Sprintf("usb:%04x:%04x", a.VendorID, a.ProductID), q)
	}
	if a.DialTimeout != DefaultDialTimeout {
		q = append(q, "timeout="+a.DialTimeout.String())
	}
	return joinQuery("usbip://"+a.Host+"/"+a.BusID, q)
}
