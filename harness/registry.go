package harness

import (
	"fmt"
	"reflect"
	"slices"
	"sync"
)

// Def describes a step with parameters of type T: how it is written, what
// it does on each target, and what it needs. A step is added with
// Register, usually from an init func in a file of its own.
type Def[T any] struct {
	// Name is the step's key in a scenario file, e.g. "expect_receipt".
	Name string
	// Area groups steps in the docs: keys, display, printer, payment, …
	Area string
	// Summary is one line for the docs and the schema.
	Summary string
	// Example is a YAML step line, e.g. `- press: "12.50 ENTER"`; tests
	// check that it loads.
	Example string
	// Emulator carries the step out on the emulator target.
	Emulator func(r *Run, p *T) error
	// Physical carries it out on a physical terminal; nil means the step
	// cannot, and scenarios using it are skipped there with NotOnHardware.
	Physical func(r *Run, p *T) error
	// NotOnHardware says why the step cannot run on a physical terminal.
	NotOnHardware string
	// Hardware says, for the docs, how Physical differs from Emulator
	// (an operator prompt, say); "" means it does the same through the
	// drivers on the station's addresses.
	Hardware string
	// Needs, when set, is the part the emulator runner waits for ("the
	// ESC/POS printer model"): the step loads and is in the schema, but on
	// the emulator (and on hardware too, without a Physical runner) a
	// scenario that uses it is skipped as not available yet. Wire the
	// runner and clear Needs when the part lands.
	Needs string
	// Listen lists the devices whose readers must run from the scenario's
	// first step, because the step reads what they sent.
	Listen []string
}

// StepDef is a registered step, its parameter type erased.
type StepDef struct {
	Name, Area, Summary, Example   string
	NotOnHardware, Hardware, Needs string
	Listen                         []string

	params   reflect.Type
	emulator func(*Run, any) error
	physical func(*Run, any) error
}

// Params is the step's parameter type.
func (d *StepDef) Params() reflect.Type { return d.params }

// Runs reports whether the step can run on target, and if not, why.
func (d *StepDef) Runs(target string) (bool, string) {
	switch {
	case d.Needs != "" && (target == TargetEmulator || d.physical == nil):
		return false, "not available yet: needs " + d.Needs
	case target == TargetPhysical && d.physical == nil:
		return false, "cannot run on a physical terminal: " + d.NotOnHardware
	case target == TargetEmulator && d.emulator == nil:
		return false, "cannot run on the emulator"
	}
	return true, ""
}

var (
	stepsMu sync.Mutex
	steps   = map[string]*StepDef{}
)

// Register adds a step. It panics on a duplicate name or a definition
// that cannot work, since both are programming errors found at init.
func Register[T any](d Def[T]) {
	stepsMu.Lock()
	defer stepsMu.Unlock()
	if d.Name == "" || d.Name == useStep {
		panic(fmt.Sprintf("harness.Register: bad step name %q", d.Name))
	}
	if _, dup := steps[d.Name]; dup {
		panic(fmt.Sprintf("harness.Register: step %q registered twice", d.Name))
	}
	if d.Needs == "" && d.Emulator == nil && d.Physical == nil {
		panic(fmt.Sprintf("harness.Register: step %q has no runner and no Needs", d.Name))
	}
	if d.Physical == nil && d.NotOnHardware == "" && d.Needs == "" {
		panic(fmt.Sprintf("harness.Register: step %q has no Physical runner: say why in NotOnHardware", d.Name))
	}
	t := reflect.TypeFor[T]()
	if t.Kind() != reflect.Struct {
		panic(fmt.Sprintf("harness.Register: step %q: parameters must be a struct, not %s", d.Name, t))
	}
	sd := &StepDef{Name: d.Name, Area: d.Area, Summary: d.Summary, Example: d.Example,
		NotOnHardware: d.NotOnHardware, Hardware: d.Hardware, Needs: d.Needs, Listen: d.Listen, params: t}
	if d.Emulator != nil {
		sd.emulator = func(r *Run, p any) error { return d.Emulator(r, p.(*T)) }
	}
	if d.Physical != nil {
		sd.physical = func(r *Run, p any) error { return d.Physical(r, p.(*T)) }
	}
	steps[d.Name] = sd
}

// StepNames lists the registered steps, sorted (use: is built in and not
// among them).
func StepNames() []string {
	stepsMu.Lock()
	defer stepsMu.Unlock()
	names := make([]string, 0, len(steps))
	for n := range steps {
		names = append(names, n)
	}
	slices.Sort(names)
	return names
}

// Steps returns the registered steps, sorted by area then name.
func Steps() []*StepDef {
	stepsMu.Lock()
	defer stepsMu.Unlock()
	out := make([]*StepDef, 0, len(steps))
	for _, d := range steps {
		out = append(out, d)
	}
	slices.SortFunc(out, func(a, b *StepDef) int {
		if a.Area != b.Area {
			return areaOrder(a.Area) - areaOrder(b.Area)
		}
		if a.Name < b.Name {
			return -1
		}
		return 1
	})
	return out
}

// Areas in the order the docs present them.
var areas = []string{"keys", "scanner", "display", "customer display", "devices", "printer", "usb", "payment", "terminal", "events", "measurements", "operator"}

func areaOrder(a string) int {
	if i := slices.Index(areas, a); i >= 0 {
		return i
	}
	return len(areas)
}

// Lookup returns the step called name.
func Lookup(name string) (*StepDef, bool) {
	stepsMu.Lock()
	defer stepsMu.Unlock()
	d, ok := steps[name]
	return d, ok
}
