package main

import (
	"context"
	"log/slog"
	"os"

	"github.com/posemu/posemu/emulator"
	"github.com/posemu/posemu/profile"
	"github.com/posemu/posemu/terminal/config"
	"github.com/posemu/posemu/terminal/hw"
)

// startTerminal runs the terminal application (terminal/, through its real
// drivers) on the emulator's own devices and payment gateway, with the
// embedded TEST configuration, until ctx ends or the returned stop is
// called (which waits). A failure of the application is logged; the
// emulated hardware keeps running.
func startTerminal(ctx context.Context, o options, emu *emulator.Emulator, prof *profile.Profile, gateway string, log *slog.Logger) (stop func()) {
	cfg := config.Default()
	cfg.StateDir = o.appState
	if cfg.StateDir == "" {
		// Like the simulator's trades without --host-state, the journal
		// lasts as long as this posemu: a journal that outlived the trades
		// it names would send the terminal resolving trades nobody has.
		dir, err := os.MkdirTemp("", "posemu-terminal-")
		if err != nil {
			log.Error("terminal application not started", "err", err)
			return func() {}
		}
		defer func() { stop = withCleanup(stop, dir) }()
		cfg.StateDir = dir
	}
	var devs hw.Addresses
	for name, dst := range map[string]*string{emulator.LCD: &devs.LCD, emulator.CustDisplay: &devs.CustDisplay,
		emulator.Keypad: &devs.Keypad, emulator.Scanner: &devs.Scanner, emulator.Printer: &devs.Printer} {
		if info, err := emu.Device(name); err == nil {
			*dst = info.Link
		}
	}
	ctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		log := log.With("part", "terminal")
		err := hw.Run(ctx, hw.RunOptions{Config: cfg, Profile: prof, Devices: devs, Gateway: gateway,
			Clock: emu.Clock(), Logger: log})
		if err != nil && ctx.Err() == nil {
			log.Error("terminal application stopped; the hardware keeps running", "err", err)
		}
	}()
	return func() { cancel(); <-done }
}

// withCleanup makes stop also remove the temporary state directory.
func withCleanup(stop func(), dir string) func() {
	return func() {
		stop()
		os.RemoveAll(dir)
	}
}
