package harness

import (
	"context"
	"errors"
	"fmt"
	"reflect"

	"github.com/posemu/posemu/clock"
	"github.com/posemu/posemu/emulator"
)

// UnitTarget runs every scenario on one emulator that the caller made and
// closes: one emulated unit under test, whose state (a fault injected, a
// device unplugged, what was printed) carries from one scenario to the
// next, as it does on a physical terminal. hwcheck checks an emulated
// unit with it; EmulatorTarget, which gives each scenario a fresh
// emulator, is the one for test suites.
type UnitTarget struct {
	Emulator *emulator.Emulator
	// Clock is the emulator's virtual clock (advance_clock moves it); nil
	// makes advance_clock fail.
	Clock *clock.Virtual
}

// Name is TargetEmulator: scenarios labelled emulator-only run here.
func (t *UnitTarget) Name() string { return TargetEmulator }

// Start gives the scenario its own drivers (the app role) on the unit's
// devices. An unplugged device keeps its address, so a step that needs it
// fails as a terminal's would: the port does not open.
func (t *UnitTarget) Start(ctx context.Context, sc *Scenario) (Session, error) {
	prof := t.Emulator.Profile()
	if sc.Profile != nil && !reflect.DeepEqual(sc.Profile, prof) {
		return nil, &SkipError{Reason: fmt.Sprintf("given: the scenario's device profile (%q, as given) is not the unit's (%q)", sc.Profile.Name, prof.Name)}
	}
	addrs := map[string]string{}
	for _, d := range t.Emulator.Devices() {
		addrs[d.Name] = d.Link
	}
	app := NewApp(prof, addrs)
	app.drivers = emulatorDrivers
	if err := app.Listen(sc.Listens()); err != nil {
		app.Close()
		return nil, err
	}
	return &unitSession{emuSession: &emuSession{emu: t.Emulator, clk: t.Clock, app: app}}, nil
}

// unitSession is an emuSession whose emulator outlives it.
type unitSession struct{ *emuSession }

// Close closes the scenario's drivers and the payment simulator it
// started, if it paid; the emulator stays.
func (s *unitSession) Close() error {
	return errors.Join(s.platform.close(), s.app.Close())
}
