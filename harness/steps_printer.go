package harness

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/posemu/posemu/drivers/printer"
)

// PrinterState is the printer's paper, cover and cutter.
type PrinterState struct {
	Paper  string `yaml:"paper" doc:"ok, near_end or out"`
	Cover  string `yaml:"cover" doc:"open or closed"`
	Cutter string `yaml:"cutter" doc:"ok or jammed"`
	Drawer string `yaml:"drawer" doc:"open or closed: what the cash drawer's switch reads"`
}

// What the printer's paper, cover and drawer switch may be.
var (
	paperStates = []string{"ok", "near_end", "out"}
	openClosed  = []string{"open", "closed"}
)

// Validate checks the values.
func (s *PrinterState) Validate() error {
	if err := oneOfEach(choice{"paper", s.Paper, paperStates}, choice{"cover", s.Cover, openClosed},
		choice{"cutter", s.Cutter, []string{"ok", "jammed"}}, choice{"drawer", s.Drawer, openClosed}); err != nil {
		return err
	}
	if *s == (PrinterState{}) {
		return errors.New("say what to change: paper, cover, cutter or drawer")
	}
	return nil
}

// choice is a key's value and the values it may take.
type choice struct {
	key, value string
	valid      []string
}

// oneOfEach checks each choice in turn, as oneOf does.
func oneOfEach(cs ...choice) error {
	for _, c := range cs {
		if err := oneOf(c.key, c.value, c.valid...); err != nil {
			return err
		}
	}
	return nil
}

func oneOf(key, v string, valid ...string) error {
	if v == "" {
		return nil
	}
	for _, x := range valid {
		if v == x {
			return nil
		}
	}
	return fmt.Errorf("%s %q: valid: %s", key, v, strings.Join(valid, ", "))
}

// instructions are what a person does to a printer to get s.
func (s *PrinterState) instructions() []string {
	var out []string
	switch s.Paper {
	case "out":
		out = append(out, "take the paper roll out of the printer")
	case "near_end":
		out = append(out, "load a nearly used-up paper roll")
	case "ok":
		out = append(out, "load a full paper roll")
	}
	switch s.Cover {
	case "open":
		out = append(out, "open the printer cover")
	case "closed":
		out = append(out, "close the printer cover")
	}
	switch s.Cutter {
	case "jammed":
		out = append(out, "jam the cutter (test jig)")
	case "ok":
		out = append(out, "clear the cutter")
	}
	switch s.Drawer {
	case "open":
		out = append(out, "open the cash drawer")
	case "closed":
		out = append(out, "close the cash drawer")
	}
	return out
}

// ExpectPrinterStatusStep asks the printer for its status over its port
// (DLE EOT 1–4), as the terminal would before printing.
type ExpectPrinterStatusStep struct {
	Answers *bool    `yaml:"answers" doc:"the printer answers at all (default true)"`
	Online  *bool    `yaml:"online" doc:"the printer reports itself online"`
	Paper   string   `yaml:"paper" doc:"ok, near_end or out"`
	Cover   string   `yaml:"cover" doc:"open or closed"`
	Cutter  string   `yaml:"cutter" doc:"ok or error"`
	Drawer  string   `yaml:"drawer" doc:"open or closed (the drawer switch)"`
	Device  string   `yaml:"device" doc:"printer (default) or usb-printer: which door to ask through"`
	Timeout Duration `yaml:"timeout" doc:"how long to keep asking"`
}

// Validate checks the values.
func (s *ExpectPrinterStatusStep) Validate() error {
	return oneOfEach(choice{"paper", s.Paper, paperStates}, choice{"cover", s.Cover, openClosed},
		choice{"drawer", s.Drawer, openClosed}, choice{"device", s.Device, []string{DevPrinter, usbPrinter}},
		choice{"cutter", s.Cutter, []string{"ok", "error"}})
}

// TearOffStep tears the printed paper off, so the next receipt starts clean.
type TearOffStep struct{}

func init() {
	Register(Def[PrinterState]{
		Name: "printer", Area: "printer",
		Hardware: "asks the operator to do it (take the roll out, open the cover, …)",
		Summary:  "change the printer's paper, cover or cutter state",
		Example:  `- printer: {paper: out}`,
		Emulator: setPrinter,
		Physical: func(r *Run, s *PrinterState) error {
			return r.AskDo(capitalise(strings.Join(s.instructions(), ", then ")))
		},
	})
	Register(Def[TearOffStep]{
		Name: "tear_off", Area: "printer",
		Hardware: "asks the operator to tear off the paper",
		Summary:  "tear off the printed paper; later receipt checks see only what prints next",
		Example:  `- tear_off: {}`,
		Emulator: func(r *Run, _ *TearOffStep) error {
			r.Emulator().Printer().TearOff()
			return nil
		},
		Physical: func(r *Run, _ *TearOffStep) error { return r.AskDo("Tear off the printed paper") },
	})
	Register(Def[ExpectPrinterStatusStep]{
		Name: "expect_printer_status", Area: "printer",
		Summary:  "the printer's status, asked through drivers/printer (DLE EOT 1–4), is this",
		Example:  `- expect_printer_status: {online: true, paper: ok}`,
		Emulator: expectPrinterStatus, Physical: expectPrinterStatus,
	})
}

