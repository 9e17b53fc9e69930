package control

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/posemu/posemu/emulator"
	"github.com/posemu/posemu/emulator/hostsim"
)

// DefaultHeartbeat is how often an idle event stream gets a comment line,
// so proxies and clients can tell a quiet emulator from a dead connection.
const DefaultHeartbeat = 15 * time.Second

// maxBody bounds a request body; the largest legitimate one is a long key
// sequence.
const maxBody = 64 << 10

// Options tune a Server.
type Options struct {
	// ControlURL is reported as control_api by GET /api/v1/devices. ""
	// means the emulator's ControlURL, or else the address the request was
	// sent to.
	ControlURL string
	// Heartbeat is the idle interval of event streams; 0 means
	// DefaultHeartbeat.
	Heartbeat time.Duration
	// Log receives errors the server could not report to a client; nil
	// discards them.
	Log *slog.Logger
	// Host is the payment simulator; when set, /api/v1/host/… serves it
	// (host.go).
	Host *hostsim.Simulator
}

// Server is the control API of one emulator. It is an http.Handler.
type Server struct {
	e    *emulator.Emulator
	opts Options
	mux  *http.ServeMux

	done      chan struct{} // closed by Close: event streams end
	closeOnce sync.Once
}

// NewServer returns the control API of e.
func NewServer(e *emulator.Emulator, opts Options) *Server {
	if opts.Heartbeat <= 0 {
		opts.Heartbeat = DefaultHeartbeat
	}
	if opts.Log == nil {
		opts.Log = slog.New(slog.DiscardHandler)
	}
	s := &Server{e: e, opts: opts, mux: http.NewServeMux(), done: make(chan struct{})}
	s.routes()
	return s
}

func (s *Server) routes() {
	s.mux.Handle("GET /api/v1/devices", s.handle(s.getDevices))
	s.mux.Handle("GET /api/v1/devices/{name}", s.handle(s.getDevice))
	s.mux.Handle("POST /api/v1/devices/{name}/unplug", s.handle(s.unplug))
	s.mux.Handle("POST /api/v1/devices/{name}/replug", s.handle(s.replug))
	s.mux.Handle("POST /api/v1/keypad/press", s.handle(s.press))
	s.mux.Handle("GET /api/v1/keypad/keys", s.handle(s.keys))
	s.mux.Handle("GET /api/v1/lcd", s.handle(s.getLCD))
	s.mux.Handle("GET /api/v1/lcd.png", s.handle(s.getLCDPNG))
	s.mux.Handle("GET /api/v1/custdisplay", s.handle(s.getCustDisplay))
	s.mux.Handle("POST /api/v1/scanner/scan", s.handle(s.scan))
	s.mux.Handle("GET /api/v1/events", s.handle(s.events))
	s.routeWeb()
	s.routeHost()
	s.routePrinter()
	// Everything else: a JSON 404, or a JSON 405 when only the method is
	// wrong. The mux's own answers are plain text.
	s.mux.Handle("/", s.handle(s.fallback))
}

// ServeHTTP answers one request.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if err := checkCaller(r); err != nil {
		writeError(w, err)
		return
	}
	s.mux.ServeHTTP(w, r)
}

// Close ends every open event stream; call it before shutting the HTTP
// server down, which would otherwise wait for them.
func (s *Server) Close() { s.closeOnce.Do(func() { close(s.done) }) }

// apiError is an answer with a status other than 200.
type apiError struct {
	status int
	msg    string
}

func (e *apiError) Error() string { return e.msg }

func errorf(status int, format string, args ...any) error {
	return &apiError{status: status, msg: fmt.Sprintf(format, args...)}
}

// handle adapts a handler that returns its failure.
func (s *Server) handle(fn func(http.ResponseWriter, *http.Request) error) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		err := fn(w, r)
		if err == nil {
			return
		}
		var ae *apiError
		if !errors.As(err, &ae) || ae.status >= 500 {
			s.opts.Log.Error("control API", "method", r.Method, "path", r.URL.Path, "err", err)
		}
		writeError(w, err)
	})
}

