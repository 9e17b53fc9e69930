package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime/debug"
	"strings"
	"syscall"
	"time"

	"github.com/posemu/posemu/harness"
	"github.com/posemu/posemu/hwcheck"
	"github.com/posemu/posemu/profile"
)

// Exit codes.
const (
	exitPass    = 0
	exitFail    = 1
	exitUsage   = 2
	exitStation = 3
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

type options struct {
	station, plan, serial, reportDir, junit string
	lang, operator, color, tiers, profile   string
	emulator, nonInteractive, loop, verbose bool
	list                                    bool
	promptTimeout                           time.Duration
	faults                                  []hwcheck.Fault
}

type faultFlag struct{ list *[]hwcheck.Fault }

func (f faultFlag) String() string { return "" }

func (f faultFlag) Set(s string) error {
	fl, err := hwcheck.ParseFault(s)
	if err != nil {
		return errors.New(strings.TrimPrefix(err.Error(), fmt.Sprintf("--inject %q: ", s)))
	}
	*f.list = append(*f.list, fl)
	return nil
}

func parseFlags(args []string, stderr io.Writer) (*options, error) {
	o := &options{}
	fs := flag.NewFlagSet("hwcheck", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&o.station, "station", "", "station `FILE`: where the terminal's devices are (docs/scenarios.md)")
	fs.BoolVar(&o.emulator, "emulator", false, "check an in-process emulated unit instead of a station's terminal")
	fs.StringVar(&o.plan, "plan", "", "check plan `FILE` (default: the embedded fixtures/hwcheck/default.yaml)")
	fs.StringVar(&o.tiers, "tier", "", "run only these tiers, comma-separated: internal,external,interactive")
	fs.StringVar(&o.serial, "serial", "", "the unit's serial number (else scanned or typed on the console)")
	fs.StringVar(&o.reportDir, "report-dir", "hwcheck-reports", "`DIR` for <serial>.json, its attachments and <serial>.junit.xml")
	fs.StringVar(&o.junit, "junit", "", "also write the JUnit XML to `FILE` (CI)")
	fs.BoolVar(&o.nonInteractive, "non-interactive", false, "nobody at the console: no prompts, --serial required (CI)")
	fs.BoolVar(&o.loop, "loop", false, "after each unit, wait for the next serial number")
	fs.StringVar(&o.lang, "lang", hwcheck.DefaultLang(), "console language: en or zh")
	fs.StringVar(&o.operator, "operator", os.Getenv("USER"), "who runs the station, for the record")
	fs.StringVar(&o.color, "color", "auto", "colour: auto (when stdout is a terminal), always, never")
	fs.StringVar(&o.profile, "profile", "", "with --emulator: the device profile, a built-in name or a file (default lakala-default)")
	fs.DurationVar(&o.promptTimeout, "prompt-timeout", 0, "how long a prompt waits for the operator (default: the station's, else 60s)")
	fs.Var(faultFlag{&o.faults}, "inject", "with --emulator: a device fault before the checks, e.g. printer.paper=out, keypad.unplugged (repeatable; see docs/hwcheck.md)")
	fs.BoolVar(&o.verbose, "v", false, "write every step to stderr")
	fs.BoolVar(&o.list, "list", false, "list the plan's checks and exit")
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "usage: hwcheck (--station FILE | --emulator) [flags]\n\n")
		fs.PrintDefaults()
		fmt.Fprintf(fs.Output(), "\nexit status: 0 all checks passed, 1 a check failed, 2 bad command line, 3 the station could not run\n")
	}
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	switch {
	case fs.NArg() > 0:
		return nil, fmt.Errorf("unexpected argument %q", fs.Arg(0))
	case o.station == "" && !o.emulator && !o.list:
		return nil, errors.New("say where the unit is: --station FILE or --emulator")
	case o.station != "" && o.emulator:
		return nil, errors.New("--station and --emulator: choose one")
	case len(o.faults) > 0 && !o.emulator:
		return nil, errors.New("--inject needs --emulator: a physical terminal's faults are made by hand")
	case o.profile != "" && !o.emulator:
		return nil, errors.New("--profile needs --emulator: a station's profile is in its station file")
	case o.nonInteractive && o.serial == "" && !o.list:
		return nil, errors.New("--non-interactive needs --serial: nobody can scan one")
	case o.nonInteractive && o.loop:
		return nil, errors.New("--loop needs an operator: drop --non-interactive")
	case o.lang != "en" && o.lang != "zh":
		return nil, fmt.Errorf("--lang %q: en or zh", o.lang)
	case o.color != "auto" && o.color != "always" && o.color != "never":
		return nil, fmt.Errorf("--color %q: auto, always or never", o.color)
	}
	if o.serial != "" {
		if err := hwcheck.CheckSerial(o.serial); err != nil {
			return nil, err
		}
	}
	if o.operator == "" {
		o.operator = "unknown"
	}
	return o, nil
}

