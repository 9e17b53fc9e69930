package ptydev_test

import (
	"io"
	"os"
	"path/filepath"
	"sync"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/posemu/posemu/emulator/ptydev"
)

// received collects what the device was fed.
type received struct {
	mu  sync.Mutex
	buf []byte
}

func (r *received) feed(p []byte) { r.mu.Lock(); r.buf = append(r.buf, p...); r.mu.Unlock() }
func (r *received) String() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return string(r.buf)
}

var _ = Describe("a pty device", func() {
	var (
		dir string
		got *received
		dev *ptydev.Device
	)
	BeforeEach(func() {
		dir = GinkgoT().TempDir()
		got = &received{}
		var err error
		dev, err = ptydev.New("keypad", dir, got.feed)
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(dev.Close)
	})

	It("links devdir/name to its pty slave", func() {
		target, err := os.Readlink(filepath.Join(dir, "keypad"))
		Expect(err).NotTo(HaveOccurred())
		Expect(target).To(Equal(dev.Path()))
		Expect(dev.Path()).To(HavePrefix("/dev/pts/"))
	})

	It("carries bytes both ways in raw mode, CR untouched and no echo", func() {
		host, err := os.OpenFile(dev.Link(), os.O_RDWR, 0)
		Expect(err).NotTo(HaveOccurred())
		defer host.Close()
		_, err = host.Write([]byte("AB\r\n"))
		Expect(err).NotTo(HaveOccurred())
		Eventually(got.String).Should(Equal("AB\r\n"))

		_, err = dev.Write([]byte{0x31, 0x0D})
		Expect(err).NotTo(HaveOccurred())
		buf := make([]byte, 8)
		Expect(host.SetReadDeadline(time.Now().Add(2 * time.Second))).To(Succeed())
		n, err := host.Read(buf)
		Expect(err).NotTo(HaveOccurred())
		Expect(buf[:n]).To(Equal([]byte{0x31, 0x0D}))
		Expect(got.String()).To(Equal("AB\r\n"), "the device's own bytes must not be echoed back to it")
	})

	It("unplugs: the link goes, writes fail, and the host's read fails", func() {
		host, err := os.OpenFile(dev.Link(), os.O_RDWR, 0)
		Expect(err).NotTo(HaveOccurred())
		defer host.Close()
		Expect(dev.Unplug()).To(Succeed())
		Expect(dev.Plugged()).To(BeFalse())
		_, err = os.Lstat(filepath.Join(dir, "keypad"))
		Expect(os.IsNotExist(err)).To(BeTrue())
		_, err = dev.Write([]byte("1"))
		Expect(err).To(MatchError(ptydev.ErrUnplugged))
		Expect(host.SetReadDeadline(time.Now().Add(2 * time.Second))).To(Succeed())
		_, err = host.Read(make([]byte, 1))
		Expect(err).To(HaveOccurred())
		Expect(err).NotTo(MatchError(os.ErrDeadlineExceeded))
	})

	It("replugs on a fresh pty behind the same link", func() {
		old := dev.Path()
		Expect(dev.Unplug()).To(Succeed())
		Expect(dev.Replug()).To(Succeed())
		target, err := os.Readlink(dev.Link())
		Expect(err).NotTo(HaveOccurred())
		Expect(target).To(Equal(dev.Path()))
		_ = old // the kernel may reuse the number; the link is what stays stable
		host, err := os.OpenFile(dev.Link(), os.O_RDWR, 0)
		Expect(err).NotTo(HaveOccurred())
		defer host.Close()
		_, err = host.Write([]byte("x"))
		Expect(err).NotTo(HaveOccurred())
		Eventually(got.String).Should(Equal("x"))
	})

	It("leaves nothing behind when closed", func() {
		Expect(dev.Close()).To(Succeed())
		entries, err := os.ReadDir(dir)
		Expect(err).NotTo(HaveOccurred())
		Expect(entries).To(BeEmpty())
		Expect(dev.Replug()).To(HaveOccurred())
	})
})

var _ = Describe("a pty device plugged and unplugged from many goroutines", func() {
	It("ends plugged or unplugged, never torn, with one reader at a time", func() {
		got := &received{}
		dev, err := ptydev.New("printer", GinkgoT().TempDir(), got.feed)
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(dev.Close)
		var wg sync.WaitGroup
		for i := range 8 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				defer GinkgoRecover()
				for range 20 {
					if i%2 == 0 {
						Expect(dev.Unplug()).To(Succeed())
					} else {
						Expect(dev.Replug()).To(Succeed())
					}
				}
			}()
		}
		wg.Wait()
		Expect(dev.Replug()).To(Succeed())
		target, err := os.Readlink(dev.Link())
		Expect(err).NotTo(HaveOccurred())
		Expect(target).To(Equal(dev.Path()))
	})
})

var _ = Describe("a model attached to its pty", func() {
	It("answers the host through the device it was built around", func() {
		var host io.Writer
		dev, err := ptydev.Attach("lcd", GinkgoT().TempDir(), func(h io.Writer) func([]byte) {
			host = h
			return func(p []byte) { host.Write(append([]byte("ack:"), p...)) } //nolint:errcheck // the test reads the reply
		})
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(dev.Close)
		Expect(host).To(BeIdenticalTo(dev))

		f, err := os.OpenFile(dev.Link(), os.O_RDWR, 0)
		Expect(err).NotTo(HaveOccurred())
		defer f.Close()
		_, err = f.Write([]byte("x"))
		Expect(err).NotTo(HaveOccurred())
		Expect(f.SetReadDeadline(time.Now().Add(10 * time.Second))).To(Succeed())
		buf := make([]byte, 5)
		_, err = io.ReadFull(f, buf)
		Expect(err).NotTo(HaveOccurred())
		Expect(string(buf)).To(Equal("ack:x"))
	})
})
