// Command posemu starts the virtual terminal: every peripheral of a device
// profile on its own pty, linked in a device directory, with the control
// API on loopback. It prints where everything is (as one JSON line with
// --json) and runs until SIGINT or SIGTERM, then removes everything it
// created.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"text/tabwriter"

	"github.com/posemu/posemu/emulator"
	"github.com/posemu/posemu/emulator/control"
	"github.com/posemu/posemu/emulator/hostsim"
	"github.com/posemu/posemu/emulator/usbip"
	"github.com/posemu/posemu/profile"
)

// DefaultListen is where the control API listens unless --listen says
// otherwise.
const DefaultListen = "127.0.0.1:7070"

// DefaultUSBIP is where the USB/IP server listens unless --usbip says
// otherwise: usbipd's port, so `usbip list -r 127.0.0.1` finds it.
const DefaultUSBIP = "127.0.0.1:3240"

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

type options struct {
	profile string
	devdir  string
	listen  string
	noApp   bool
	json    bool

	host      string // payment gateway (emulator/hostsim) address
	hostState string
	usbip     string // USB/IP server address, "" for none
	appState  string // the terminal application's journal directory
}

func parseFlags(args []string, stderr io.Writer) (options, error) {
	var o options
	fs := flag.NewFlagSet("posemu", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&o.profile, "profile", profile.DefaultName, "device profile: a YAML file or a built-in name ("+strings.Join(profile.BuiltinNames(), ", ")+")")
	fs.StringVar(&o.devdir, "devdir", emulator.DefaultDevDir(), "directory for the device links and devices.json")
	fs.StringVar(&o.listen, "listen", DefaultListen, "control API address, loopback only (port 0 picks a free one)")
	fs.StringVar(&o.host, "host", hostsim.DefaultAddr, "payment gateway (Alipay simulator) address, loopback only (port 0 picks a free one)")
	fs.StringVar(&o.hostState, "host-state", "", "file that keeps the payment simulator's trades across restarts (default: memory only)")
	fs.StringVar(&o.usbip, "usbip", DefaultUSBIP, "USB/IP server exporting the printer as a USB device, loopback only (port 0 picks a free one; \"\" turns it off)")
	fs.BoolVar(&o.noApp, "no-app", false, "emulated hardware only, without the terminal application")
	fs.StringVar(&o.appState, "app-state", "", "directory that keeps the terminal application's journal across restarts (default: a temporary one; pair with --host-state)")
	fs.BoolVar(&o.json, "json", false, "print the device map as one JSON line on stdout once ready")
	fs.Usage = func() {
		fmt.Fprintf(stderr, "usage: posemu [flags]\n\nStarts the virtual POS terminal and prints where every device is.\n\nflags:\n")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return o, err
	}
	if fs.NArg() > 0 {
		return o, fmt.Errorf("unexpected argument %q (posemu takes only flags; see posemu -h)", fs.Arg(0))
	}
	return o, nil
}

