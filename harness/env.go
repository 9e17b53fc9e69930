package harness

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"time"
)

// Environment variables the scenario suite reads.
const (
	EnvScenarios = "POSEMU_SCENARIOS"  // glob of scenario files
	EnvTarget    = "POSEMU_TARGET"     // emulator (default) or physical
	EnvStation   = "POSEMU_STATION"    // station file, for physical
	EnvOperator  = "POSEMU_OPERATOR"   // console for prompts: a path, or "stdio"
	EnvReportDir = "POSEMU_REPORT_DIR" // where failure artifacts go
	EnvPending   = "POSEMU_PENDING"    // "fail": steps not available yet fail
)

// Env is a run configured from the environment.
type Env struct {
	Files     []string
	Target    Target
	Variables map[string]string
	Runner    *Runner
}

// FromEnv reads the environment: the files (POSEMU_SCENARIOS, else
// defaultGlob), the target, the report directory. log receives the step
// lines.
func FromEnv(defaultGlob string, log io.Writer) (*Env, error) {
	glob := os.Getenv(EnvScenarios)
	if glob == "" {
		glob = defaultGlob
	}
	files, err := filepath.Glob(glob)
	if err != nil {
		return nil, fmt.Errorf("%s=%q: %w", EnvScenarios, glob, err)
	}
	if len(files) == 0 {
		return nil, fmt.Errorf("no scenario files match %q (set %s to a glob)", glob, EnvScenarios)
	}
	slices.Sort(files)
	env := &Env{Files: files}
	switch t := os.Getenv(EnvTarget); t {
	case "", TargetEmulator:
		env.Target = &EmulatorTarget{}
	case TargetPhysical:
		path := os.Getenv(EnvStation)
		if path == "" {
			return nil, fmt.Errorf("%s=physical needs %s=station.yaml (see docs/scenarios.md)", EnvTarget, EnvStation)
		}
		st, err := LoadStation(path)
		if err != nil {
			return nil, err
		}
		in, out, err := operatorConsole()
		if err != nil {
			return nil, err
		}
		env.Target = &PhysicalTarget{Station: st, Operator: NewConsole(in, out, st.PromptTimeout.D())}
		env.Variables = st.Variables
	default:
		return nil, fmt.Errorf("%s=%q: valid: %s, %s", EnvTarget, t, TargetEmulator, TargetPhysical)
	}
	reports := os.Getenv(EnvReportDir)
	if reports == "" {
		reports = filepath.Join(os.TempDir(), "posemu-scenario-reports")
	}
	env.Runner = &Runner{Target: env.Target, Log: log, ArtifactDir: reports, StrictPending: os.Getenv(EnvPending) == "fail"}
	return env, nil
}

// operatorConsole is the terminal the tests run from (go test and ginkgo
// do not hand their stdin to the test binary), or what POSEMU_OPERATOR says.
func operatorConsole() (io.Reader, io.Writer, error) {
	switch o := os.Getenv(EnvOperator); o {
	case "stdio":
		return os.Stdin, os.Stdout, nil
	case "":
		tty, err := os.OpenFile("/dev/tty", os.O_RDWR, 0)
		if err != nil {
			return nil, nil, fmt.Errorf("no terminal for operator prompts (%v): run from a terminal, or set %s", err, EnvOperator)
		}
		return tty, tty, nil
	default:
		f, err := os.OpenFile(o, os.O_RDWR, 0)
		if err != nil {
			return nil, nil, fmt.Errorf("%s: %w", EnvOperator, err)
		}
		return f, f, nil
	}
}

// Load reads every file; a file that does not load is returned with its
// error, so a suite can report it as a failure of its own.
func (e *Env) Load() (suites []*Suite, errs map[string]error) {
	errs = map[string]error{}
	for _, f := range e.Files {
		data, err := os.ReadFile(f)
		if err == nil {
			var s *Suite
			s, err = ParseWith(f, data, LoadOptions{Variables: e.Variables})
			if err == nil {
				suites = append(suites, s)
				continue
			}
		}
		errs[f] = err
	}
	return suites, errs
}

// promptTimeout is how long a hand step waits on this target.
func (r *Run) promptTimeout() time.Duration {
	if s, ok := r.sess.(interface{ promptTimeout() time.Duration }); ok {
		return s.promptTimeout()
	}
	return 60 * time.Second
}
