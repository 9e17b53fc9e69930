package harness

import (
	"bytes"
	"errors"
	"fmt"
	"sync"

	"github.com/posemu/posemu/drivers/port"
	"github.com/posemu/posemu/emulator"
)

// InterruptSlipStep arms a printer fault that strikes in the middle of
// one of the application's slips.
type InterruptSlipStep struct {
	At           string `yaml:"at" required:"true" doc:"ASCII text of a line of the slip (e.g. REF:): the fault strikes as the application's write carrying it goes to the printer"`
	PrinterState `yaml:",inline"`
}

// Validate checks the line and the fault.
func (s *InterruptSlipStep) Validate() error {
	for _, c := range s.At {
		if c > 0x7E || c < 0x20 {
			return fmt.Errorf("at %q: use the ASCII part of a line (Chinese goes to the printer in GB18030)", s.At)
		}
	}
	if s.Paper == "" && s.Cover == "" && s.Cutter == "" && s.Drawer == "" {
		return errors.New("say what happens: paper, cover, cutter or drawer")
	}
	return s.PrinterState.Validate()
}

func init() {
	Register(Def[InterruptSlipStep]{
		Name: "interrupt_slip", Area: "terminal",
		Summary: "arm a printer fault (paper out, cover open, …) that strikes as the terminal application's next write " +
			"carrying a line of a slip goes to the printer: a fault in the middle of a slip",
		Example:       `- interrupt_slip: {at: "REF:", paper: out}`,
		Emulator:      interruptSlip,
		NotOnHardware: "a fault at a chosen line of a slip needs the emulator; on a bench, use an operator: step",
	})
}

func interruptSlip(r *Run, s *InterruptSlipStep) error {
	t, err := needTerminalApp(r)
	if err != nil {
		return err
	}
	state := s.PrinterState
	t.strike.arm(marker(s.At), func() {
		if err := setPrinter(r, &state); err != nil {
			r.Logf("interrupt_slip: %v", err)
			return
		}
		r.Logf("interrupt_slip: the printer's state changed as %q went out", s.At)
	})
	return nil
}

// slipStrike is a fault armed to strike once, as a write carrying its
// marker goes to the printer.
type slipStrike struct {
	mu     sync.Mutex
	marker []byte
	fire   func()
}

func (s *slipStrike) arm(marker []byte, fire func()) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.marker, s.fire = marker, fire
}

// before runs the armed fault if p carries its marker.
func (s *slipStrike) before(p []byte) {
	s.mu.Lock()
	fire := s.fire
	if fire == nil || !bytes.Contains(p, s.marker) {
		s.mu.Unlock()
		return
	}
	s.marker, s.fire = nil, nil
	s.mu.Unlock()
	fire()
}

// wrap gives the application's printer port to the armed fault first.
func (t *termApp) wrap(name string, p port.Port) port.Port {
	if name != emulator.Printer {
		return p
	}
	return strikePort{Port: p, s: &t.strike}
}

type strikePort struct {
	port.Port
	s *slipStrike
}

func (p strikePort) Write(b []byte) (int, error) {
	p.s.before(b)
	return p.Port.Write(b)
}