// run is posemu: it returns the exit status once ctx ends (0) or startup
// fails (2).
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fail := func(format string, a ...any) int {
		fmt.Fprintf(stderr, "posemu: "+format+"\n", a...)
		return 2
	}
	o, err := parseFlags(args, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	if err != nil {
		if !strings.HasPrefix(err.Error(), "unexpected argument") {
			return 2 // the flag package has said what is wrong
		}
		return fail("%v", err)
	}
	log := slog.New(slog.NewTextHandler(stderr, nil))

	prof, err := profile.Load(o.profile)
	if err != nil {
		return fail("%v", err)
	}
	if err := control.CheckLoopback(o.listen); err != nil {
		return fail("%v", err)
	}
	if err := hostsim.CheckLoopback(o.host); err != nil {
		return fail("%v", err)
	}
	if o.usbip != "" {
		if err := usbip.CheckLoopback(o.usbip); err != nil {
			return fail("%v", err)
		}
	}
	emu, err := emulator.New(emulator.Config{Profile: prof, DevDir: o.devdir, USBIP: o.usbip, Log: log})
	if err != nil {
		if o.usbip != "" && errors.Is(err, syscall.EADDRINUSE) && strings.HasPrefix(err.Error(), "USB/IP") {
			return fail("USB/IP: %s is already in use (another posemu, or usbipd?); try --usbip 127.0.0.1:0", o.usbip)
		}
		return fail("%v", err)
	}
	defer func() {
		if err := emu.Close(); err != nil {
			log.Error("cleaning up the device directory", "err", err)
		}
	}()
	l, err := control.Listen(o.listen)
	if err != nil {
		if errors.Is(err, syscall.EADDRINUSE) {
			return fail("control API: %s is already in use (another posemu?); try --listen 127.0.0.1:0", o.listen)
		}
		return fail("control API: %v", err)
	}
	url := control.URL(l)
	sim, stopHost, err := startHost(ctx, o, emu, log)
	if err != nil {
		l.Close()
		return fail("%v", err)
	}
	defer stopHost()
	srv := control.NewServer(emu, control.Options{ControlURL: url, Log: log, Host: sim})
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ctx, l) }()

	if err := emu.WriteDeviceMap(url); err != nil {
		l.Close()
		<-served
		return fail("%v", err)
	}
	m := emu.DeviceMap(url)
	if o.json {
		line, _ := json.Marshal(m)
		fmt.Fprintf(stdout, "%s\n", line)
	} else {
		printHuman(stdout, m, emu.MapPath(), o.noApp)
	}
	log.Info("posemu ready", "profile", m.Profile, "devdir", m.DevDir, "control_api", url, "hardware_only", o.noApp)
	if !o.noApp {
		defer startTerminal(ctx, o, emu, prof, m.PaymentGateway, log)()
	}

	if err := <-served; err != nil {
		log.Error("control API stopped", "err", err)
		if ctx.Err() == nil {
			return 1
		}
	}
	log.Info("posemu stopped")
	return 0
}

func printHuman(w io.Writer, m emulator.DeviceMap, mapPath string, noApp bool) {
	fmt.Fprintf(w, "posemu: virtual POS terminal, profile %s\n", m.Profile)
	if noApp {
		fmt.Fprintln(w, "Hardware only (--no-app): drive the devices with your own code or the control API.")
	} else {
		fmt.Fprintln(w, "The terminal application runs on these devices: sign on as operator 01, password 0000 (TEST credentials; --no-app leaves it out).")
	}
	fmt.Fprintln(w)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "DEVICE\tPATH\tLINK\tBAUD")
	for _, name := range emulator.DeviceNames() {
		d, ok := m.Devices[name]
		if !ok {
			continue
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%d\n", name, d.Path, d.Link, d.Baud)
	}
	tw.Flush()
	fmt.Fprintln(w)
	fmt.Fprintf(w, "Control API: %s  (docs/control-api.md)\n", m.ControlAPI)
	if m.USBIP != nil {
		for _, d := range m.USBIP.Devices {
			fmt.Fprintf(w, "USB/IP:      %s exports the %s %s:%s as bus id %s  (%s; docs/usbip.md)\n", m.USBIP.Addr, d.Class, d.VID, d.PID, d.BusID, d.Address)
		}
	}
	if m.PaymentGateway != "" {
		fmt.Fprintf(w, "Payment gateway: %s  (Alipay simulator, docs/hostsim.md)\n", m.PaymentGateway)
	}
	fmt.Fprintf(w, "Device map:  %s\n", mapPath)
	fmt.Fprintln(w, "Press Ctrl-C to stop.")
}

// startHost starts the payment simulator on --host and names it in the
// device map; it runs until ctx ends or stop is called (which waits).
func startHost(ctx context.Context, o options, emu *emulator.Emulator, log *slog.Logger) (sim *hostsim.Simulator, stop func(), err error) {
	sim, err = hostsim.New(hostsim.Options{Clock: emu.Clock(), Bus: emu.Bus(), StatePath: o.hostState, Log: log})
	if err != nil {
		return nil, nil, err
	}
	hl, err := hostsim.Listen(o.host)
	if err != nil {
		sim.Close()
		if errors.Is(err, syscall.EADDRINUSE) {
			return nil, nil, fmt.Errorf("payment gateway: %s is already in use (another posemu?); try --host 127.0.0.1:0", o.host)
		}
		return nil, nil, fmt.Errorf("payment gateway: %v", err)
	}
	if err := emu.SetPaymentGateway(hostsim.GatewayURL(hl)); err != nil {
		hl.Close()
		sim.Close()
		return nil, nil, err
	}
	ctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		if err := sim.Serve(ctx, hl); err != nil && ctx.Err() == nil {
			log.Error("payment gateway stopped", "err", err)
		}
	}()
	return sim, func() { cancel(); <-done }, nil
}
