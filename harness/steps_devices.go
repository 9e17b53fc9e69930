package harness

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/posemu/posemu/emulator"
	"github.com/posemu/posemu/emulator/events"
)

// DeviceStep names one device.
type DeviceStep struct {
	Device string `yaml:"device" required:"true" shorthand:"true" doc:"lcd, custdisplay, keypad, scanner, printer or usb-printer"`
}

// Validate checks the name.
func (s *DeviceStep) Validate() error { return checkDevice(s.Device) }

func checkDevice(name string) error {
	if !slices.Contains(knownDevices(), name) {
		return fmt.Errorf("device %q: valid: %s", name, strings.Join(knownDevices(), ", "))
	}
	return nil
}

// knownDevices are the devices a step may name: the app's and the
// emulator's, the printer's USB door among them (whether an emulator or a
// station has it is found out when the scenario runs).
func knownDevices() []string {
	out := slices.Clone(deviceNames)
	for _, d := range append(emulator.DeviceNames(), emulator.USBPrinter) {
		if !slices.Contains(out, d) {
			out = append(out, d)
		}
	}
	return out
}

// AdvanceClockStep moves the emulator's virtual clock.
type AdvanceClockStep struct {
	By Duration `yaml:"by" required:"true" shorthand:"true" doc:"how far, e.g. 30s"`
}

// EventMatch picks events off the emulator's bus.
type EventMatch struct {
	Device string         `yaml:"device" required:"true" doc:"device that published it: lcd, custdisplay, keypad, scanner, printer, usb-printer, emulator, host (the payment simulator)"`
	Kind   string         `yaml:"kind" doc:"event kind, e.g. key, scan, text, unplug (any if unset)"`
	Where  map[string]any `yaml:"where" doc:"detail fields that must have these values"`
}

// Validate checks the device name.
func (m *EventMatch) Validate() error {
	if m.Device == "emulator" || m.Device == "host" {
		return nil
	}
	return checkDevice(m.Device)
}

// ExpectEventStep waits for a device event on the emulator's bus.
type ExpectEventStep struct {
	EventMatch `yaml:",inline"`
	Timeout    Duration `yaml:"timeout" doc:"how long to wait"`
}

// ExpectNoEventStep checks that no such event comes for a while.
type ExpectNoEventStep struct {
	EventMatch `yaml:",inline"`
	For        Duration `yaml:"for" doc:"how long to watch (default 500ms)"`
}

// OperatorStep asks the person at a physical terminal to do or confirm
// something; the emulator target only logs it.
type OperatorStep struct {
	Do  string `yaml:"do" shorthand:"true" doc:"an instruction; the operator presses Enter when done"`
	Ask string `yaml:"ask" doc:"a yes-or-no question; no fails the scenario"`
}

// NoteStep writes a line to the scenario's log.
type NoteStep struct {
	Text string `yaml:"text" required:"true" shorthand:"true" doc:"what to log"`
}

