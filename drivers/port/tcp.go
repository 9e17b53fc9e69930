package port

import (
	"net"
	"sync/atomic"
	"time"
)

// tcpPort is a Port over a TCP connection (a network printer's raw port,
// or a device behind a serial-to-Ethernet bridge). Deadlines are
// net.Conn's own.
type tcpPort struct {
	addr   string
	host   string
	conn   net.Conn
	closed atomic.Bool
}

func openTCP(addr string, a Address) (Port, error) {
	conn, err := net.DialTimeout("tcp", a.Host, a.DialTimeout)
	if err != nil {
		return nil, dialError(addr, a, err)
	}
	return &tcpPort{addr: addr, host: a.Host, conn: conn}, nil
}

func (t *tcpPort) Address() string { return t.addr }

func (t *tcpPort) SetReadDeadline(d time.Time) error { return t.conn.SetReadDeadline(d) }

func (t *tcpPort) Read(p []byte) (int, error) {
	n, err := t.conn.Read(p)
	if err != nil {
		return n, ioError("read", "tcp "+t.host, err, t.closed.Load())
	}
	return n, nil
}

func (t *tcpPort) Write(p []byte) (int, error) {
	n, err := t.conn.Write(p)
	if err != nil {
		return n, ioError("write", "tcp "+t.host, err, t.closed.Load())
	}
	return n, nil
}

// Close closes the connection; a Read blocked in another goroutine
// returns an error wrapping os.ErrClosed.
func (t *tcpPort) Close() error {
	if !t.closed.CompareAndSwap(false, true) {
		return nil
	}
	return t.conn.Close()
}
