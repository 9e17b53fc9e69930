package harness

import (
	"errors"
	"fmt"
	"strings"

	"github.com/posemu/posemu/drivers/lcd"
)

// LCDClearStep clears the operator display through its driver.
type LCDClearStep struct {
	Color Color `yaml:"color" shorthand:"true" doc:"background colour (default white)"`
}

// LCDTextStep draws one line of text through the operator display's driver.
type LCDTextStep struct {
	X          int    `yaml:"x" doc:"left edge, pixels"`
	Y          int    `yaml:"y" doc:"top edge, pixels"`
	Text       string `yaml:"text" required:"true" doc:"the text (UTF-8; Chinese included)"`
	Size       int    `yaml:"size" doc:"1 (16 px, default) or 2 (32 px)"`
	Inverse    bool   `yaml:"inverse" doc:"swap text and background colours"`
	Align      string `yaml:"align" doc:"left (default), center or right, within width"`
	Width      int    `yaml:"width" doc:"box width in pixels (0: as wide as the text)"`
	Color      Color  `yaml:"color" doc:"text colour (default black)"`
	Background Color  `yaml:"background" doc:"box colour (default white)"`
}

var aligns = map[string]lcd.Align{"": lcd.AlignLeft, "left": lcd.AlignLeft, "center": lcd.AlignCenter, "centre": lcd.AlignCenter, "right": lcd.AlignRight}

// Validate checks size and alignment.
func (s *LCDTextStep) Validate() error {
	if s.Size != 0 && s.Size != 1 && s.Size != 2 {
		return fmt.Errorf("size %d: valid: 1 (16 px), 2 (32 px)", s.Size)
	}
	if _, ok := aligns[s.Align]; !ok {
		return fmt.Errorf("align %q: valid: left, center, right", s.Align)
	}
	return nil
}

// LCDRectStep draws a rectangle through the operator display's driver.
type LCDRectStep struct {
	X         int   `yaml:"x" doc:"left edge"`
	Y         int   `yaml:"y" doc:"top edge"`
	W         int   `yaml:"w" required:"true" doc:"width"`
	H         int   `yaml:"h" required:"true" doc:"height"`
	Color     Color `yaml:"color" doc:"colour (default black)"`
	Thickness int   `yaml:"thickness" doc:"outline thickness; 0 fills the rectangle"`
}

// LCDQRStep draws a QR code through the operator display's driver.
type LCDQRStep struct {
	X      int    `yaml:"x" doc:"left edge (quiet zone included)"`
	Y      int    `yaml:"y" doc:"top edge"`
	Module int    `yaml:"module" doc:"pixels per module, 1–16 (default 3)"`
	Level  string `yaml:"level" doc:"error correction: L, M (default), Q or H"`
	Text   string `yaml:"text" required:"true" shorthand:"true" doc:"the QR code's content"`
}

var qrLevels = map[string]lcd.QRLevel{"L": lcd.QRLow, "": lcd.QRMedium, "M": lcd.QRMedium, "Q": lcd.QRQuartile, "H": lcd.QRHigh}

// Validate checks the level.
func (s *LCDQRStep) Validate() error {
	if _, ok := qrLevels[s.Level]; !ok {
		return fmt.Errorf("level %q: valid: L, M, Q, H", s.Level)
	}
	return nil
}

// LCDBacklightStep sets the backlight through the driver.
type LCDBacklightStep struct {
	Level int `yaml:"level" required:"true" shorthand:"true" doc:"0–100"`
}

// LCDFaultStep makes the emulated display misbehave.
type LCDFaultStep struct {
	Busy int `yaml:"busy" doc:"answer the next N frames with NAK busy"`
}

// ExpectScreenStep checks what the operator display shows.
type ExpectScreenStep struct {
	TextMatch `yaml:",inline"`
	Row       int      `yaml:"row" doc:"only this line of text (1 = top)"`
	Lines     []string `yaml:"lines" doc:"the screen's lines of text are exactly these"`
	Blank     bool     `yaml:"blank" doc:"no text on the screen"`
	Golden    string   `yaml:"golden" doc:"PNG the screen must match, relative to this file"`
	Tolerance Percent  `yaml:"tolerance" doc:"share of pixels that may differ from golden, e.g. 0.5%"`
	Timeout   Duration `yaml:"timeout" doc:"how long to wait"`
}

// Validate checks that the step checks something.
func (s *ExpectScreenStep) Validate() error {
	if !s.set() && s.Lines == nil && !s.Blank && s.Golden == "" {
		return errors.New("say what to expect: contains, not_contains, equals, regex, lines, blank or golden")
	}
	if s.Row < 0 {
		return fmt.Errorf("row %d: rows count from 1", s.Row)
	}
	return nil
}

