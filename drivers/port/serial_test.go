package port_test

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"sync"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"golang.org/x/sys/unix"

	"github.com/posemu/posemu/drivers/port"
	"github.com/posemu/posemu/emulator/ptydev"
)

// fed collects what the emulated device received from the host.
type fed struct {
	mu  sync.Mutex
	buf []byte
}

func (f *fed) feed(p []byte) { f.mu.Lock(); f.buf = append(f.buf, p...); f.mu.Unlock() }
func (f *fed) String() string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return string(f.buf)
}

// readN reads exactly n bytes or fails the spec.
func readN(p port.Port, n int) string {
	GinkgoHelper()
	buf := make([]byte, n)
	Expect(p.SetReadDeadline(time.Now().Add(5 * time.Second))).To(Succeed())
	_, err := io.ReadFull(p, buf)
	Expect(err).NotTo(HaveOccurred())
	return string(buf)
}

// readResult is one Read's outcome, sent from a goroutine.
type readResult struct {
	n   int
	err error
}

func readAsync(p port.Port) <-chan readResult {
	ch := make(chan readResult, 1)
	go func() {
		defer GinkgoRecover()
		n, err := p.Read(make([]byte, 16))
		ch <- readResult{n, err}
	}()
	return ch
}

var _ = Describe("a serial port on a pty", func() {
	var (
		dir string
		got *fed
		dev *ptydev.Device
	)
	BeforeEach(func() {
		dir = GinkgoT().TempDir()
		got = &fed{}
		var err error
		dev, err = ptydev.New("printer", dir, got.feed)
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(dev.Close)
	})

	open := func(addr string) port.Port {
		GinkgoHelper()
		p, err := port.Open(addr)
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(p.Close)
		return p
	}

	exchange := func(p port.Port) {
		GinkgoHelper()
		_, err := dev.Write([]byte("from device"))
		Expect(err).NotTo(HaveOccurred())
		Expect(readN(p, len("from device"))).To(Equal("from device"))
		n, err := p.Write([]byte("\x1b@from host\r\n"))
		Expect(err).NotTo(HaveOccurred())
		Expect(n).To(Equal(13))
		Eventually(got.String).Should(Equal("\x1b@from host\r\n"))
	}

	It("opens by pty path and carries bytes both ways", func() {
		p := open(dev.Path())
		Expect(p.Address()).To(Equal(dev.Path()))
		exchange(p)
	})

	It("opens by the emulator's link", func() {
		p := open(dev.Link())
		Expect(p.Address()).To(Equal(dev.Link()))
		exchange(p)
	})

	It("opens a serial: address and applies its line settings", func() {
		addr := "serial:" + dev.Link() + "?baud=9600&parity=even&stop=2&data=7"
		p := open(addr)
		Expect(p.Address()).To(Equal(addr))
		exchange(p)

		if os.Geteuid() != 0 {
			Skip("reading the line settings back needs a second open, which TIOCEXCL refuses to non-root users")
		}
		f, err := os.OpenFile(dev.Path(), os.O_RDWR|unix.O_NOCTTY, 0)
		Expect(err).NotTo(HaveOccurred())
		defer f.Close()
		t, err := unix.IoctlGetTermios(int(f.Fd()), unix.TCGETS)
		Expect(err).NotTo(HaveOccurred())
		// The kernel's pty driver keeps only the speed: it forces CS8 and
		// clears PARENB and CSTOPB whatever is asked, so 7E2 cannot be read
		// back here.
		Expect(t.Cflag & unix.CBAUD).To(BeEquivalentTo(unix.B9600))
	})

	It("opens at a non-standard baud", func() {
		exchange(open("serial:" + dev.Path() + "?baud=250000"))
	})

	It("opens through OpenAddress and a Reopener", func() {
		a, err := port.ParseAddress(dev.Link())
		Expect(err).NotTo(HaveOccurred())
		p, err := port.OpenAddress(a)
		Expect(err).NotTo(HaveOccurred())
		Expect(p.Address()).To(Equal("serial:" + dev.Link()))
		Expect(p.Close()).To(Succeed())

		p, err = port.Reopener(dev.Link())()
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(p.Close)
		exchange(p)
	})

	It("refuses a second opener while the first holds the line", func() {
		if os.Geteuid() == 0 {
			Skip("root ignores the TIOCEXCL lock; the busy message is unit-tested in errors_test.go")
		}
		open(dev.Path())
		_, err := port.Open(dev.Path())
		Expect(errors.Is(err, port.ErrBusy)).To(BeTrue(), "%v", err)
		Expect(err.Error()).To(ContainSubstring("fuser -v " + dev.Path()))
	})

	It("times out a read at its deadline and reads again afterwards", func() {
		p := open(dev.Path())
		// start is taken before the deadline is set, so the lower bound
		// holds however long this goroutine is held up in between.
		start := time.Now()
		Expect(p.SetReadDeadline(start.Add(50 * time.Millisecond))).To(Succeed())
		n, err := p.Read(make([]byte, 8))
		Expect(n).To(Equal(0))
		Expect(port.IsTimeout(err)).To(BeTrue(), "%v", err)
		Expect(errors.Is(err, os.ErrDeadlineExceeded)).To(BeTrue())
		Expect(errors.Is(err, port.ErrDisconnected)).To(BeFalse())
		Expect(time.Since(start)).To(BeNumerically(">=", 50*time.Millisecond))
		Expect(time.Since(start)).To(BeNumerically("<", 2*time.Second))

		// A deadline already past fails at once, even with nothing to wait
		// for. Nothing will ever arrive, so a read that waited would wait
		// for good: a bound far above a loaded machine's scheduling delays
		// tells the two apart as well as a tight one.
		start = time.Now()
		_, err = p.Read(make([]byte, 8))
		Expect(port.IsTimeout(err)).To(BeTrue())
		Expect(time.Since(start)).To(BeNumerically("<", time.Second))

		Expect(p.SetReadDeadline(time.Time{})).To(Succeed())
		ch := readAsync(p)
		_, err = dev.Write([]byte("k"))
		Expect(err).NotTo(HaveOccurred())
		var r readResult
		Eventually(ch).Should(Receive(&r))
		Expect(r.err).NotTo(HaveOccurred())
		Expect(r.n).To(Equal(1))
	})

	It("fails a blocked read with ErrDisconnected when the device is unplugged", func() {
		p := open(dev.Link())
		ch := readAsync(p)
		Consistently(ch, "50ms").ShouldNot(Receive())
		Expect(dev.Unplug()).To(Succeed())
		var r readResult
		Eventually(ch).Should(Receive(&r))
		Expect(r.err).To(MatchError(port.ErrDisconnected))
		Expect(port.IsTimeout(r.err)).To(BeFalse())
		Expect(r.err.Error()).To(ContainSubstring(dev.Link()))

		_, err := p.Write([]byte("x"))
		Expect(err).To(MatchError(port.ErrDisconnected))

		By("reopening through the link after a replug")
		Expect(dev.Replug()).To(Succeed())
		Expect(p.Close()).To(Succeed())
		q, err := port.Reopener(dev.Link())()
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(q.Close)
		exchange(q)
	})

	It("fails a read blocked during Close with os.ErrClosed, not ErrDisconnected", func() {
		p := open(dev.Path())
		ch := readAsync(p)
		Consistently(ch, "50ms").ShouldNot(Receive())
		Expect(p.Close()).To(Succeed())
		var r readResult
		Eventually(ch).Should(Receive(&r))
		Expect(r.err).To(MatchError(os.ErrClosed))
		Expect(errors.Is(r.err, port.ErrDisconnected)).To(BeFalse())
		Expect(p.Close()).To(Succeed(), "closing twice is harmless")
		_, err := p.Write([]byte("x"))
		Expect(err).To(MatchError(os.ErrClosed))
		Expect(p.SetReadDeadline(time.Now())).To(MatchError(os.ErrClosed))
	})

	It("treats the missing modem lines of a pty as ErrNoModemLines", func() {
		p := open(dev.Path())
		ml, ok := p.(port.ModemLines)
		Expect(ok).To(BeTrue())
		Expect(ml.SetDTR(true)).To(MatchError(port.ErrNoModemLines))
		Expect(ml.SetRTS(false)).To(MatchError(port.ErrNoModemLines))
		_, err := ml.ModemStatus()
		Expect(err).To(MatchError(port.ErrNoModemLines))
		exchange(p) // and the line still works
	})

	It("refuses 1.5 stop bits, which Linux serial drivers cannot do", func() {
		_, err := port.Open("serial:" + dev.Path() + "?stop=1.5")
		Expect(errors.Is(err, port.ErrNotSupported)).To(BeTrue())
		Expect(err.Error()).To(ContainSubstring("use stop=1 or stop=2"))
	})

	It("names a dangling link and where it points", func() {
		link := filepath.Join(dir, "scanner")
		Expect(os.Symlink("/dev/pts/999999", link)).To(Succeed())
		_, err := port.Open(link)
		Expect(errors.Is(err, port.ErrNoDevice)).To(BeTrue())
		Expect(err.Error()).To(ContainSubstring("no such device " + link + " (a link to /dev/pts/999999, which does not exist)"))
	})
})

