package profile

import (
	"fmt"
	"io/fs"
	"os"
	"strings"

	"github.com/posemu/posemu/fixtures"
	"github.com/posemu/posemu/internal/yamlfile"
)

// DefaultName is the profile posemu uses when none is given.
const DefaultName = "lakala-default"

// Profile is one terminal model.
type Profile struct {
	Name        string      `yaml:"name" json:"name"`
	Description string      `yaml:"description,omitempty" json:"description,omitempty"`
	LCD         LCD         `yaml:"lcd" json:"lcd"`
	CustDisplay CustDisplay `yaml:"custdisplay" json:"custdisplay"`
	Keypad      Keypad      `yaml:"keypad" json:"keypad"`
	Scanner     Scanner     `yaml:"scanner" json:"scanner"`
	Printer     Printer     `yaml:"printer" json:"printer"`
}

// LCD is the operator display.
type LCD struct {
	Width    int    `yaml:"width" json:"width"`
	Height   int    `yaml:"height" json:"height"`
	Firmware string `yaml:"firmware" json:"firmware"`
	Baud     int    `yaml:"baud" json:"baud"`
}

// CustDisplay is the customer-facing display.
type CustDisplay struct {
	Columns    int    `yaml:"columns" json:"columns"`
	Rows       int    `yaml:"rows" json:"rows"`
	CommandSet string `yaml:"command_set" json:"command_set"` // "dmd" or "cd5220"
	Baud       int    `yaml:"baud" json:"baud"`
}

// Key is one key of the keypad and the byte it sends.
type Key struct {
	Name  string `yaml:"name" json:"name"`
	Code  byte   `yaml:"code" json:"code"`
	Label string `yaml:"label,omitempty" json:"label,omitempty"`
}

// Keypad is the key map.
type Keypad struct {
	Baud int   `yaml:"baud" json:"baud"`
	Keys []Key `yaml:"keys" json:"keys"`
}

// Scanner is the payment-code reader's framing.
type Scanner struct {
	Baud      int    `yaml:"baud" json:"baud"`
	Suffix    string `yaml:"suffix" json:"suffix"`
	Prefix    string `yaml:"prefix" json:"prefix"`
	AIM       bool   `yaml:"aim" json:"aim"`
	MaxLength int    `yaml:"max_length" json:"max_length"`
}

// Printer is the receipt printer's paper and buffer.
type Printer struct {
	PaperMM       int `yaml:"paper_mm" json:"paper_mm"`
	Dots          int `yaml:"dots" json:"dots"`
	Columns       int `yaml:"columns" json:"columns"`
	ReceiveBuffer int `yaml:"receive_buffer" json:"receive_buffer"`
	Baud          int `yaml:"baud" json:"baud"`
	// USB is optional; see PrinterUSB for its defaults.
	USB PrinterUSB `yaml:"usb" json:"usb"`
}

// KeyByName returns the key called name (case-insensitive).
func (k Keypad) KeyByName(name string) (Key, bool) {
	for _, key := range k.Keys {
		if strings.EqualFold(key.Name, name) {
			return key, true
		}
	}
	return Key{}, false
}

// KeyByCode returns the key that sends code.
func (k Keypad) KeyByCode(code byte) (Key, bool) {
	for _, key := range k.Keys {
		if key.Code == code {
			return key, true
		}
	}
	return Key{}, false
}

// Error is a profile that was refused: where, which field, and why.
type Error = yamlfile.Error

// Default returns the embedded lakala-default profile.
func Default() *Profile {
	p, err := Builtin(DefaultName)
	if err != nil {
		panic("embedded default profile is broken: " + err.Error())
	}
	return p
}

// Builtin loads an embedded profile by name.
func Builtin(name string) (*Profile, error) {
	data, err := fs.ReadFile(fixtures.Profiles, "profiles/"+name+".yaml")
	if err != nil {
		return nil, fmt.Errorf("profile %q: no such built-in profile (have: %s)", name, strings.Join(BuiltinNames(), ", "))
	}
	return Parse("fixtures/profiles/"+name+".yaml", data)
}

// BuiltinNames lists the embedded profiles.
func BuiltinNames() []string {
	entries, _ := fs.ReadDir(fixtures.Profiles, "profiles")
	var names []string
	for _, e := range entries {
		names = append(names, strings.TrimSuffix(e.Name(), ".yaml"))
	}
	return names
}

