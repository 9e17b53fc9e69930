package harness

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/posemu/posemu/clock"
	"github.com/posemu/posemu/emulator"
	"github.com/posemu/posemu/profile"
)

// DefaultClockStart is when a scenario's virtual clock starts: a fixed
// time, so receipts and journals are the same on every run.
var DefaultClockStart = time.Date(2026, 3, 2, 10, 0, 0, 0, time.FixedZone("CST", 8*3600))

// EmulatorTarget runs each scenario on a fresh in-process emulator in a
// temporary device directory, with a virtual clock. Parallel processes
// (ginkgo -p) each make their own, so nothing is shared between them.
type EmulatorTarget struct {
	// TempDir holds the scenarios' device directories; "" means a memory
	// file system when there is one ($XDG_RUNTIME_DIR, /dev/shm), else the
	// system's temporary directory. On a disk, making the devices' links
	// costs several milliseconds per scenario; in memory, a tenth of that.
	TempDir string
	// ClockStart is the virtual clock's first reading; zero means
	// DefaultClockStart.
	ClockStart time.Time
}

// Name is TargetEmulator.
func (t *EmulatorTarget) Name() string { return TargetEmulator }

// Start makes the scenario's emulator and starts the app's readers.
func (t *EmulatorTarget) Start(ctx context.Context, sc *Scenario) (Session, error) {
	base := t.TempDir
	if base == "" {
		base = memTempDir()
	}
	dir, err := os.MkdirTemp(base, "posemu-scenario-")
	if err != nil {
		return nil, err
	}
	start := t.ClockStart
	if start.IsZero() {
		start = DefaultClockStart
	}
	prof := sc.Profile
	if prof == nil {
		prof = defaultProfile()
	}
	clk := clock.NewVirtual(start)
	cfg := emulator.Config{Profile: prof, DevDir: dir, Clock: clk}
	if usesDevice(sc, emulator.USBPrinter) {
		// The USB door costs a listener: only for scenarios that use it.
		cfg.USBIP = "127.0.0.1:0"
	}
	e, err := emulator.New(cfg)
	if err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	addrs := map[string]string{}
	for _, d := range e.Devices() {
		addrs[d.Name] = d.Link
	}
	// The LCD model's inter-byte gap runs on a clock that stands still: a
	// frame the pty hands over in pieces on a loaded machine is never
	// abandoned half way.
	e.LCD().SetClock(clock.NewVirtual(start))
	s := &emuSession{emu: e, clk: clk, dir: dir, app: NewApp(prof, addrs), sc: sc}
	s.app.drivers = emulatorDrivers
	if usesTerminal(sc) {
		s.app.held = heldByTerminal
	}
	if err := s.app.Listen(sc.Listens()); err != nil {
		s.Close()
		return nil, err
	}
	// A payment simulator only for scenarios that pay, started before the
	// first step so that its URL is there from the start.
	if usesPlatform(sc) {
		if _, err := s.Platform(); err != nil {
			s.Close()
			return nil, err
		}
	}
	return s, nil
}

var defaultProfile = sync.OnceValue(profile.Default)

// memTempDir is a directory in memory this process may write to, or "".
var memTempDir = sync.OnceValue(func() string {
	for _, d := range []string{os.Getenv("XDG_RUNTIME_DIR"), "/dev/shm"} {
		if d == "" {
			continue
		}
		if probe, err := os.MkdirTemp(d, "posemu-probe-"); err == nil {
			os.Remove(probe)
			return d
		}
	}
	return ""
})

type emuSession struct {
	emu *emulator.Emulator
	clk *clock.Virtual
	app *App
	dir string
	sc  *Scenario

	platform lazyPlatform

	termMu sync.Mutex
	term   *termApp // the terminal application, when the scenario runs it
}

// Platform is the scenario's payment simulator, started on first use.
func (s *emuSession) Platform() (*Platform, error) {
	return s.platform.get(func() (*Platform, error) {
		p, err := startSimPlatform(s.sc, s.clk, s.emu.Bus())
		if err != nil {
			return nil, fmt.Errorf("starting the payment simulator: %w", err)
		}
		return p, nil
	})
}

func (s *emuSession) startedPlatform() *Platform { return s.platform.started() }

func (s *emuSession) Emulator() *emulator.Emulator { return s.emu }
func (s *emuSession) Clock() *clock.Virtual        { return s.clk }
func (s *emuSession) App() *App                    { return s.app }

func (s *emuSession) Close() error {
	terr := s.stopTerminal()
	err := errors.Join(terr, s.platform.close(), s.app.Close(), s.emu.Close())
	os.RemoveAll(s.dir)
	return err
}

// ArtifactFunc saves more of the emulator's state for a failure report
// into dir: a device model adds its own (the printer its receipt PNG).
type ArtifactFunc func(e *emulator.Emulator, dir string) []Artifact

var (
	artifactMu    sync.Mutex
	artifactFuncs []ArtifactFunc
)

// RegisterArtifacts adds f to what a failed scenario on the emulator
// leaves behind.
func RegisterArtifacts(f ArtifactFunc) {
	artifactMu.Lock()
	defer artifactMu.Unlock()
	artifactFuncs = append(artifactFuncs, f)
}

func (s *emuSession) Artifacts(dir string) []Artifact {
	var out []Artifact
	lcdPNG := filepath.Join(dir, "lcd.png")
	if f, err := os.Create(lcdPNG); err == nil {
		if s.emu.LCD().WritePNG(f) == nil && f.Close() == nil {
			out = append(out, Artifact{Name: "lcd.png", Path: lcdPNG})
		} else {
			f.Close()
		}
	}
	out = append(out,
		Artifact{Name: "lcd text", Text: strings.Join(s.emu.LCD().Lines(), "\n")},
		Artifact{Name: "customer display", Text: strings.Join(s.emu.CustDisplay().Lines(), "\n")})
	if p := s.startedPlatform(); p != nil {
		out = append(out, Artifact{Name: "payment platform",
			Text: "trades: " + tradesSeen(p.Sim) + "\npayments: " + p.describeOps()})
	}
	out = append(out, s.terminalArtifacts()...)
	artifactMu.Lock()
	fs := append([]ArtifactFunc(nil), artifactFuncs...)
	artifactMu.Unlock()
	for _, f := range fs {
		out = append(out, f(s.emu, dir)...)
	}
	return out
}
