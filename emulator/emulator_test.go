package emulator_test

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/posemu/posemu/emulator"
	"github.com/posemu/posemu/emulator/events"
)

func readMap(path string) emulator.DeviceMap {
	GinkgoHelper()
	data, err := os.ReadFile(path)
	Expect(err).NotTo(HaveOccurred())
	var m emulator.DeviceMap
	Expect(json.Unmarshal(data, &m)).To(Succeed())
	return m
}

func entries(dir string) []string {
	GinkgoHelper()
	list, err := os.ReadDir(dir)
	Expect(err).NotTo(HaveOccurred())
	var names []string
	for _, e := range list {
		names = append(names, e.Name())
	}
	return names
}

var _ = Describe("the emulator", func() {
	var (
		dir string
		emu *emulator.Emulator
	)
	BeforeEach(func() {
		dir = GinkgoT().TempDir()
		var err error
		emu, err = emulator.New(emulator.Config{DevDir: dir})
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(emu.Close)
	})

	It("puts every device on its own pty behind a link named after it", func() {
		seen := map[string]bool{}
		Expect(emu.Devices()).To(HaveLen(5))
		for i, d := range emu.Devices() {
			Expect(d.Name).To(Equal(emulator.DeviceNames()[i]))
			Expect(d.Link).To(Equal(filepath.Join(dir, d.Name)))
			target, err := os.Readlink(d.Link)
			Expect(err).NotTo(HaveOccurred())
			Expect(target).To(Equal(d.Path))
			Expect(d.Path).To(HavePrefix("/dev/pts/"))
			Expect(seen[d.Path]).To(BeFalse(), "two devices on %s", d.Path)
			seen[d.Path] = true
			Expect(d.Plugged).To(BeTrue())
			Expect(d.Transport).To(Equal("pty"))
		}
		Expect(emu.Devices()[1].Baud).To(Equal(9600)) // custdisplay, from the profile
		Expect(emu.LCD()).NotTo(BeNil())
		Expect(emu.CustDisplay()).NotTo(BeNil())
		Expect(emu.Keypad()).NotTo(BeNil())
		Expect(emu.Scanner()).NotTo(BeNil())
		Expect(emu.Printer()).NotTo(BeNil())
	})

	It("writes devices.json as documented once asked to", func() {
		Expect(filepath.Join(dir, "devices.json")).NotTo(BeAnExistingFile())
		Expect(emu.WriteDeviceMap("http://127.0.0.1:7070")).To(Succeed())
		raw, err := os.ReadFile(filepath.Join(dir, "devices.json"))
		Expect(err).NotTo(HaveOccurred())
		var generic map[string]any
		Expect(json.Unmarshal(raw, &generic)).To(Succeed())
		Expect(generic).To(HaveKeyWithValue("control_api", "http://127.0.0.1:7070"))
		Expect(generic).To(HaveKeyWithValue("profile", "lakala-default"))
		Expect(generic).To(HaveKeyWithValue("devdir", dir))
		Expect(generic).To(HaveKeyWithValue("pid", BeNumerically("==", os.Getpid())))
		devs := generic["devices"].(map[string]any)
		Expect(devs).To(HaveLen(5))
		lcd := devs["lcd"].(map[string]any)
		Expect(lcd).To(HaveKeyWithValue("transport", "pty"))
		Expect(lcd).To(HaveKeyWithValue("plugged", true))
		Expect(lcd).To(HaveKeyWithValue("baud", BeNumerically("==", 115200)))
		Expect(lcd).To(HaveKeyWithValue("link", filepath.Join(dir, "lcd")))
		Expect(lcd["path"]).To(HavePrefix("/dev/pts/"))
		Expect(emu.ControlURL()).To(Equal("http://127.0.0.1:7070"))
	})

	It("unplugs and replugs a device: link, map and events follow", func() {
		Expect(emu.WriteDeviceMap("http://127.0.0.1:7070")).To(Succeed())
		sub := emu.Bus().Subscribe(8)
		defer sub.Close()

		Expect(emu.Unplug("keypad")).To(Succeed())
		Expect(filepath.Join(dir, "keypad")).NotTo(BeAnExistingFile())
		m := readMap(emu.MapPath())
		Expect(m.Devices["keypad"].Plugged).To(BeFalse())
		Expect(m.Devices["keypad"].Path).To(BeEmpty())
		Expect(m.Devices["lcd"].Plugged).To(BeTrue())
		var ev events.Event
		Eventually(sub.C()).Should(Receive(&ev))
		Expect(ev.Device).To(Equal("keypad"))
		Expect(ev.Kind).To(Equal("unplug"))
		Expect(emu.Keypad().Press("1")).To(MatchError(ContainSubstring("unplugged")))

		Expect(emu.Unplug("keypad")).To(Succeed(), "unplugging twice is harmless")
		Consistently(sub.C()).ShouldNot(Receive())

		Expect(emu.Replug("keypad")).To(Succeed())
		after, err := emu.Device("keypad")
		Expect(err).NotTo(HaveOccurred())
		Expect(after.Plugged).To(BeTrue())
		target, err := os.Readlink(filepath.Join(dir, "keypad"))
		Expect(err).NotTo(HaveOccurred())
		Expect(target).To(Equal(after.Path))
		inMap := readMap(emu.MapPath()).Devices["keypad"]
		inMap.Name = "keypad" // the map's key, not a field
		Expect(inMap).To(Equal(after))
		Eventually(sub.C()).Should(Receive(&ev))
		Expect(ev.Kind).To(Equal("replug"))
		Expect(ev.Detail).To(HaveKeyWithValue("path", after.Path))
	})

	It("names the devices it has when asked for one it does not", func() {
		err := emu.Unplug("modem")
		var unknown *emulator.UnknownDeviceError
		Expect(errors.As(err, &unknown)).To(BeTrue())
		Expect(err).To(MatchError(`unknown device "modem" (devices: lcd, custdisplay, keypad, scanner, printer)`))
		Expect(emu.Replug("modem")).To(MatchError(ContainSubstring("unknown device")))
	})

	It("refuses a second emulator on the same device directory, naming the owner", func() {
		_, err := emulator.New(emulator.Config{DevDir: dir})
		var inUse *emulator.InUseError
		Expect(errors.As(err, &inUse)).To(BeTrue(), "%v", err)
		Expect(inUse.PID).To(Equal(os.Getpid()))
		Expect(err).To(MatchError(ContainSubstring("in use by another posemu (pid " + strconv.Itoa(os.Getpid()) + ")")))
		// The first one is untouched.
		Expect(filepath.Join(dir, "lcd")).To(BeAnExistingFile())
	})

	It("leaves an existing device directory empty when it closes", func() {
		Expect(emu.WriteDeviceMap("")).To(Succeed())
		Expect(entries(dir)).To(ConsistOf("lcd", "custdisplay", "keypad", "scanner", "printer", "devices.json", "posemu.lock"))
		Expect(emu.Unplug("printer")).To(Succeed())
		Expect(emu.Close()).To(Succeed())
		Expect(entries(dir)).To(BeEmpty())
		Expect(emu.Close()).To(Succeed(), "closing twice is harmless")
		Expect(emu.Replug("printer")).To(MatchError(emulator.ErrClosed))
	})
})

