package harness

import (
	"errors"
	"fmt"
	"path/filepath"
	"strings"
)

// The terminal application in an emulator session: started after the
// given state (so that a printer given out of paper is out of paper when
// the application checks it), stopped before the platform and the
// devices close.

// terminalStateDir is where the application's journal lives, inside the
// scenario's directory.
const terminalStateDir = "terminal-state"

// heldByTerminal is what the harness's own drivers say when a step wants
// a device the application holds.
const heldByTerminal = "the terminal application"

func (s *emuSession) terminal() *termApp {
	s.termMu.Lock()
	defer s.termMu.Unlock()
	return s.term
}

// startTerminal starts the scenario's terminal application and waits for
// it to come to rest (the sign-on screen, or the self-check's findings).
func (s *emuSession) startTerminal(r *Run) error {
	if s.sc == nil || s.dir == "" {
		// A unit's emulator (hwcheck) outlives the scenario: the
		// application and its journal would have nowhere of their own.
		return errors.New("the terminal application runs on a scenario's own emulator (the emulator target), not on a unit's")
	}
	p, err := s.Platform()
	if err != nil {
		return err
	}
	t, err := newTermApp(s.sc, s.emu, s.clk, p, s.app.Profile(), filepath.Join(s.dir, terminalStateDir), r.log)
	if err != nil {
		return err
	}
	s.termMu.Lock()
	s.term = t
	s.termMu.Unlock()
	if err := t.start(); err != nil {
		return err
	}
	return t.settle(r.ctx)
}

func (s *emuSession) stopTerminal() error {
	if t := s.terminal(); t != nil {
		return t.stop()
	}
	return nil
}

func (s *emuSession) terminalArtifacts() []Artifact {
	t := s.terminal()
	if t == nil {
		return nil
	}
	text := "status: " + t.status()
	if jf, err := readJournal(t.cfg.StateDir); err != nil {
		text += "\njournal: " + err.Error()
	} else {
		text += "\n" + jf.describe()
	}
	return []Artifact{{Name: "terminal application", Text: text}}
}

// startTerminalApp runs the terminal application for r's scenario when it
// uses one and the target can run it (on a physical terminal, the
// terminal's own application is already there).
func (r *Run) startTerminalApp() error {
	if !usesTerminal(r.sc) {
		return nil
	}
	s, ok := r.sess.(interface{ startTerminal(*Run) error })
	if !ok {
		return nil
	}
	if err := s.startTerminal(r); err != nil {
		return &StepError{Msg: "starting the terminal application: " + err.Error(), Err: err}
	}
	return nil
}

// heldError says that a step wanted a device the application holds.
func heldError(device string) error {
	return fmt.Errorf("the %s is the terminal application's in this scenario (app: terminal): steps that drive it "+
		"through the harness's own drivers cannot run beside the application; check what it shows instead "+
		"(expect_screen, expect_customer_display, expect_receipt, expect_slip)", device)
}

// checkTerminalSteps refuses, when a file loads, the steps that would
// open a device the application holds.
func checkTerminalSteps(sc *Scenario) error {
	if !usesTerminal(sc) {
		return nil
	}
	if bad := sc.Listens(); len(bad) > 0 {
		return errors.New("it runs the terminal application, which reads the " + strings.Join(bad, " and ") +
			" itself: expect_key and expect_scan read them through the harness's own drivers; check the screen instead")
	}
	return nil
}
