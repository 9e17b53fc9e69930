package harness

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/posemu/posemu/drivers/port"
	"golang.org/x/text/encoding/simplifiedchinese"
)

// PrinterState is the printer's paper, cover and cutter.
type PrinterState struct {
	Paper  string `yaml:"paper" doc:"ok, near_end or out"`
	Cover  string `yaml:"cover" doc:"open or closed"`
	Cutter string `yaml:"cutter" doc:"ok or jammed"`
}

// Validate checks the values.
func (s *PrinterState) Validate() error {
	if err := oneOf("paper", s.Paper, "ok", "near_end", "out"); err != nil {
		return err
	}
	if err := oneOf("cover", s.Cover, "open", "closed"); err != nil {
		return err
	}
	if err := oneOf("cutter", s.Cutter, "ok", "jammed"); err != nil {
		return err
	}
	if *s == (PrinterState{}) {
		return errors.New("say what to change: paper, cover or cutter")
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
	return out
}

// PrintStep prints text through the printer's port, as the terminal would.
type PrintStep struct {
	Lines []string `yaml:"lines" required:"true" shorthand:"true" doc:"lines of text (Chinese is sent in GB18030)"`
	Cut   bool     `yaml:"cut" doc:"feed and cut after the text"`
}

// ExpectPrinterStatusStep asks the printer for its status over its port
// (DLE EOT 1–4), as the terminal would before printing.
type ExpectPrinterStatusStep struct {
	Answers *bool    `yaml:"answers" doc:"the printer answers at all (default true)"`
	Online  *bool    `yaml:"online" doc:"the printer reports itself online"`
	Paper   string   `yaml:"paper" doc:"ok, near_end or out"`
	Cover   string   `yaml:"cover" doc:"open or closed"`
	Cutter  string   `yaml:"cutter" doc:"ok or error"`
	Timeout Duration `yaml:"timeout" doc:"how long to keep asking"`
}

// Validate checks the values.
func (s *ExpectPrinterStatusStep) Validate() error {
	if err := oneOf("paper", s.Paper, "ok", "near_end", "out"); err != nil {
		return err
	}
	if err := oneOf("cover", s.Cover, "open", "closed"); err != nil {
		return err
	}
	return oneOf("cutter", s.Cutter, "ok", "error")
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
	print := func(r *Run, s *PrintStep) error {
		b, err := escposText(s.Lines, s.Cut)
		if err != nil {
			return err
		}
		return r.App().Printer(func(p port.Port) error {
			_, err := p.Write(b)
			return err
		})
	}
	Register(Def[PrintStep]{
		Name: "print", Area: "printer",
		Summary:  "the terminal prints lines of text (raw ESC/POS over the printer's port)",
		Example:  `- print: {lines: ["POSEMU TEST", "合计 12.50"], cut: true}`,
		Emulator: print, Physical: print,
	})
	Register(Def[ExpectPrinterStatusStep]{
		Name: "expect_printer_status", Area: "printer",
		Summary:  "the printer's status, asked over its port (DLE EOT 1–4), is this",
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

// escposText encodes lines as a printer would be sent them: ASCII as is,
// other text in GB18030 inside FS & … FS . (Chinese character mode).
func escposText(lines []string, cut bool) ([]byte, error) {
	b := []byte{0x1B, 0x40}
	enc := simplifiedchinese.GB18030.NewEncoder()
	for _, l := range lines {
		ascii := true
		for _, c := range l {
			if c >= 0x80 || c < 0x20 {
				ascii = false
			}
		}
		if ascii {
			b = append(append(b, l...), '\n')
			continue
		}
		gb, err := enc.String(l)
		if err != nil {
			return nil, fmt.Errorf("line %q cannot be printed in GB18030: %w", l, err)
		}
		b = append(append(append(b, 0x1C, 0x26), gb...), 0x1C, 0x2E, '\n')
	}
	if cut {
		b = append(b, 0x1B, 0x64, 3, 0x1D, 0x56, 0x42, 0)
	}
	return b, nil
}

// PrinterStatus is what DLE EOT 1–4 report.
type PrinterStatus struct {
	Raw                    [4]byte
	Online                 bool
	CoverOpen              bool
	PaperNearEnd, PaperOut bool
	CutterError            bool
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

// queryPrinterStatus sends DLE EOT 1–4 and decodes the answers.
func queryPrinterStatus(p port.Port, wait time.Duration) (PrinterStatus, error) {
	var st PrinterStatus
	for n := byte(1); n <= 4; n++ {
		if _, err := p.Write([]byte{0x10, 0x04, n}); err != nil {
			return st, err
		}
		b, err := readReply(p, 1, wait)
		if err != nil {
			return st, fmt.Errorf("no answer to DLE EOT %d: %w", n, err)
		}
		if b[0]&0x93 != 0x12 {
			return st, fmt.Errorf("answer 0x%02X to DLE EOT %d is not a status byte (0xx1xx10)", b[0], n)
		}
		st.Raw[n-1] = b[0]
	}
	st.Online = st.Raw[0]&0x08 == 0
	st.CoverOpen = st.Raw[1]&0x04 != 0
	st.CutterError = st.Raw[2]&0x08 != 0
	st.PaperNearEnd = st.Raw[3]&0x0C != 0
	st.PaperOut = st.Raw[3]&0x60 != 0
	return st, nil
}

func expectPrinterStatus(r *Run, s *ExpectPrinterStatusStep) error {
	answers := s.Answers == nil || *s.Answers
	what := "the printer to report " + s.describe()
	if !answers {
		what = "the printer to stop answering"
	}
	return r.Poll(r.Timeout(s.Timeout), 50*time.Millisecond, what, func() (bool, string) {
		var st PrinterStatus
		err := r.App().Printer(func(p port.Port) error {
			var err error
			st, err = queryPrinterStatus(p, 300*time.Millisecond)
			return err
		})
		if err != nil {
			return !answers, "no status: " + err.Error()
		}
		return answers && s.matches(st), "status: " + st.String()
	})
}

func (s *ExpectPrinterStatusStep) matches(st PrinterStatus) bool {
	switch {
	case s.Online != nil && st.Online != *s.Online,
		s.Paper != "" && st.paper() != s.Paper,
		s.Cover == "open" && !st.CoverOpen, s.Cover == "closed" && st.CoverOpen,
		s.Cutter == "error" && !st.CutterError, s.Cutter == "ok" && st.CutterError:
		return false
	}
	return true
}

func (s *ExpectPrinterStatusStep) describe() string {
	var parts []string
	if s.Online != nil {
		parts = append(parts, fmt.Sprintf("online=%t", *s.Online))
	}
	for _, kv := range [][2]string{{"paper", s.Paper}, {"cover", s.Cover}, {"cutter", s.Cutter}} {
		if kv[1] != "" {
			parts = append(parts, kv[0]+"="+kv[1])
		}
	}
	if len(parts) == 0 {
		return "any status"
	}
	return strings.Join(parts, " ")
}
