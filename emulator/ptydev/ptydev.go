package ptydev

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sync"
	"syscall"
	"time"

	"github.com/creack/pty"
	"golang.org/x/sys/unix"
)

// ErrUnplugged is returned by Write while the device is unplugged.
var ErrUnplugged = errors.New("device unplugged")

// WriteTimeout bounds how long the device waits for the host to drain the
// pty before it gives up on a write: a driver that never reads must not
// wedge the emulator.
const WriteTimeout = 2 * time.Second

// Device is one emulated serial peripheral on a pty.
type Device struct {
	name string
	link string
	feed func([]byte)

	// plugMu serialises Unplug, Replug and Close end to end, so a replug
	// never starts a reader while an unplug still waits for the old one.
	plugMu  sync.Mutex
	mu      sync.Mutex
	master  *os.File
	slave   *os.File
	path    string
	plugged bool
	closed  bool
	readers sync.WaitGroup
}

// New creates the pty for device name, links devdir/name to it, and starts
// delivering every byte the host writes to feed (in order, from one
// goroutine). An empty devdir makes no link.
func New(name, devdir string, feed func([]byte)) (*Device, error) {
	return Attach(name, devdir, func(io.Writer) func([]byte) { return feed })
}

// Attach creates the device for a model that both answers the host and is
// fed by it: attach is called with the device (the model's way back to the
// host) and returns what receives the host's bytes. The model exists before
// the pty does, so no host byte reaches a model that is not there yet.
func Attach(name, devdir string, attach func(host io.Writer) (feed func([]byte))) (*Device, error) {
	d := &Device{name: name}
	if devdir != "" {
		d.link = filepath.Join(devdir, name)
	}
	d.feed = attach(d)
	if err := d.plug(); err != nil {
		return nil, err
	}
	return d, nil
}

// Name is the device's name, which is also its link's name.
func (d *Device) Name() string { return d.name }

// Link is the stable path in the device directory ("" when none).
func (d *Device) Link() string { return d.link }

// Path is the pty slave the host opens, e.g. /dev/pts/7. It changes on
// every replug, as a re-enumerated USB serial adapter's would.
func (d *Device) Path() string {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.path
}

// Plugged reports whether the device is connected.
func (d *Device) Plugged() bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.plugged
}

func (d *Device) plug() error {
	master, slave, err := pty.Open()
	if err != nil {
		return fmt.Errorf("%s: open pty: %w", d.name, err)
	}
	if err := makeRaw(slave); err != nil {
		master.Close()
		slave.Close()
		return fmt.Errorf("%s: raw mode on %s: %w", d.name, slave.Name(), err)
	}
	// Fd() switches a file to blocking mode, which silently disables read
	// deadlines and Close-unblocks-Read; switch the master back.
	if err := syscall.SetNonblock(int(master.Fd()), true); err != nil {
		master.Close()
		slave.Close()
		return fmt.Errorf("%s: non-blocking master: %w", d.name, err)
	}
	if d.link != "" {
		if err := replaceLink(slave.Name(), d.link); err != nil {
			master.Close()
			slave.Close()
			return fmt.Errorf("%s: %w", d.name, err)
		}
	}
	d.mu.Lock()
	d.master, d.slave, d.path, d.plugged = master, slave, slave.Name(), true
	d.mu.Unlock()
	d.readers.Add(1)
	go d.readLoop(master)
	return nil
}

func (d *Device) readLoop(master *os.File) {
	defer d.readers.Done()
	buf := make([]byte, 4096)
	for {
		n, err := master.Read(buf)
		if n > 0 && d.feed != nil {
			d.feed(append([]byte(nil), buf[:n]...))
		}
		if err != nil {
			return // closed by Unplug/Close
		}
	}
}

// Write sends bytes from the device to the host.
func (d *Device) Write(p []byte) (int, error) {
	d.mu.Lock()
	master, plugged := d.master, d.plugged
	d.mu.Unlock()
	if !plugged {
		return 0, fmt.Errorf("%s: %w", d.name, ErrUnplugged)
	}
	if err := master.SetWriteDeadline(time.Now().Add(WriteTimeout)); err != nil {
		return 0, fmt.Errorf("%s: %w", d.name, err)
	}
	n, err := master.Write(p)
	if err != nil {
		if errors.Is(err, os.ErrDeadlineExceeded) {
			return n, fmt.Errorf("%s: host is not reading (%d of %d bytes sent in %s): %w", d.name, n, len(p), WriteTimeout, err)
		}
		return n, fmt.Errorf("%s: %w", d.name, err)
	}
	return n, nil
}

// Unplug disconnects the device: the link disappears and the host's open
// port fails its next (or blocked) read. Unplugging twice is harmless.
func (d *Device) Unplug() error {
	d.plugMu.Lock()
	defer d.plugMu.Unlock()
	return d.unplug()
}

func (d *Device) unplug() error {
	d.mu.Lock()
	if !d.plugged {
		d.mu.Unlock()
		return nil
	}
	master, slave := d.master, d.slave
	d.plugged = false
	d.mu.Unlock()
	if d.link != "" {
		if err := os.Remove(d.link); err != nil && !errors.Is(err, os.ErrNotExist) {
			return fmt.Errorf("%s: remove link: %w", d.name, err)
		}
	}
	errM := master.Close()
	errS := slave.Close()
	d.readers.Wait()
	return errors.Join(errM, errS)
}

// Replug connects the device again on a new pty and re-creates its link.
func (d *Device) Replug() error {
	d.plugMu.Lock()
	defer d.plugMu.Unlock()
	d.mu.Lock()
	if d.closed {
		d.mu.Unlock()
		return fmt.Errorf("%s: device closed", d.name)
	}
	if d.plugged {
		d.mu.Unlock()
		return nil
	}
	d.mu.Unlock()
	return d.plug()
}

// Close unplugs the device for good and leaves nothing behind.
func (d *Device) Close() error {
	d.plugMu.Lock()
	defer d.plugMu.Unlock()
	d.mu.Lock()
	d.closed = true
	d.mu.Unlock()
	return d.unplug()
}

// replaceLink points link at target atomically, so a host polling the link
// never sees it missing while it moves.
func replaceLink(target, link string) error {
	tmp := link + ".new"
	os.Remove(tmp)
	if err := os.Symlink(target, tmp); err != nil {
		return fmt.Errorf("link %s: %w", link, err)
	}
	if err := os.Rename(tmp, link); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("link %s: %w", link, err)
	}
	return nil
}

// makeRaw puts the slave in raw mode before any host opens it: with the
// default cooked mode the line discipline would echo the device's own
// bytes back to it and turn CR into LF.
func makeRaw(f *os.File) error {
	fd := int(f.Fd())
	t, err := unix.IoctlGetTermios(fd, unix.TCGETS)
	if err != nil {
		return err
	}
	t.Iflag &^= unix.IGNBRK | unix.BRKINT | unix.PARMRK | unix.ISTRIP | unix.INLCR | unix.IGNCR | unix.ICRNL | unix.IXON
	t.Oflag &^= unix.OPOST
	t.Lflag &^= unix.ECHO | unix.ECHONL | unix.ICANON | unix.ISIG | unix.IEXTEN
	t.Cflag &^= unix.CSIZE | unix.PARENB
	t.Cflag |= unix.CS8
	t.Cc[unix.VMIN] = 1
	t.Cc[unix.VTIME] = 0
	return unix.IoctlSetTermios(fd, unix.TCSETS, t)
}
