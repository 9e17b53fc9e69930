package port

import (
	"fmt"
	"net"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// Defaults for the parts an address leaves out.
const (
	DefaultBaud        = 115200
	DefaultDataBits    = 8
	DefaultDialTimeout = 5 * time.Second
	// MaxBaud bounds the baud option; faster UARTs exist, but a bigger number
	// in a station file is far more likely a typo than a 20 Mbaud adapter.
	MaxBaud = 12_000_000
)

// Schemes Open understands.
const (
	SchemeSerial = "serial"
	SchemeTCP    = "tcp"
	SchemeUSB    = "usb"
	SchemeUSBIP  = "usbip"
)

// Parity is a serial line's parity setting.
type Parity int

const (
	ParityNone Parity = iota
	ParityOdd
	ParityEven
	ParityMark
	ParitySpace
)

var parityNames = [...]string{"none", "odd", "even", "mark", "space"}

func (p Parity) String() string {
	if p < 0 || int(p) >= len(parityNames) {
		return fmt.Sprintf("Parity(%d)", int(p))
	}
	return parityNames[p]
}

// StopBits is a serial line's number of stop bits.
type StopBits int

const (
	StopBits1 StopBits = iota
	StopBits1Half
	StopBits2
)

var stopBitsNames = [...]string{"1", "1.5", "2"}

func (s StopBits) String() string {
	if s < 0 || int(s) >= len(stopBitsNames) {
		return fmt.Sprintf("StopBits(%d)", int(s))
	}
	return stopBitsNames[s]
}

// Address is a parsed port address. For SchemeSerial, Path and the line
// settings are set; for SchemeTCP, Host ("host:port") and DialTimeout;
// for SchemeUSB, VendorID, ProductID and optionally Serial; for
// SchemeUSBIP, Host (the server), BusID and DialTimeout.
type Address struct {
	Scheme string

	Path     string
	Baud     int
	Parity   Parity
	StopBits StopBits
	DataBits int

	Host        string
	DialTimeout time.Duration

	VendorID  uint16
	ProductID uint16
	Serial    string
	BusID     string
}

// String gives the address in its canonical form, which ParseAddress
// reads back to the same Address. Options at their default are left out.
func (a Address) String() string {
	var q []string
	switch a.Scheme {
	case SchemeSerial:
		if a.Baud != DefaultBaud {
			q = append(q, "baud="+strconv.Itoa(a.Baud))
		}
		if a.DataBits != DefaultDataBits {
			q = append(q, "data="+strconv.Itoa(a.DataBits))
		}
		if a.Parity != ParityNone {
			q = append(q, "parity="+a.Parity.String())
		}
		if a.StopBits != StopBits1 {
			q = append(q, "stop="+a.StopBits.String())
		}
		if strings.HasPrefix(a.Path, "//") {
			// ParseAddress strips one "//" after "serial:"; add it back.
			return joinQuery("serial://"+a.Path, q)
		}
		return joinQuery("serial:"+a.Path, q)
	case SchemeTCP:
		if a.DialTimeout != DefaultDialTimeout {
			q = append(q, "timeout="+a.DialTimeout.String())
		}
		return joinQuery("tcp://"+a.Host, q)
	case SchemeUSB, SchemeUSBIP:
		return usbString(a)
	}
	return a.Scheme + ":"
}

func joinQuery(s string, q []string) string {
	if len(q) == 0 {
		return s
	}
	return s + "?" + strings.Join(q, "&")
}

const addressForms = "use /dev/ttyS1, serial:/dev/ttyUSB0?baud=9600, tcp://127.0.0.1:9100, usb:04b8:0202 or usbip://127.0.0.1:3240/1-1"

// ParseAddress reads an address in one of the forms docs/addresses.md
// lists. Errors are *AddressError and say which part is wrong.
func ParseAddress(addr string) (Address, error) {
	s := strings.TrimSpace(addr)
	bad := func(part, format string, args ...any) (Address, error) {
		return Address{}, &AddressError{Address: addr, Part: part, Reason: fmt.Sprintf(format, args...)}
	}
	if s == "" {
		return bad("address", "empty address; %s", addressForms)
	}
	if strings.HasPrefix(s, "/") {
		if strings.Contains(s, "?") {
			return bad("path", "a bare path takes no options; write serial:%s", s)
		}
		return serialDefaults(s), nil
	}
	scheme, rest, ok := splitScheme(s)
	if !ok {
		return bad("path", "%q is neither an absolute path nor scheme:...; %s", s, addressForms)
	}
	switch scheme {
	case SchemeSerial:
		return parseSerial(addr, rest)
	case SchemeTCP:
		return parseTCP(addr, rest)
	case SchemeUSB:
		return parseUSB(addr, rest)
	case SchemeUSBIP:
		return parseUSBIP(addr, rest)
	}
	return bad("scheme", "unknown scheme %q (known: serial, tcp, usb, usbip)", scheme)
}

// splitScheme splits "scheme:rest" where scheme follows RFC 3986's
// grammar, so that a stray colon in a relative path is not taken for one.
func splitScheme(s string) (scheme, rest string, ok bool) {
	i := strings.IndexByte(s, ':')
	if i <= 0 {
		return "", "", false
	}
	for j := 0; j < i; j++ {
		c := s[j]
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z':
		case j > 0 && ('0' <= c && c <= '9' || c == '+' || c == '-' || c == '.'):
		default:
			return "", "", false
		}
	}
	return strings.ToLower(s[:i]), s[i+1:], true
}

