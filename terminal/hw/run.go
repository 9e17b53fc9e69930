package hw

import (
	"context"
	"fmt"
	"log/slog"

	"github.com/posemu/posemu/clock"
	"github.com/posemu/posemu/drivers/lcd"
	"github.com/posemu/posemu/drivers/port"
	"github.com/posemu/posemu/drivers/printer"
	"github.com/posemu/posemu/profile"
	"github.com/posemu/posemu/terminal"
	"github.com/posemu/posemu/terminal/config"
	"github.com/posemu/posemu/terminal/journal"
)

// RunOptions is everything Run needs.
type RunOptions struct {
	Config  *config.Config
	Profile *profile.Profile // nil: load Config.Profile
	Devices Addresses
	Gateway string      // overrides Config.Payment.Gateway when set
	Clock   clock.Clock // nil: the wall clock
	Logger  *slog.Logger
	// Wrap, if set, wraps each device port (see Options.Wrap).
	Wrap func(name string, p port.Port) port.Port
	// LCD and Printer start those drivers' configurations (see
	// Options.LCD); zero is the drivers' defaults.
	LCD     lcd.Config
	Printer printer.Config
	// Ready, if set, is called once the journal, devices and platform
	// client are open, just before the application starts.
	Ready func(*terminal.App)
}

// Run opens the journal, the devices and the platform client, runs the
// terminal application until ctx ends, and closes everything again.
func Run(ctx context.Context, o RunOptions) error {
	if o.Clock == nil {
		o.Clock = clock.Real()
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	prof := o.Profile
	if prof == nil {
		var err error
		if prof, err = profile.Load(o.Config.Profile); err != nil {
			return err
		}
	}
	j, err := journal.Open(o.Config.StateDir, journal.Options{Clock: o.Clock})
	if err != nil {
		return err
	}
	defer j.Close()
	pay, err := NewPayments(o.Config, o.Gateway, o.Clock)
	if err != nil {
		return fmt.Errorf("payment platform: %w", err)
	}
	h, err := Open(o.Devices, prof, Options{Clock: o.Clock, Logger: o.Logger, Wrap: o.Wrap,
		LCD: o.LCD, Printer: o.Printer})
	if err != nil {
		return err
	}
	defer h.Close()
	app := terminal.New(o.Config, h.Devices(pay), j, terminal.Options{Clock: o.Clock, Logger: o.Logger})
	if o.Ready != nil {
		o.Ready(app)
	}
	o.Logger.Info("terminal running", "terminal", o.Config.Terminal.Number, "journal", j.Path(),
		"batch", j.Batch(), "next_voucher", j.NextVoucher(), "in_doubt", len(j.InDoubt()))
	return app.Run(ctx)
}
