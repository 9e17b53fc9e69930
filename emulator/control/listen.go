package control

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strings"
	"time"
)

// ShutdownTimeout bounds how long Serve waits for requests in flight when
// its context ends.
const ShutdownTimeout = 5 * time.Second

// CheckLoopback refuses a listen address that is not on the loopback
// interface: the control API has no authentication, so it must not be
// reachable from another machine.
func CheckLoopback(addr string) error {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("listen address %q: %v (expected host:port, e.g. 127.0.0.1:7070)", addr, strings.TrimPrefix(err.Error(), "address "+addr+": "))
	}
	if host == "" {
		return fmt.Errorf("listen address %q listens on every interface; the control API is loopback only (use 127.0.0.1:PORT, [::1]:PORT or localhost:PORT)", addr)
	}
	if !loopbackHost(host) {
		return fmt.Errorf("listen address %q is not loopback; the control API is loopback only (use 127.0.0.1:PORT, [::1]:PORT or localhost:PORT)", addr)
	}
	return nil
}

// Listen opens a loopback TCP listener for the control API.
func Listen(addr string) (net.Listener, error) {
	if err := CheckLoopback(addr); err != nil {
		return nil, err
	}
	return net.Listen("tcp", addr)
}

// URL is the base URL of a control API listening on l.
func URL(l net.Listener) string { return "http://" + l.Addr().String() }

// Serve answers requests on l until ctx ends, then ends the event streams
// and shuts down gracefully. It returns nil after a shutdown that ctx
// asked for.
func (s *Server) Serve(ctx context.Context, l net.Listener) error {
	hs := &http.Server{
		Handler:           s,
		ReadHeaderTimeout: 10 * time.Second,
	}
	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(l) }()
	select {
	case err := <-errc:
		s.Close()
		return err
	case <-ctx.Done():
	}
	s.Close()
	sctx, cancel := context.WithTimeout(context.Background(), ShutdownTimeout)
	defer cancel()
	err := hs.Shutdown(sctx)
	if serr := <-errc; serr != nil && !errors.Is(serr, http.ErrServerClosed) {
		err = errors.Join(err, serr)
	}
	return err
}

// ListenAndServe is Listen then Serve.
func (s *Server) ListenAndServe(ctx context.Context, addr string) error {
	l, err := Listen(addr)
	if err != nil {
		return err
	}
	return s.Serve(ctx, l)
}