var _ = Describe("opening what is not there or not a serial device", func() {
	var dir string
	BeforeEach(func() { dir = GinkgoT().TempDir() })

	It("names the missing device", func() {
		path := filepath.Join(dir, "ttyUSB9")
		_, err := port.Open(path)
		var oe *port.OpenError
		Expect(errors.As(err, &oe)).To(BeTrue())
		Expect(oe.Op).To(Equal("open"))
		Expect(oe.Address).To(Equal(path))
		Expect(errors.Is(err, port.ErrNoDevice)).To(BeTrue())
		Expect(errors.Is(err, os.ErrNotExist)).To(BeTrue())
		Expect(err.Error()).To(Equal(`open port "` + path + `": no such device ` + path +
			`: check that the device is plugged in and the path is right (ls /dev/serial/by-id/ lists attached USB serial adapters)`))
	})

	It("says a regular file is not a serial device", func() {
		path := filepath.Join(dir, "notes.txt")
		Expect(os.WriteFile(path, []byte("hi"), 0o644)).To(Succeed())
		_, err := port.Open("serial:" + path + "?baud=9600")
		Expect(errors.Is(err, port.ErrNotSerial)).To(BeTrue(), "%v", err)
		Expect(err.Error()).To(ContainSubstring(path + " is a regular file, not a serial device"))
	})

	It("says a directory is not a serial device", func() {
		_, err := port.Open(dir)
		Expect(errors.Is(err, port.ErrNotSerial)).To(BeTrue(), "%v", err)
		Expect(err.Error()).To(ContainSubstring(dir + " is a directory, not a serial device"))
	})

	It("says which group to join when permission is denied", func() {
		if os.Geteuid() == 0 {
			Skip("running as root, which bypasses file permissions; the message is unit-tested in errors_test.go")
		}
		path := filepath.Join(dir, "ttyLOCKED")
		Expect(os.WriteFile(path, nil, 0o000)).To(Succeed())
		_, err := port.Open(path)
		Expect(errors.Is(err, port.ErrPermission)).To(BeTrue(), "%v", err)
		Expect(errors.Is(err, os.ErrPermission)).To(BeTrue())
		Expect(err.Error()).To(ContainSubstring("permission denied on " + path + " (----------"))
	})
})
