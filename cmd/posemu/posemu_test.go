package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/posemu/posemu/emulator"
)

// lockedBuffer is stderr for run: written by its goroutines, read by the
// test.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// started is posemu running in-process.
type started struct {
	cancel context.CancelFunc
	exit   chan int      // receives run's status once
	done   chan struct{} // closed when run has returned
	lines  chan string
	stderr *lockedBuffer
}

func start(args ...string) *started {
	GinkgoHelper()
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	s := &started{cancel: cancel, exit: make(chan int, 1), done: make(chan struct{}), lines: make(chan string, 100), stderr: &lockedBuffer{}}
	go func() {
		s.exit <- run(ctx, args, pw, s.stderr)
		close(s.done)
		pw.Close()
	}()
	go func() {
		defer close(s.lines)
		sc := bufio.NewScanner(pr)
		for sc.Scan() {
			s.lines <- sc.Text()
		}
	}()
	DeferCleanup(func() {
		cancel()
		Eventually(s.done, 10*time.Second).Should(BeClosed())
	})
	return s
}

func (s *started) line() string {
	GinkgoHelper()
	var line string
	Eventually(s.lines, 15*time.Second).Should(Receive(&line), "stderr: %s", s.stderr)
	return line
}

// checkMap asserts a device map names live devices and a live control API.
func checkMap(line, devdir string) emulator.DeviceMap {
	GinkgoHelper()
	var m emulator.DeviceMap
	Expect(json.Unmarshal([]byte(line), &m)).To(Succeed(), "line: %s", line)
	Expect(m.DevDir).To(Equal(devdir))
	Expect(m.Profile).To(Equal("lakala-default"))
	Expect(m.Devices).To(HaveLen(len(emulator.DeviceNames())+1), "the pty devices and usb-printer")
	Expect(m.USBIP).NotTo(BeNil())
	Expect(m.USBIP.Addr).To(MatchRegexp(`^127\.0\.0\.1:\d+$`))
	Expect(m.USBIP.Addr).NotTo(HaveSuffix(":0"))
	Expect(m.Devices[emulator.USBPrinter].Transport).To(Equal("usbip"))
	for _, name := range emulator.DeviceNames() {
		d := m.Devices[name]
		Expect(d.Link).To(Equal(filepath.Join(devdir, name)))
		target, err := os.Readlink(d.Link)
		Expect(err).NotTo(HaveOccurred())
		Expect(target).To(Equal(d.Path))
		Expect(d.Path).To(BeAnExistingFile())
	}
	Expect(m.ControlAPI).To(MatchRegexp(`^http://127\.0\.0\.1:\d+$`))
	Expect(m.ControlAPI).NotTo(HaveSuffix(":0"))
	resp, err := http.Get(m.ControlAPI + "/api/v1/devices")
	Expect(err).NotTo(HaveOccurred())
	resp.Body.Close()
	Expect(resp.StatusCode).To(Equal(http.StatusOK))
	Expect(filepath.Join(devdir, "devices.json")).To(BeAnExistingFile())
	return m
}

