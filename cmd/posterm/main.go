package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"

	"github.com/posemu/posemu/terminal/config"
	"github.com/posemu/posemu/terminal/hw"
	"github.com/posemu/posemu/terminal/journal"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	if len(args) > 0 {
		switch args[0] {
		case "hash-password":
			return hashPassword(args[1:], stdin, stdout, stderr)
		case "check-config":
			return checkConfig(args[1:], stdout, stderr)
		case "journal":
			return dumpJournal(args[1:], stdout, stderr)
		}
	}
	return serve(ctx, args, stderr)
}

type options struct {
	config, state, devices, gateway, logLevel string
}

func commonFlags(name string, stderr io.Writer, o *options) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&o.config, "config", "", "configuration file (default: the embedded TEST configuration)")
	fs.StringVar(&o.state, "state", "", "state directory for the journal (overrides state_dir)")
	return fs
}

// loadConfig loads --config or the embedded default, with --state applied.
func loadConfig(o options) (*config.Config, error) {
	var cfg *config.Config
	if o.config == "" {
		cfg = config.Default()
	} else {
		var err error
		if cfg, err = config.Load(o.config); err != nil {
			return nil, err
		}
	}
	if o.state != "" {
		cfg.StateDir = o.state
	}
	return cfg, nil
}

func serve(ctx context.Context, args []string, stderr io.Writer) int {
	var o options
	fs := commonFlags("posterm", stderr, &o)
	fs.StringVar(&o.devices, "devices", "", "posemu's device map (default: posemu's devices.json, unless the config names devices)")
	fs.StringVar(&o.gateway, "gateway", "", "payment gateway URL (overrides the config)")
	fs.StringVar(&o.logLevel, "log-level", "info", "debug, info, warn or error")
	fs.Usage = func() {
		fmt.Fprintf(stderr, "usage: posterm [flags]\n       posterm hash-password | check-config FILE | journal\n\nRuns the POS terminal application.\n\nflags:\n")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "posterm: unexpected argument %q (see posterm -h)\n", fs.Arg(0))
		return 2
	}
	var level slog.Level
	if err := level.UnmarshalText([]byte(o.logLevel)); err != nil {
		fmt.Fprintf(stderr, "posterm: --log-level %q: want debug, info, warn or error\n", o.logLevel)
		return 2
	}
	log := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: level}))
	cfg, err := loadConfig(o)
	if err != nil {
		fmt.Fprintf(stderr, "posterm: %v\n", err)
		return 2
	}
	devs := cfg.Devices
	if o.devices != "" {
		devs.Map = o.devices
	} else if devs == (config.Devices{}) {
		devs.Map = filepath.Join(defaultDevDir(), "devices.json")
	}
	m, err := hw.Resolve(devs)
	if err != nil {
		fmt.Fprintf(stderr, "posterm: %v\n", err)
		return 2
	}
	gateway := o.gateway
	if gateway == "" && o.config == "" {
		gateway = m.Gateway // the embedded TEST config follows posemu's own platform
	}
	if cfg.TestMode {
		log.Warn("TEST MODE: slips are marked 测试/TESTING", "config", cfg.File)
	}
	err = hw.Run(ctx, hw.RunOptions{Config: cfg, Devices: m.Addresses, Gateway: gateway, Logger: log})
	if err != nil {
		fmt.Fprintf(stderr, "posterm: %v\n", err)
		return 1
	}
	log.Info("posterm stopped")
	return 0
}

// defaultDevDir is where posemu puts its device directory by default.
func defaultDevDir() string {
	if d := os.Getenv("XDG_RUNTIME_DIR"); d != "" {
		return filepath.Join(d, "posemu")
	}
	return filepath.Join(os.TempDir(), fmt.Sprintf("posemu-%d", os.Getuid()))
}

// hashPassword reads a password (one line) from stdin and prints its hash
// for a config's password_hash. The password is not echoed or logged.
func hashPassword(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("posterm hash-password", flag.ContinueOnError)
	fs.SetOutput(stderr)
	iter := fs.Int("iterations", config.DefaultIterations, "PBKDF2 iterations")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	line, err := bufio.NewReader(stdin).ReadString('\n')
	if err != nil && (err != io.EOF || line == "") {
		fmt.Fprintln(stderr, "posterm hash-password: give the password as one line on stdin")
		return 2
	}
	pw := strings.TrimRight(line, "\r\n")
	if pw == "" {
		fmt.Fprintln(stderr, "posterm hash-password: empty password")
		return 2
	}
	h, err := config.HashPassword(pw, *iter)
	if err != nil {
		fmt.Fprintf(stderr, "posterm hash-password: %v\n", err)
		return 2
	}
	fmt.Fprintln(stdout, h)
	return 0
}

func checkConfig(args []string, stdout, stderr io.Writer) int {
	if len(args) != 1 {
		fmt.Fprintln(stderr, "usage: posterm check-config FILE")
		return 2
	}
	cfg, err := config.Load(args[0])
	if err != nil {
		fmt.Fprintf(stderr, "%v\n", err)
		return 1
	}
	fmt.Fprintf(stdout, "%s: ok (merchant %s, terminal %s, %d operators, state %s)\n", args[0],
		cfg.Merchant.Number, cfg.Terminal.Number, len(cfg.Operators), cfg.StateDir)
	return 0
}

// dumpJournal prints the journal's entries as JSON lines (codes are masked
// in the journal itself).
func dumpJournal(args []string, stdout, stderr io.Writer) int {
	var o options
	fs := commonFlags("posterm journal", stderr, &o)
	if err := fs.Parse(args); err != nil {
		return 2
	}
	cfg, err := loadConfig(o)
	if err != nil {
		fmt.Fprintf(stderr, "posterm journal: %v\n", err)
		return 2
	}
	j, err := journal.Open(cfg.StateDir, journal.Options{})
	if err != nil {
		fmt.Fprintf(stderr, "posterm journal: %v\n", err)
		return 1
	}
	defer j.Close()
	enc := json.NewEncoder(stdout)
	for _, e := range j.Entries() {
		enc.Encode(e) //nolint:errcheck
	}
	fmt.Fprintf(stderr, "batch %06d, next voucher %06d, %d in doubt\n", j.Batch(), j.NextVoucher(), len(j.InDoubt()))
	return 0
}