func init() {
	Register(Def[DeviceStep]{
		Name: "unplug", Area: "devices",
		Summary:       "pull a device's cable: its port fails until replug",
		Example:       `- unplug: keypad`,
		Emulator:      func(r *Run, s *DeviceStep) error { return r.Emulator().Unplug(s.Device) },
		NotOnHardware: "unplugging needs the emulator; on a bench, use an operator: step",
	})
	Register(Def[DeviceStep]{
		Name: "replug", Area: "devices",
		Summary:       "plug a device back in (a new pty behind the same link)",
		Example:       `- replug: keypad`,
		Emulator:      func(r *Run, s *DeviceStep) error { return r.Emulator().Replug(s.Device) },
		NotOnHardware: "replugging needs the emulator; on a bench, use an operator: step",
	})
	Register(Def[AdvanceClockStep]{
		Name: "advance_clock", Area: "devices",
		Summary:       "move the virtual clock forward, firing the timers that come due",
		Example:       `- advance_clock: 30s`,
		Emulator:      func(r *Run, s *AdvanceClockStep) error { return r.AdvanceClock(s.By.D()) },
		NotOnHardware: "a physical terminal's clock cannot be advanced",
	})
	Register(Def[ExpectEventStep]{
		Name: "expect_event", Area: "events",
		Summary:       "a device publishes a matching event (after the last one an expect_event matched)",
		Example:       `- expect_event: {device: keypad, kind: key, where: {key: ENTER}}`,
		Emulator:      expectEvent,
		NotOnHardware: "device events are the emulator's",
	})
	Register(Def[ExpectNoEventStep]{
		Name: "expect_no_event", Area: "events",
		Summary:       "no matching event is published for a while",
		Example:       `- expect_no_event: {device: printer, for: 500ms}`,
		Emulator:      expectNoEvent,
		NotOnHardware: "device events are the emulator's",
	})
	Register(Def[OperatorStep]{
		Name: "operator", Area: "operator",
		Hardware: "prints the instruction and waits for Enter; asks the question and fails on n",
		Summary:  "ask the person at a physical terminal to do or confirm something (logged on the emulator)",
		Example:  `- operator: "Load a new paper roll"`,
		Emulator: func(r *Run, s *OperatorStep) error {
			r.Logf("operator step (nothing to do on the emulator): %s%s", s.Do, s.Ask)
			return nil
		},
		Physical: func(r *Run, s *OperatorStep) error {
			if s.Do != "" {
				if err := r.AskDo(s.Do); err != nil {
					return err
				}
			}
			if s.Ask != "" {
				return r.AskCheck(s.Ask)
			}
			return nil
		},
	})
	note := func(r *Run, s *NoteStep) error {
		r.Logf("note: %s", s.Text)
		return nil
	}
	Register(Def[NoteStep]{
		Name: "note", Area: "operator",
		Summary:  "write a line to the scenario's log",
		Example:  `- note: "the amount screen is up"`,
		Emulator: note, Physical: note,
	})
}

func (m EventMatch) matches(e events.Event) bool {
	if e.Device != m.Device || (m.Kind != "" && e.Kind != m.Kind) {
		return false
	}
	for k, want := range m.Where {
		got, ok := e.Detail[k]
		if !ok || fmt.Sprint(got) != fmt.Sprint(want) {
			return false
		}
	}
	return true
}

func (m EventMatch) describe() string {
	s := "a " + m.Device
	if m.Kind != "" {
		s += " " + m.Kind
	}
	s += " event"
	if len(m.Where) > 0 {
		keys := make([]string, 0, len(m.Where))
		for k := range m.Where {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		var parts []string
		for _, k := range keys {
			parts = append(parts, fmt.Sprintf("%s=%v", k, m.Where[k]))
		}
		s += " with " + strings.Join(parts, ", ")
	}
	return s
}

// maxSeenEvents bounds the events a failure message lists.
const maxSeenEvents = 12

func eventsSeen(evs []events.Event, device string) string {
	var mine []events.Event
	for _, e := range evs {
		if device == "" || e.Device == device {
			mine = append(mine, e)
		}
	}
	if len(mine) == 0 {
		return fmt.Sprintf("%s events since the last match: (none)", device)
	}
	skipped := max(0, len(mine)-maxSeenEvents)
	var b strings.Builder
	fmt.Fprintf(&b, "%s events since the last match (%d):", device, len(mine))
	if skipped > 0 {
		fmt.Fprintf(&b, "\n  … %d earlier", skipped)
	}
	for _, e := range mine[skipped:] {
		fmt.Fprintf(&b, "\n  #%d %s %v", e.Seq, e.Kind, e.Detail)
	}
	return b.String()
}

func expectEvent(r *Run, s *ExpectEventStep) error {
	bus := r.Emulator().Bus()
	return r.Await(r.Timeout(s.Timeout), s.describe(), func() (bool, string) {
		evs := bus.Since(r.evCursor)
		for _, e := range evs {
			if s.matches(e) {
				r.evCursor = e.Seq
				return true, ""
			}
		}
		return false, eventsSeen(evs, s.Device)
	})
}

func expectNoEvent(r *Run, s *ExpectNoEventStep) error {
	bus := r.Emulator().Bus()
	from := bus.Last()
	d := s.For.D()
	if d == 0 {
		d = 500 * time.Millisecond
	}
	return r.Hold(d, "unexpected "+s.describe(), func() (bool, string) {
		for _, e := range bus.Since(from) {
			if s.matches(e) {
				return true, fmt.Sprintf("#%d %s %s %v", e.Seq, e.Device, e.Kind, e.Detail)
			}
		}
		return false, ""
	})
}