var _ = Describe("posemu", func() {
	var devdir string
	BeforeEach(func() {
		devdir = filepath.Join(GinkgoT().TempDir(), "dev")
	})

	It("prints the device map as one JSON line, runs until cancelled, and leaves nothing behind", func() {
		s := start("--json", "--no-app", "--listen", "127.0.0.1:0", "--host", "127.0.0.1:0", "--usbip", "127.0.0.1:0", "--devdir", devdir)
		checkMap(s.line(), devdir)
		Consistently(s.lines, 50*time.Millisecond).ShouldNot(Receive(), "one line only")
		s.cancel()
		Eventually(s.exit, 10*time.Second).Should(Receive(Equal(0)))
		Expect(devdir).NotTo(BeAnExistingFile())
		Eventually(s.lines).Should(BeClosed())
	})

	It("empties a device directory it did not create", func() {
		Expect(os.Mkdir(devdir, 0o700)).To(Succeed())
		s := start("--json", "--listen", "127.0.0.1:0", "--host", "127.0.0.1:0", "--usbip", "127.0.0.1:0", "--devdir", devdir)
		checkMap(s.line(), devdir)
		s.cancel()
		Eventually(s.exit, 10*time.Second).Should(Receive(Equal(0)))
		entries, err := os.ReadDir(devdir)
		Expect(err).NotTo(HaveOccurred())
		Expect(entries).To(BeEmpty())
	})

	It("prints a table for a person", func() {
		s := start("--listen", "127.0.0.1:0", "--host", "127.0.0.1:0", "--usbip", "127.0.0.1:0", "--devdir", devdir)
		var out []string
		for {
			line := s.line()
			out = append(out, line)
			if line == "Press Ctrl-C to stop." {
				break
			}
		}
		text := strings.Join(out, "\n")
		Expect(text).To(ContainSubstring("profile lakala-default"))
		Expect(text).To(ContainSubstring("The terminal application runs on these devices"))
		Expect(text).To(MatchRegexp(`(?m)^DEVICE\s+PATH\s+LINK\s+BAUD$`))
		Expect(text).To(MatchRegexp(`(?m)^keypad\s+/dev/pts/\d+\s+` + filepath.Join(devdir, "keypad") + `\s+115200$`))
		Expect(text).To(MatchRegexp(`(?m)^custdisplay\s+/dev/pts/\d+\s+\S+\s+9600$`))
		Expect(text).To(MatchRegexp(`Control API: http://127\.0\.0\.1:\d+`))
		Expect(text).To(MatchRegexp(`USB/IP:\s+127\.0\.0\.1:\d+ exports the printer 04b8:0202 as bus id 1-1`))
		Expect(text).To(ContainSubstring("Device map:  " + filepath.Join(devdir, "devices.json")))
	})

	Describe("refuses to start, with one line and status 2,", func() {
		runErr := func(args ...string) string {
			GinkgoHelper()
			var stdout, stderr bytes.Buffer
			Expect(run(context.Background(), args, &stdout, &stderr)).To(Equal(2))
			Expect(stdout.String()).To(BeEmpty())
			msg := stderr.String()
			Expect(strings.Count(msg, "\n")).To(Equal(1), "one line: %q", msg)
			return strings.TrimSpace(msg)
		}

		It("on a bad profile, with file and line", func() {
			file := filepath.Join(GinkgoT().TempDir(), "bad.yaml")
			data, err := os.ReadFile("../../fixtures/profiles/lakala-default.yaml")
			Expect(err).NotTo(HaveOccurred())
			bad := strings.Replace(string(data), "  width: 320", "  width: 10", 1)
			Expect(os.WriteFile(file, []byte(bad), 0o600)).To(Succeed())
			Expect(runErr("--profile", file, "--devdir", devdir, "--listen", "127.0.0.1:0", "--host", "127.0.0.1:0", "--usbip", "127.0.0.1:0")).To(
				MatchRegexp(`^posemu: ` + file + `:\d+:\d+: lcd\.width: 10 is out of range 64–1280 pixels$`))
			Expect(devdir).NotTo(BeAnExistingFile())
		})

		It("on an unknown built-in profile", func() {
			Expect(runErr("--profile", "nope", "--devdir", devdir)).To(HavePrefix(`posemu: profile "nope": no such built-in profile`))
		})

		It("on a listen address in use, suggesting another", func() {
			l, err := net.Listen("tcp", "127.0.0.1:0")
			Expect(err).NotTo(HaveOccurred())
			defer l.Close()
			addr := l.Addr().String()
			Expect(runErr("--listen", addr, "--host", "127.0.0.1:0", "--usbip", "127.0.0.1:0", "--devdir", devdir)).To(Equal(
				"posemu: control API: " + addr + " is already in use (another posemu?); try --listen 127.0.0.1:0"))
			Expect(devdir).NotTo(BeAnExistingFile())
		})

		It("on a USB/IP address that is not loopback, or in use", func() {
			Expect(runErr("--listen", "127.0.0.1:0", "--host", "127.0.0.1:0", "--usbip", "0.0.0.0:3240", "--devdir", devdir)).To(ContainSubstring("the USB/IP server is loopback only"))
			l, err := net.Listen("tcp", "127.0.0.1:0")
			Expect(err).NotTo(HaveOccurred())
			defer l.Close()
			Expect(runErr("--listen", "127.0.0.1:0", "--host", "127.0.0.1:0", "--usbip", l.Addr().String(), "--devdir", devdir)).To(Equal(
				"posemu: USB/IP: " + l.Addr().String() + " is already in use (another posemu, or usbipd?); try --usbip 127.0.0.1:0"))
			Expect(devdir).NotTo(BeAnExistingFile())
		})

		It("on a listen address that is not loopback", func() {
			Expect(runErr("--listen", "0.0.0.0:7070", "--host", "127.0.0.1:0", "--usbip", "127.0.0.1:0", "--devdir", devdir)).To(ContainSubstring("is not loopback"))
		})

		It("on a device directory another posemu uses", func() {
			s := start("--json", "--listen", "127.0.0.1:0", "--host", "127.0.0.1:0", "--usbip", "127.0.0.1:0", "--devdir", devdir)
			s.line()
			Expect(runErr("--listen", "127.0.0.1:0", "--host", "127.0.0.1:0", "--usbip", "127.0.0.1:0", "--devdir", devdir)).To(ContainSubstring("is in use by another posemu (pid "))
			Expect(filepath.Join(devdir, "lcd")).To(BeAnExistingFile(), "the running one keeps its devices")
		})

		It("on a stray argument", func() {
			Expect(runErr("--json", "extra")).To(Equal(`posemu: unexpected argument "extra" (posemu takes only flags; see posemu -h)`))
		})
	})

	It("as a built binary, stops cleanly on SIGTERM", func() {
		bin := filepath.Join(GinkgoT().TempDir(), "posemu")
		build := exec.Command("go", "build", "-o", bin, ".")
		out, err := build.CombinedOutput()
		Expect(err).NotTo(HaveOccurred(), "%s", out)

		cmd := exec.Command(bin, "--json", "--no-app", "--listen", "127.0.0.1:0", "--host", "127.0.0.1:0", "--usbip", "127.0.0.1:0", "--devdir", devdir)
		stdout, err := cmd.StdoutPipe()
		Expect(err).NotTo(HaveOccurred())
		stderr := &lockedBuffer{}
		cmd.Stderr = stderr
		// The second is a requirement on posemu's own start: the clock
		// starts after the build, at the exec.
		began := time.Now()
		Expect(cmd.Start()).To(Succeed())
		DeferCleanup(func() { cmd.Process.Kill() }) // only if the test failed midway
		line, err := bufio.NewReader(stdout).ReadString('\n')
		Expect(err).NotTo(HaveOccurred(), "stderr: %s", stderr)
		Expect(time.Since(began)).To(BeNumerically("<", time.Second), "the device map must come within a second")
		checkMap(strings.TrimSpace(line), devdir)

		Expect(cmd.Process.Signal(syscall.SIGTERM)).To(Succeed())
		Expect(cmd.Wait()).To(Succeed(), "stderr: %s", stderr)
		Expect(devdir).NotTo(BeAnExistingFile())
	})
})