func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	o, err := parseFlags(args, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return exitPass
	}
	if err != nil {
		fmt.Fprintf(stderr, "hwcheck: %v\n", err)
		return exitUsage
	}
	term := terminalOf(stdout)
	con := hwcheck.NewConsole(stdin, stdout, hwcheck.ConsoleOptions{
		Lang: o.lang, Interactive: !o.nonInteractive, Live: term.tty && !o.nonInteractive, Width: term.width,
		Color:         o.color == "always" || (o.color == "auto" && term.tty && os.Getenv("NO_COLOR") == "" && os.Getenv("TERM") != "dumb"),
		PromptTimeout: o.promptTimeout,
	})
	s := &session{o: o, con: con, stdout: stdout, stderr: stderr}
	if o.list {
		return s.list()
	}
	bench, plan, err := s.setup()
	if err != nil {
		return s.stationFailed(bench, plan, err)
	}
	worst := exitPass
	for first := true; ; first = false {
		serial := o.serial
		if !first || serial == "" {
			if serial, err = con.ReadSerial(ctx); err != nil {
				if first && !errors.Is(err, hwcheck.ErrQuit) {
					fmt.Fprintf(stderr, "hwcheck: no serial number: %v\n", err)
					return exitUsage
				}
				return worst
			}
		}
		worst = max(worst, s.unit(ctx, bench, serial))
		if !o.loop || ctx.Err() != nil {
			return worst
		}
	}
}

// session is one run of the command.
type session struct {
	o              *options
	con            *hwcheck.Console
	stdout, stderr io.Writer
}

// setup reads the plan and the station (or makes the emulator bench) and
// checks that the station can run the plan. On an error it returns what
// it got so far, for the record.
func (s *session) setup() (hwcheck.Bench, *hwcheck.Plan, error) {
	var bench hwcheck.Bench
	if s.o.emulator {
		eb := &hwcheck.EmulatorBench{Faults: s.o.faults}
		if s.o.profile != "" {
			p, err := profile.Load(s.o.profile)
			if err != nil {
				return nil, nil, err
			}
			eb.Profile = p
		}
		bench = eb
	} else {
		sb, err := hwcheck.LoadStationBench(s.o.station, s.con)
		if err != nil {
			return nil, nil, err
		}
		if s.o.promptTimeout > 0 {
			sb.Station.PromptTimeout = harness.Duration(s.o.promptTimeout)
		}
		s.con.SetPromptTimeout(sb.Station.PromptTimeout.D())
		bench = sb
	}
	plan, err := s.loadPlan(bench, "UNKNOWN")
	if err != nil {
		return bench, nil, err
	}
	return bench, plan, bench.Check(plan)
}

func (s *session) loadPlan(bench hwcheck.Bench, serial string) (*hwcheck.Plan, error) {
	vars := map[string]string{}
	if bench != nil {
		for k, v := range bench.Variables() {
			vars[k] = v
		}
	}
	vars["serial"] = serial
	plan, err := hwcheck.LoadPlan(s.o.plan, vars)
	if err != nil {
		return nil, err
	}
	var tiers []string
	if s.o.tiers != "" {
		tiers = strings.Split(s.o.tiers, ",")
	}
	if err := plan.Select(tiers); err != nil {
		return nil, err
	}
	return plan, nil
}

