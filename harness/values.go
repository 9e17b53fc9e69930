package harness

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/posemu/posemu/drivers/lcd"
	"gopkg.in/yaml.v3"
)

// Color is an LCD colour: a name (black, white, red, green, blue, yellow,
// cyan, magenta, gray), #RRGGBB, or an RGB565 number such as 0xF800.
type Color struct {
	Set   bool
	Value lcd.Color
}

var colorNames = map[string]lcd.Color{
	"black": lcd.Black, "white": lcd.White, "red": lcd.Red, "green": lcd.Green, "blue": lcd.Blue,
	"yellow": lcd.Yellow, "cyan": lcd.Cyan, "magenta": lcd.Magenta, "gray": lcd.Gray, "grey": lcd.Gray,
}

var hexColor = regexp.MustCompile(`^#[0-9A-Fa-f]{6}$`)

// DecodeNode reads a colour.
func (c *Color) DecodeNode(n *yaml.Node) error {
	s, err := scalarString(n)
	if err != nil {
		return err
	}
	if v, ok := colorNames[strings.ToLower(s)]; ok {
		*c = Color{Set: true, Value: v}
		return nil
	}
	if hexColor.MatchString(s) {
		rgb, _ := strconv.ParseUint(s[1:], 16, 32)
		*c = Color{Set: true, Value: lcd.RGB(uint8(rgb>>16), uint8(rgb>>8), uint8(rgb))}
		return nil
	}
	if v, err := strconv.ParseUint(s, 0, 16); err == nil {
		*c = Color{Set: true, Value: lcd.Color(v)}
		return nil
	}
	return nodeErr(n, "colour %q: use a name (black, white, red, green, blue, yellow, cyan, magenta, gray), #RRGGBB or an RGB565 number", s)
}

// JSONSchema describes a colour.
func (Color) JSONSchema() map[string]any {
	return map[string]any{"anyOf": []any{
		map[string]any{"enum": []any{"black", "white", "red", "green", "blue", "yellow", "cyan", "magenta", "gray", "grey"}},
		map[string]any{"type": "string", "pattern": "^#[0-9A-Fa-f]{6}$"},
		map[string]any{"type": "integer", "minimum": 0, "maximum": 65535},
	}}
}

// Or is the colour, or def when none was given.
func (c Color) Or(def lcd.Color) lcd.Color {
	if c.Set {
		return c.Value
	}
	return def
}

// Percent is a share written as "0.5%" or as a number of percent (0.5).
type Percent float64

// DecodeNode reads a percentage.
func (p *Percent) DecodeNode(n *yaml.Node) error {
	s, err := scalarString(n)
	if err != nil {
		return err
	}
	f, err := strconv.ParseFloat(strings.TrimSpace(strings.TrimSuffix(s, "%")), 64)
	if err != nil || f < 0 || f > 100 {
		return nodeErr(n, "want a percentage from 0%% to 100%%, such as 0.5%%, got %q", s)
	}
	*p = Percent(f)
	return nil
}

// JSONSchema describes a percentage.
func (Percent) JSONSchema() map[string]any {
	return map[string]any{"anyOf": []any{
		map[string]any{"type": "string", "pattern": `^[0-9]+(\.[0-9]+)?%$`},
		map[string]any{"type": "number", "minimum": 0, "maximum": 100},
	}}
}

// Regexp is a regular expression, checked when the file loads.
type Regexp struct {
	Source string
	Re     *regexp.Regexp
}

// DecodeNode compiles the expression.
func (r *Regexp) DecodeNode(n *yaml.Node) error {
	s, err := scalarString(n)
	if err != nil {
		return err
	}
	re, err := regexp.Compile(s)
	if err != nil {
		return nodeErr(n, "regex %q: %v", s, strings.TrimPrefix(err.Error(), "error parsing regexp: "))
	}
	*r = Regexp{Source: s, Re: re}
	return nil
}

// JSONSchema describes a regular expression.
func (Regexp) JSONSchema() map[string]any {
	return map[string]any{"type": "string", "format": "regex", "description": "a Go (RE2) regular expression"}
}

// MatchString is false for an unset expression.
func (r Regexp) MatchString(s string) bool { return r.Re != nil && r.Re.MatchString(s) }

func (r Regexp) String() string { return r.Source }

// TextMatch is how check steps test a line of text.
type TextMatch struct {
	Contains    string `yaml:"contains" doc:"a line contains this text"`
	NotContains string `yaml:"not_contains" doc:"no line contains this text"`
	Equals      string `yaml:"equals" doc:"a line is exactly this (leading and trailing blanks ignored)"`
	Regex       Regexp `yaml:"regex" doc:"a line matches this regular expression"`
}

func (m TextMatch) set() bool {
	return m.Contains != "" || m.NotContains != "" || m.Equals != "" || m.Regex.Re != nil
}

// match reports whether lines satisfy every condition given.
func (m TextMatch) match(lines []string) bool {
	any := func(f func(string) bool) bool {
		for _, l := range lines {
			if f(l) {
				return true
			}
		}
		return false
	}
	trim := strings.TrimSpace
	switch {
	case m.Contains != "" && !any(func(l string) bool { return strings.Contains(l, m.Contains) }):
		return false
	case m.NotContains != "" && any(func(l string) bool { return strings.Contains(l, m.NotContains) }):
		return false
	case m.Equals != "" && !any(func(l string) bool { return trim(l) == trim(m.Equals) }):
		return false
	case m.Regex.Re != nil && !any(m.Regex.MatchString):
		return false
	}
	return true
}

func (m TextMatch) describe() string {
	var parts []string
	if m.Contains != "" {
		parts = append(parts, fmt.Sprintf("containing %q", m.Contains))
	}
	if m.NotContains != "" {
		parts = append(parts, fmt.Sprintf("not containing %q", m.NotContains))
	}
	if m.Equals != "" {
		parts = append(parts, fmt.Sprintf("equal to %q", m.Equals))
	}
	if m.Regex.Re != nil {
		parts = append(parts, fmt.Sprintf("matching /%s/", m.Regex.Source))
	}
	return strings.Join(parts, " and ")
}
