package hostsim

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strings"
	"time"
)

// DefaultAddr is where posemu serves the gateway unless told otherwise.
const DefaultAddr = "127.0.0.1:8090"

// CheckLoopback refuses a listen address off the loopback interface: the
// simulator takes payments from anyone who reaches it.
func CheckLoopback(addr string) error {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("gateway address %q: expected host:port, e.g. %s", addr, DefaultAddr)
	}
	h := strings.TrimSuffix(strings.TrimPrefix(host, "["), "]")
	if strings.EqualFold(h, "localhost") {
		return nil
	}
	if ip := net.ParseIP(h); ip != nil && ip.IsLoopback() {
		return nil
	}
	return fmt.Errorf("gateway address %q is not loopback; the payment simulator is loopback only (use 127.0.0.1:PORT, [::1]:PORT or localhost:PORT)", addr)
}

// Listen opens a loopback listener for the gateway.
func Listen(addr string) (net.Listener, error) {
	if err := CheckLoopback(addr); err != nil {
		return nil, err
	}
	return net.Listen("tcp", addr)
}

// GatewayURL is the gateway's full URL on l, as the device map names it.
func GatewayURL(l net.Listener) string { return "http://" + l.Addr().String() + GatewayPath }

// Serve answers on l until ctx ends, then ends hanging replies, shuts the
// HTTP server down and closes the simulator.
func (s *Simulator) Serve(ctx context.Context, l net.Listener) error {
	hs := &http.Server{Handler: s, ReadHeaderTimeout: 10 * time.Second}
	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(l) }()
	var err error
	select {
	case err = <-errc:
	case <-ctx.Done():
		s.Close()
		sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		err = hs.Shutdown(sctx)
		if serr := <-errc; serr != nil && !errors.Is(serr, http.ErrServerClosed) {
			err = errors.Join(err, serr)
		}
	}
	return errors.Join(err, s.Close())
}