// unit checks one unit and writes its record.
func (s *session) unit(ctx context.Context, bench hwcheck.Bench, serial string) int {
	u := &hwcheck.Unit{Serial: serial, Operator: s.o.operator, Lang: s.o.lang, UI: s.con, Version: version()}
	for _, f := range s.o.faults {
		u.Injected = append(u.Injected, f.Spec)
	}
	if s.o.verbose {
		u.Log = s.stderr
	}
	plan, err := s.loadPlan(bench, serial) // ${serial} in the plan is this unit's
	if err != nil {
		return s.record(u.StationError(nil, err))
	}
	u.Plan = plan
	target, info, release, err := bench.Unit()
	u.Station = info
	if err != nil {
		return s.record(u.StationError(nil, err))
	}
	defer release()
	u.Target = target
	return s.record(u.Run(ctx))
}

// record writes rec and its JUnit XML, shows the verdict, and says which
// exit status it means.
func (s *session) record(rec *hwcheck.Record) int {
	path, err := hwcheck.WriteRecord(s.o.reportDir, rec)
	if err == nil {
		var junit []byte
		if junit, err = hwcheck.JUnit(rec); err == nil {
			err = hwcheck.WriteFileAtomic(strings.TrimSuffix(path, ".json")+".junit.xml", junit)
			if err == nil && s.o.junit != "" {
				err = hwcheck.WriteFileAtomic(s.o.junit, junit)
			}
		}
	}
	s.con.Verdict(rec, path)
	if err != nil {
		fmt.Fprintf(s.stderr, "hwcheck: writing the record of %s: %v\n", rec.Serial, err)
		return exitStation
	}
	switch rec.Verdict {
	case hwcheck.VerdictPass:
		return exitPass
	case hwcheck.VerdictFail:
		return exitFail
	}
	return exitStation
}

// stationFailed reports a station that cannot run at all: on the console,
// on stderr, and in a record (named after --serial, or after the time).
func (s *session) stationFailed(bench hwcheck.Bench, plan *hwcheck.Plan, err error) int {
	fmt.Fprintf(s.stderr, "hwcheck: the station cannot run:\n%v\n", err)
	serial := s.o.serial
	if serial == "" {
		serial = "station-error-" + time.Now().UTC().Format("20060102T150405Z")
	}
	u := &hwcheck.Unit{Serial: serial, Operator: s.o.operator, Lang: s.o.lang, Version: version(), Plan: plan}
	u.Station = hwcheck.StationInfo{Name: s.o.station, File: s.o.station, Target: "physical"}
	if bench != nil {
		u.Station = bench.Describe()
	}
	rec := u.StationError(nil, err)
	if rec.Plan.File == "" {
		rec.Plan.File = s.o.plan
	}
	if rec.Plan.File == "" {
		rec.Plan.File = "fixtures/hwcheck/default.yaml (embedded)"
	}
	s.record(rec)
	return exitStation
}

// list prints the plan's checks.
func (s *session) list() int {
	plan, err := s.loadPlan(nil, "UNKNOWN")
	if err != nil {
		fmt.Fprintf(s.stderr, "hwcheck: %v\n", err)
		return exitStation
	}
	fmt.Fprintf(s.stdout, "%s (%s)\n", plan.Suite.Name, plan.File)
	for _, c := range plan.Checks {
		fmt.Fprintf(s.stdout, "  %-12s %-18s %s [%s]\n", c.Tier, c.Name(), c.Title(s.o.lang), strings.Join(c.Devices(), ", "))
	}
	return exitPass
}

func version() string {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return "unknown"
	}
	v := bi.Main.Version
	for _, st := range bi.Settings {
		if st.Key == "vcs.revision" && len(st.Value) >= 12 {
			v += " " + st.Value[:12]
		}
	}
	return strings.TrimSpace(v)
}
