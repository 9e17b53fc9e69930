package hwcheck

import (
	"errors"
	"fmt"
	"maps"
	"os"
	"slices"
	"strings"

	"github.com/posemu/posemu/clock"
	"github.com/posemu/posemu/drivers/port"
	"github.com/posemu/posemu/emulator"
	"github.com/posemu/posemu/harness"
	"github.com/posemu/posemu/profile"
)

// Bench is where units are checked: an emulator, which makes a fresh
// emulated unit for each serial number, or a station with a physical
// terminal on it.
type Bench interface {
	// Check says whether the bench can run the plan's checks: every
	// device they use has an address, and those addresses are there.
	Check(p *Plan) error
	// Unit gets the bench ready for one unit: the target to run checks
	// on, what the record says about the station, and how to release it.
	Unit() (harness.Target, StationInfo, func(), error)
	// Variables override the plan's (a station's real test codes).
	Variables() map[string]string
	// Describe is what a record says about the bench before any unit.
	Describe() StationInfo
}

// EmulatorBench checks emulated units: each unit is a new in-process
// emulator (USB/IP on loopback for the USB printer) with the faults
// injected before the first check, and every step is carried out on it
// (keys pressed and codes scanned through the device models, what a person
// would confirm read from them).
type EmulatorBench struct {
	Profile *profile.Profile // nil: the default profile
	Faults  []Fault
}

// Check accepts any plan: the emulator has every device.
func (b *EmulatorBench) Check(*Plan) error { return nil }

// Variables are none.
func (b *EmulatorBench) Variables() map[string]string { return nil }

// Describe says it is the emulator.
func (b *EmulatorBench) Describe() StationInfo {
	prof := b.Profile
	if prof == nil {
		prof = profile.Default()
	}
	return StationInfo{Name: "emulator", Target: harness.TargetEmulator, Profile: prof.Name, Devices: map[string]string{}}
}

// Unit starts a fresh emulated unit.
func (b *EmulatorBench) Unit() (harness.Target, StationInfo, func(), error) {
	prof := b.Profile
	if prof == nil {
		prof = profile.Default()
	}
	dir, err := os.MkdirTemp(memDir(), "hwcheck-unit-")
	if err != nil {
		return nil, StationInfo{}, nil, fmt.Errorf("emulator: %w", err)
	}
	clk := clock.NewVirtual(harness.DefaultClockStart)
	e, err := emulator.New(emulator.Config{Profile: prof, DevDir: dir, Clock: clk, USBIP: "127.0.0.1:0"})
	if err != nil {
		os.RemoveAll(dir)
		return nil, StationInfo{}, nil, fmt.Errorf("emulator: %w", err)
	}
	// The LCD model's inter-byte gap on a clock that stands still: a frame
	// a loaded machine hands over in pieces is never abandoned half way.
	e.LCD().SetClock(clock.NewVirtual(harness.DefaultClockStart))
	release := func() { e.Close(); os.RemoveAll(dir) }
	for _, f := range b.Faults {
		if err := f.Apply(e); err != nil {
			release()
			return nil, StationInfo{}, nil, fmt.Errorf("--inject %s: %w", f, err)
		}
	}
	info := b.Describe()
	for _, d := range e.Devices() {
		info.Devices[d.Name] = d.Link
	}
	return &harness.UnitTarget{Emulator: e, Clock: clk}, info, release, nil
}

// memDir is a directory in memory for the emulator's device links, when
// there is one: links on a disk cost milliseconds each.
func memDir() string {
	for _, d := range []string{os.Getenv("XDG_RUNTIME_DIR"), "/dev/shm"} {
		if fi, err := os.Stat(d); d != "" && err == nil && fi.IsDir() {
			if probe, err := os.MkdirTemp(d, "hwcheck-probe-"); err == nil {
				os.Remove(probe)
				return d
			}
		}
	}
	return ""
}

// StationBench is a station with a physical terminal: a station file
// (harness.LoadStation) says where its devices are, and the console is
// the operator.
type StationBench struct {
	File     string
	Station  *harness.Station
	Operator harness.Operator
}

// LoadStationBench reads a station file.
func LoadStationBench(path string, op harness.Operator) (*StationBench, error) {
	st, err := harness.LoadStation(path)
	if err != nil {
		var le *harness.LoadError
		if errors.As(err, &le) {
			return nil, fmt.Errorf("station file %w", err)
		}
		return nil, fmt.Errorf("station file %s: %w", path, err)
	}
	return &StationBench{File: path, Station: st, Operator: op}, nil
}

// Variables are the station's.
func (b *StationBench) Variables() map[string]string { return b.Station.Variables }

// Check finds every device the plan's checks use that the station lacks,
// or whose address is wrong or not there (a serial adapter that is not
// plugged in), and names them all, with the checks that need them.
func (b *StationBench) Check(p *Plan) error {
	need := map[string][]string{}
	for _, c := range p.Checks {
		if offTarget(c, harness.TargetPhysical) != "" {
			continue
		}
		for _, d := range c.Devices() {
			need[d] = append(need[d], c.Name())
		}
	}
	var problems []string
	for _, d := range slices.Sorted(maps.Keys(need)) {
		checks := strings.Join(need[d], ", ")
		addr := b.Station.Devices[d]
		if addr == "" {
			problems = append(problems, fmt.Sprintf("%s: no address for the %s (needed by %s): add it under devices:", b.File, d, checks))
			continue
		}
		a, err := port.ParseAddress(addr)
		if err != nil {
			problems = append(problems, fmt.Sprintf("%s: devices: %s: %v", b.File, d, err))
			continue
		}
		if a.Scheme == port.SchemeSerial {
			if _, err := os.Stat(a.Path); err != nil {
				problems = append(problems, fmt.Sprintf("%s: devices: the %s is missing: %s does not exist (needed by %s): is its cable plugged in?", b.File, d, a.Path, checks))
			}
		}
	}
	if len(problems) > 0 {
		return errors.New(strings.Join(problems, "\n"))
	}
	return nil
}

// Describe is the station file's name, profile and devices.
func (b *StationBench) Describe() StationInfo {
	devs := b.Station.Devices
	if devs == nil {
		devs = map[string]string{}
	}
	return StationInfo{Name: b.Station.Name, File: b.File, Target: harness.TargetPhysical,
		Profile: b.Station.DeviceProfile().Name, Devices: devs}
}

// Unit is the station's terminal; nothing to prepare.
func (b *StationBench) Unit() (harness.Target, StationInfo, func(), error) {
	return &harness.PhysicalTarget{Station: b.Station, Operator: b.Operator}, b.Describe(), func() {}, nil
}