var _ = Describe("the device directory", func() {
	It("is created 0700 when missing and removed again on Close", func() {
		dir := filepath.Join(GinkgoT().TempDir(), "run", "posemu")
		emu, err := emulator.New(emulator.Config{DevDir: dir})
		Expect(err).NotTo(HaveOccurred())
		fi, err := os.Stat(dir)
		Expect(err).NotTo(HaveOccurred())
		Expect(fi.Mode().Perm()).To(Equal(os.FileMode(0o700)))
		Expect(emu.Close()).To(Succeed())
		Expect(dir).NotTo(BeAnExistingFile())
	})

	It("is taken over when the posemu that used it died", func() {
		dir := GinkgoT().TempDir()
		// What a killed posemu leaves: an unlocked lock file, a map, a
		// dangling link.
		Expect(os.WriteFile(filepath.Join(dir, "posemu.lock"), []byte("999999\n"), 0o600)).To(Succeed())
		Expect(os.WriteFile(filepath.Join(dir, "devices.json"), []byte(`{"pid":999999}`), 0o644)).To(Succeed())
		Expect(os.Symlink("/dev/pts/999", filepath.Join(dir, "lcd"))).To(Succeed())
		emu, err := emulator.New(emulator.Config{DevDir: dir})
		Expect(err).NotTo(HaveOccurred())
		defer emu.Close()
		Expect(filepath.Join(dir, "devices.json")).NotTo(BeAnExistingFile())
		target, err := os.Readlink(filepath.Join(dir, "lcd"))
		Expect(err).NotTo(HaveOccurred())
		Expect(target).NotTo(Equal("/dev/pts/999"))
		lock, err := os.ReadFile(filepath.Join(dir, "posemu.lock"))
		Expect(err).NotTo(HaveOccurred())
		Expect(strings.TrimSpace(string(lock))).To(Equal(strconv.Itoa(os.Getpid())))
	})

	It("must be a directory", func() {
		file := filepath.Join(GinkgoT().TempDir(), "f")
		Expect(os.WriteFile(file, nil, 0o600)).To(Succeed())
		_, err := emulator.New(emulator.Config{DevDir: file})
		Expect(err).To(MatchError(ContainSubstring("not a directory")))
	})

	It("defaults to $XDG_RUNTIME_DIR/posemu, else a per-user temp dir", func() {
		GinkgoT().Setenv("XDG_RUNTIME_DIR", "/run/user/1234")
		Expect(emulator.DefaultDevDir()).To(Equal("/run/user/1234/posemu"))
		GinkgoT().Setenv("XDG_RUNTIME_DIR", "")
		Expect(emulator.DefaultDevDir()).To(Equal(filepath.Join(os.TempDir(), "posemu-"+strconv.Itoa(os.Getuid()))))
	})
})