// Load reads a profile file; a name without a slash or .yaml suffix that
// names a built-in profile loads that one.
func Load(path string) (*Profile, error) {
	if !strings.ContainsAny(path, "/\\") && !strings.HasSuffix(path, ".yaml") && !strings.HasSuffix(path, ".yml") {
		return Builtin(path)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("profile: %w", err)
	}
	return Parse(path, data)
}

// Parse decodes and validates a profile. Unknown fields, wrong types and
// values out of range are refused with the file, line and field.
func Parse(file string, data []byte) (*Profile, error) {
	var p Profile
	root, err := yamlfile.Decode(file, data, &p, "profile")
	if err != nil {
		return nil, err
	}
	if err := p.validate(); err != nil {
		return nil, yamlfile.Locate(file, root, err)
	}
	return &p, nil
}

// bad reports a value that decodes but is out of bounds.
var bad = yamlfile.Invalid

func (p *Profile) validate() error {
	if p.Name == "" {
		return bad("name", "is required")
	}
	if p.LCD.Width < 64 || p.LCD.Width > 1280 {
		return bad("lcd.width", "%d is out of range 64–1280 pixels", p.LCD.Width)
	}
	if p.LCD.Height < 32 || p.LCD.Height > 1024 {
		return bad("lcd.height", "%d is out of range 32–1024 pixels", p.LCD.Height)
	}
	if p.CustDisplay.Columns < 8 || p.CustDisplay.Columns > 40 {
		return bad("custdisplay.columns", "%d is out of range 8–40", p.CustDisplay.Columns)
	}
	if p.CustDisplay.Rows < 1 || p.CustDisplay.Rows > 4 {
		return bad("custdisplay.rows", "%d is out of range 1–4", p.CustDisplay.Rows)
	}
	switch p.CustDisplay.CommandSet {
	case "dmd", "cd5220":
	default:
		return bad("custdisplay.command_set", "%q is not one of dmd, cd5220", p.CustDisplay.CommandSet)
	}
	if len(p.Keypad.Keys) == 0 {
		return bad("keypad.keys", "at least one key is required")
	}
	names := map[string]bool{}
	codes := map[byte]string{}
	for i, k := range p.Keypad.Keys {
		path := fmt.Sprintf("keypad.keys[%d]", i)
		if k.Name == "" {
			return bad(path+".name", "is required")
		}
		if names[strings.ToUpper(k.Name)] {
			return bad(path+".name", "key %q is defined twice", k.Name)
		}
		if other, dup := codes[k.Code]; dup {
			return bad(path+".code", "0x%02X is already the code of key %q", k.Code, other)
		}
		names[strings.ToUpper(k.Name)] = true
		codes[k.Code] = k.Name
	}
	if p.Scanner.MaxLength < 1 || p.Scanner.MaxLength > 4096 {
		return bad("scanner.max_length", "%d is out of range 1–4096", p.Scanner.MaxLength)
	}
	if p.Scanner.Suffix == "" {
		return bad("scanner.suffix", "is required (a scanner ends each code with CR or CRLF)")
	}
	switch p.Printer.Dots {
	case 384, 576:
	default:
		return bad("printer.dots", "%d is not a thermal head width (384 for 58 mm, 576 for 80 mm)", p.Printer.Dots)
	}
	if err := p.Printer.USB.normalize(); err != nil {
		return err
	}
	if p.Printer.ReceiveBuffer < 256 {
		return bad("printer.receive_buffer", "%d is below 256 bytes", p.Printer.ReceiveBuffer)
	}
	for path, baud := range map[string]int{"lcd.baud": p.LCD.Baud, "custdisplay.baud": p.CustDisplay.Baud, "keypad.baud": p.Keypad.Baud, "scanner.baud": p.Scanner.Baud, "printer.baud": p.Printer.Baud} {
		if !validBaud(baud) {
			return bad(path, "%d is not a standard baud rate", baud)
		}
	}
	return nil
}

func validBaud(b int) bool {
	switch b {
	case 1200, 2400, 4800, 9600, 19200, 38400, 57600, 115200, 230400, 460800, 921600:
		return true
	}
	return false
}