func writeError(w http.ResponseWriter, err error) {
	status := http.StatusInternalServerError
	var ae *apiError
	if errors.As(err, &ae) {
		status = ae.status
	}
	writeJSON(w, status, map[string]string{"error": err.Error()})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	data, err := json.Marshal(v)
	if err != nil {
		status = http.StatusInternalServerError
		data, _ = json.Marshal(map[string]string{"error": "encoding the answer: " + err.Error()})
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	w.Write(append(data, '\n')) //nolint:errcheck // the client went away
}

var probeMethods = []string{http.MethodGet, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete}

func (s *Server) fallback(w http.ResponseWriter, r *http.Request) error {
	var allowed []string
	for _, m := range probeMethods {
		if m == r.Method {
			continue
		}
		probe := r.Clone(r.Context())
		probe.Method = m
		if _, pattern := s.mux.Handler(probe); pattern != "" && pattern != "/" {
			allowed = append(allowed, m)
		}
	}
	if len(allowed) > 0 {
		sort.Strings(allowed)
		w.Header().Set("Allow", strings.Join(allowed, ", "))
		return errorf(http.StatusMethodNotAllowed, "method %s not allowed on %s (allowed: %s)", r.Method, r.URL.Path, strings.Join(allowed, ", "))
	}
	return errorf(http.StatusNotFound, "no such endpoint %s %s (see docs/control-api.md)", r.Method, r.URL.Path)
}

// checkCaller refuses requests addressed to a name that is not loopback
// (a DNS-rebinding page in a browser) and cross-origin requests from
// non-loopback pages: anything that gets through can type on the keypad.
func checkCaller(r *http.Request) error {
	if r.Host != "" && !loopbackHost(r.Host) {
		return errorf(http.StatusForbidden, "Host %q is not a loopback name: the control API answers only requests addressed to localhost or a loopback IP", r.Host)
	}
	if origin := r.Header.Get("Origin"); origin != "" {
		u, err := url.Parse(origin)
		if err != nil || u.Host == "" || !loopbackHost(u.Host) {
			return errorf(http.StatusForbidden, "Origin %q is not a loopback page: the control API refuses cross-site requests", origin)
		}
	}
	return nil
}

func loopbackHost(hostport string) bool {
	host := hostport
	if h, _, err := net.SplitHostPort(hostport); err == nil {
		host = h
	}
	host = strings.TrimSuffix(strings.TrimPrefix(host, "["), "]")
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// decodeBody reads one JSON object into dst, refusing unknown fields and
// trailing data; example is quoted in the error for an empty body.
func decodeBody(r *http.Request, w http.ResponseWriter, dst any, example string) error {
	body := http.MaxBytesReader(w, r.Body, maxBody)
	return decodeJSON(body, dst, example)
}

func decodeJSON(body io.Reader, dst any, example string) error {
	cr := &countingReader{r: body}
	dec := json.NewDecoder(cr)
	dec.DisallowUnknownFields()
	if err := dec.Decode(dst); err != nil {
		if errors.Is(err, io.ErrUnexpectedEOF) {
			return errorf(http.StatusBadRequest, "bad JSON at byte %d: the body ends before the object does", cr.n)
		}
		return jsonError(err, dec.InputOffset(), dst, example)
	}
	end := dec.InputOffset()
	rest, err := io.ReadAll(io.MultiReader(dec.Buffered(), cr))
	if err != nil {
		return jsonError(err, end, dst, example)
	}
	if trimmed := bytes.TrimLeft(rest, " \t\r\n"); len(trimmed) > 0 {
		// Offsets count from 1, as json.SyntaxError's do.
		return errorf(http.StatusBadRequest, "bad JSON at byte %d: unexpected data after the object", end+int64(len(rest)-len(trimmed))+1)
	}
	return nil
}

type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

func jsonError(err error, offset int64, dst any, example string) error {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	var big *http.MaxBytesError
	switch {
	case errors.As(err, &big):
		return errorf(http.StatusRequestEntityTooLarge, "body is larger than %d bytes", big.Limit)
	case errors.Is(err, io.EOF):
		return errorf(http.StatusBadRequest, "empty body: expected a JSON object such as %s", example)
	case errors.As(err, &syn):
		return errorf(http.StatusBadRequest, "bad JSON at byte %d: %s", syn.Offset, syn.Error())
	case errors.As(err, &typ):
		if typ.Field == "" {
			return errorf(http.StatusBadRequest, "bad JSON at byte %d: expected an object such as %s, not %s", typ.Offset, example, article(typ.Value))
		}
		return errorf(http.StatusBadRequest, "bad JSON at byte %d: field %q must be %s, not %s", typ.Offset, typ.Field, jsonKind(typ.Type.String()), article(typ.Value))
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		return errorf(http.StatusBadRequest, "%s (expected fields: %s)", strings.TrimPrefix(err.Error(), "json: "), strings.Join(fieldNames(dst), ", "))
	}
	return errorf(http.StatusBadRequest, "bad JSON at byte %d: %s", offset, strings.TrimPrefix(err.Error(), "json: "))
}

func jsonKind(goType string) string {
	switch {
	case goType == "string", goType == "*string":
		return "a string"
	case strings.HasPrefix(goType, "[]"):
		return "an array of " + strings.TrimPrefix(jsonKind(goType[2:]), "a ") + "s"
	case strings.HasPrefix(goType, "int"), strings.HasPrefix(goType, "uint"), strings.HasPrefix(goType, "float"):
		return "a number"
	}
	return goType
}

func article(noun string) string {
	if noun != "" && strings.ContainsRune("aeiou", rune(noun[0])) {
		return "an " + noun
	}
	return "a " + noun
}