func capitalise(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

func quoteAll(list []string) []string {
	out := make([]string, len(list))
	for i, s := range list {
		out[i] = fmt.Sprintf("%q", s)
	}
	return out
}

// PrinterStatus is what DLE EOT 1–4 report, as a failure message shows it.
type PrinterStatus struct {
	Raw                    [4]byte
	Online                 bool
	CoverOpen              bool
	PaperNearEnd, PaperOut bool
	CutterError            bool
	DrawerOpen             bool
}

// statusOf reads the driver's status.
func statusOf(st printer.Status) PrinterStatus {
	return PrinterStatus{Raw: st.Raw, Online: !st.Has(printer.Offline), CoverOpen: st.Has(printer.CoverOpen),
		PaperNearEnd: st.Has(printer.PaperNearEnd), PaperOut: st.Has(printer.PaperOut),
		CutterError: st.Has(printer.CutterError), DrawerOpen: st.Has(printer.DrawerOpen)}
}

func (s PrinterStatus) String() string {
	return fmt.Sprintf("online=%t cover=%s paper=%s cutter=%s (DLE EOT 1-4: % X)", s.Online,
		map[bool]string{true: "open", false: "closed"}[s.CoverOpen], s.paper(),
		map[bool]string{true: "error", false: "ok"}[s.CutterError], s.Raw[:])
}

func (s PrinterStatus) paper() string {
	switch {
	case s.PaperOut:
		return "out"
	case s.PaperNearEnd:
		return "near_end"
	}
	return "ok"
}

// printerDevice is the door a printer step goes through.
func printerDevice(d string) string {
	if d == "" {
		return DevPrinter
	}
	return d
}

// noAnswerWindow is how long a status request waits for the replies of a
// printer expected not to answer. One expected to answer is given the
// driver's own timeout, generous on the emulator: a printer that is on
// answers at once.
const noAnswerWindow = time.Second

func expectPrinterStatus(r *Run, s *ExpectPrinterStatusStep) error {
	answers := s.Answers == nil || *s.Answers
	what := "the printer to report " + s.describe()
	if !answers {
		what = "the printer to stop answering"
	}
	return r.Poll(r.Timeout(s.Timeout), 50*time.Millisecond, what, func() (bool, string) {
		var st printer.Status
		err := r.App().PrinterDriver(printerDevice(s.Device), func(ap *appPrinter) error {
			ctx := r.ctx
			if !answers {
				var cancel context.CancelFunc
				ctx, cancel = context.WithTimeout(ctx, noAnswerWindow)
				defer cancel()
			}
			var err error
			st, err = ap.drv.Status(ctx)
			return err
		})
		if err != nil {
			return !answers, "no status: " + err.Error()
		}
		ps := statusOf(st)
		return answers && s.matches(ps), "status: " + ps.String()
	})
}

func (s *ExpectPrinterStatusStep) matches(st PrinterStatus) bool {
	switch {
	case s.Online != nil && st.Online != *s.Online,
		s.Paper != "" && st.paper() != s.Paper,
		s.Cover == "open" && !st.CoverOpen, s.Cover == "closed" && st.CoverOpen,
		s.Cutter == "error" && !st.CutterError, s.Cutter == "ok" && st.CutterError,
		s.Drawer == "open" && !st.DrawerOpen, s.Drawer == "closed" && st.DrawerOpen:
		return false
	}
	return true
}

func (s *ExpectPrinterStatusStep) describe() string {
	var parts []string
	if s.Online != nil {
		parts = append(parts, fmt.Sprintf("online=%t", *s.Online))
	}
	for _, kv := range [][2]string{{"paper", s.Paper}, {"cover", s.Cover}, {"cutter", s.Cutter}, {"drawer", s.Drawer}} {
		if kv[1] != "" {
			parts = append(parts, kv[0]+"="+kv[1])
		}
	}
	if len(parts) == 0 {
		return "any status"
	}
	return strings.Join(parts, " ")
}