func serialDefaults(path string) Address {
	return Address{Scheme: SchemeSerial, Path: path, Baud: DefaultBaud, DataBits: DefaultDataBits}
}

func parseSerial(addr, rest string) (Address, error) {
	bad := func(part, format string, args ...any) (Address, error) {
		return Address{}, &AddressError{Address: addr, Part: part, Reason: fmt.Sprintf(format, args...)}
	}
	path, query, _ := strings.Cut(rest, "?")
	// serial:///dev/ttyS1 is the URL habit; accept it, but not
	// serial://dev/ttyS1, which would name a host.
	if strings.HasPrefix(path, "//") {
		path = path[2:]
	}
	if path == "" {
		return bad("path", "missing device path; write serial:/dev/ttyUSB0")
	}
	if !strings.HasPrefix(path, "/") {
		return bad("path", "device path %q is not absolute; write serial:/dev/%s", path, strings.TrimLeft(path, "/"))
	}
	a := serialDefaults(path)
	opts, err := parseQuery(addr, query, "baud", "data", "parity", "stop")
	if err != nil {
		return Address{}, err
	}
	if v, ok := opts["baud"]; ok {
		n, err := strconv.ParseUint(v, 10, 32)
		if err != nil || n == 0 || n > MaxBaud {
			return bad("baud", "bad baud %q: want a whole number of bits per second such as 9600 or 115200", v)
		}
		a.Baud = int(n)
	}
	if v, ok := opts["data"]; ok {
		n, err := strconv.Atoi(v)
		if err != nil || n < 5 || n > 8 || len(v) != 1 {
			return bad("data", "bad data bits %q: want 5, 6, 7 or 8", v)
		}
		a.DataBits = n
	}
	if v, ok := opts["parity"]; ok {
		p, ok := parseParity(v)
		if !ok {
			return bad("parity", "bad parity %q: want none, odd, even, mark or space", v)
		}
		a.Parity = p
	}
	if v, ok := opts["stop"]; ok {
		switch v {
		case "1":
			a.StopBits = StopBits1
		case "1.5":
			a.StopBits = StopBits1Half
		case "2":
			a.StopBits = StopBits2
		default:
			return bad("stop", "bad stop bits %q: want 1, 1.5 or 2", v)
		}
	}
	return a, nil
}

func parseParity(v string) (Parity, bool) {
	v = strings.ToLower(v)
	for i, name := range parityNames {
		if v == name || v == name[:1] {
			return Parity(i), true
		}
	}
	return 0, false
}

func parseTCP(addr, rest string) (Address, error) {
	bad := func(part, format string, args ...any) (Address, error) {
		return Address{}, &AddressError{Address: addr, Part: part, Reason: fmt.Sprintf(format, args...)}
	}
	if !strings.HasPrefix(rest, "//") {
		return bad("host", "write tcp://host:port, e.g. tcp://127.0.0.1:9100")
	}
	hostport, query, _ := strings.Cut(rest[2:], "?")
	if hostport == "" {
		return bad("host", "missing host:port; write tcp://127.0.0.1:9100")
	}
	if i := strings.IndexAny(hostport, "/#@"); i >= 0 {
		return bad("host", "tcp address takes only host:port, found %q after %q", hostport[i:], hostport[:i])
	}
	host, portStr, err := net.SplitHostPort(hostport)
	if err != nil {
		return bad("host", "%q is not host:port (%v); write tcp://127.0.0.1:9100", hostport, unwrapAddrErr(err))
	}
	if host == "" {
		return bad("host", "missing host in %q; write tcp://127.0.0.1%s", hostport, hostport)
	}
	if strings.ContainsAny(host, " %") {
		return bad("host", "bad host %q", host)
	}
	if n, err := strconv.ParseUint(portStr, 10, 16); err != nil || n == 0 {
		return bad("port", "bad port %q: want a number from 1 to 65535", portStr)
	}
	a := Address{Scheme: SchemeTCP, Host: hostport, DialTimeout: DefaultDialTimeout}
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

func unwrapAddrErr(err error) string {
	if ae, ok := err.(*net.AddrError); ok {
		return ae.Err
	}
	return err.Error()
}

// parseQuery reads k=v&k=v, refusing keys not in known and keys given twice.
func parseQuery(addr, query string, known ...string) (map[string]string, error) {
	opts := map[string]string{}
	if query == "" {
		return opts, nil
	}
	bad := func(format string, args ...any) error {
		return &AddressError{Address: addr, Part: "query", Reason: fmt.Sprintf(format, args...)}
	}
	for _, kv := range strings.Split(query, "&") {
		if kv == "" {
			continue
		}
		k, v, hasEq := strings.Cut(kv, "=")
		k, err1 := url.QueryUnescape(k)
		v, err2 := url.QueryUnescape(v)
		if err1 != nil || err2 != nil {
			return nil, bad("bad escape in option %q", kv)
		}
		k = strings.ToLower(k)
		if !contains(known, k) {
			return nil, bad("unknown option %q (known: %s)", k, strings.Join(known, ", "))
		}
		if !hasEq {
			return nil, bad("option %q has no value; write %s=...", k, k)
		}
		if _, dup := opts[k]; dup {
			return nil, bad("option %q given twice", k)
		}
		opts[k] = v
	}
	return opts, nil
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