func init() {
	Register(Def[LCDClearStep]{
		Name: "lcd_clear", Area: "display",
		Summary: "the terminal clears the operator display (through drivers/lcd)",
		Example: `- lcd_clear: {}`,
		Emulator: func(r *Run, s *LCDClearStep) error {
			return r.App().LCD(func(d *lcd.Display) error { return d.Clear(s.Color.Or(lcd.White)) })
		},
		Physical: func(r *Run, s *LCDClearStep) error {
			return r.App().LCD(func(d *lcd.Display) error { return d.Clear(s.Color.Or(lcd.White)) })
		},
	})
	text := func(r *Run, s *LCDTextStep) error {
		return r.App().LCD(func(d *lcd.Display) error {
			d.SetTextColors(s.Color.Or(lcd.Black), s.Background.Or(lcd.White))
			return d.Text(s.X, s.Y, s.Text, lcd.TextOpts{Size: s.Size, Inverse: s.Inverse, Align: aligns[s.Align], Width: s.Width})
		})
	}
	Register(Def[LCDTextStep]{
		Name: "lcd_text", Area: "display",
		Summary:  "the terminal draws a line of text on the operator display (through drivers/lcd)",
		Example:  `- lcd_text: {x: 0, y: 0, text: "欢迎 Welcome"}`,
		Emulator: text, Physical: text,
	})
	rect := func(r *Run, s *LCDRectStep) error {
		return r.App().LCD(func(d *lcd.Display) error {
			if s.Thickness > 0 {
				return d.StrokeRect(s.X, s.Y, s.W, s.H, s.Thickness, s.Color.Or(lcd.Black))
			}
			return d.FillRect(s.X, s.Y, s.W, s.H, s.Color.Or(lcd.Black))
		})
	}
	Register(Def[LCDRectStep]{
		Name: "lcd_rect", Area: "display",
		Summary:  "the terminal draws a filled or outlined rectangle on the operator display",
		Example:  `- lcd_rect: {x: 0, y: 0, w: 320, h: 20, color: blue}`,
		Emulator: rect, Physical: rect,
	})
	qr := func(r *Run, s *LCDQRStep) error {
		module := s.Module
		if module == 0 {
			module = 3
		}
		return r.App().LCD(func(d *lcd.Display) error { return d.QR(s.X, s.Y, module, qrLevels[s.Level], s.Text) })
	}
	Register(Def[LCDQRStep]{
		Name: "lcd_qr", Area: "display",
		Summary:  "the terminal draws a QR code on the operator display",
		Example:  `- lcd_qr: {x: 100, y: 60, text: "https://qr.alipay.com/bax03112"}`,
		Emulator: qr, Physical: qr,
	})
	backlight := func(r *Run, s *LCDBacklightStep) error {
		return r.App().LCD(func(d *lcd.Display) error { return d.Backlight(s.Level) })
	}
	Register(Def[LCDBacklightStep]{
		Name: "lcd_backlight", Area: "display",
		Summary:  "the terminal sets the operator display's backlight",
		Example:  `- lcd_backlight: 30`,
		Emulator: backlight, Physical: backlight,
	})
	Register(Def[LCDFaultStep]{
		Name: "lcd_fault", Area: "display",
		Summary: "the emulated operator display misbehaves (busy: NAK the next frames)",
		Example: `- lcd_fault: {busy: 2}`,
		Emulator: func(r *Run, s *LCDFaultStep) error {
			r.Emulator().LCD().BusyFor(s.Busy)
			return nil
		},
		NotOnHardware: "a real display cannot be told to misbehave",
	})
	Register(Def[ExpectScreenStep]{
		Name: "expect_screen", Area: "display",
		Hardware: "asks the operator whether the screen shows it (y/n)",
		Summary:  "the operator display shows text (contains, regex, a row, all lines) or matches a golden PNG",
		Example:  `- expect_screen: {contains: "确认", timeout: 2s}`,
		Emulator: expectScreen,
		Physical: func(r *Run, s *ExpectScreenStep) error { return r.AskCheck(s.question()) },
	})
}

func expectScreen(r *Run, s *ExpectScreenStep) error {
	m := r.Emulator().LCD()
	if s.Golden != "" {
		if err := r.expectGolden(s); err != nil {
			return err
		}
		if !s.set() && s.Lines == nil && !s.Blank {
			return nil
		}
	}
	return r.Await(r.Timeout(s.Timeout), "the screen to show "+s.describe(), func() (bool, string) {
		lines := m.Lines()
		return s.matches(lines), quoteLines("screen", lines)
	})
}

func (s *ExpectScreenStep) matches(lines []string) bool {
	if s.Blank {
		return len(lines) == 0
	}
	if s.Lines != nil {
		if len(lines) != len(s.Lines) {
			return false
		}
		for i := range lines {
			if strings.TrimRight(lines[i], " ") != strings.TrimRight(s.Lines[i], " ") {
				return false
			}
		}
	}
	if s.Row > 0 {
		if s.Row > len(lines) {
			return false
		}
		lines = lines[s.Row-1 : s.Row]
	}
	return s.match(lines)
}

func (s *ExpectScreenStep) describe() string {
	var parts []string
	switch {
	case s.Blank:
		parts = append(parts, "no text")
	case s.Lines != nil:
		parts = append(parts, fmt.Sprintf("exactly the lines %q", s.Lines))
	}
	if s.set() {
		where := "a line"
		if s.Row > 0 {
			where = fmt.Sprintf("line %d", s.Row)
		}
		parts = append(parts, where+" "+s.TextMatch.describe())
	}
	return strings.Join(parts, ", ")
}

func (s *ExpectScreenStep) question() string {
	if s.Golden != "" && !s.set() && s.Lines == nil {
		return fmt.Sprintf("Does the operator screen look like the picture %s?", s.Golden)
	}
	return "Does the operator screen show " + s.describe() + "?"
}
