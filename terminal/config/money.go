package config

import (
	"fmt"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
)

// Fen is an amount of money in fen (0.01 yuan). In YAML it is written in
// yuan with at most two decimals, "5000" or "5000.00", and parsed without
// floating point.
type Fen int64

// ParseYuan reads "12", "12.3" or "12.34" as fen.
func ParseYuan(s string) (Fen, error) {
	s = strings.TrimSpace(s)
	whole, frac, dot := strings.Cut(s, ".")
	if whole == "" || len(frac) > 2 || (dot && frac == "") || len(whole) > 12 {
		return 0, fmt.Errorf("%q is not an amount in yuan with at most 2 decimals", s)
	}
	for _, r := range whole + frac {
		if r < '0' || r > '9' {
			return 0, fmt.Errorf("%q is not an amount in yuan with at most 2 decimals", s)
		}
	}
	for len(frac) < 2 {
		frac += "0"
	}
	n, err := strconv.ParseInt(whole+frac, 10, 64)
	if err != nil {
		return 0, fmt.Errorf("%q: %v", s, err)
	}
	return Fen(n), nil
}

// String renders yuan with two decimals.
func (f Fen) String() string {
	sign := ""
	if f < 0 {
		sign, f = "-", -f
	}
	return fmt.Sprintf("%s%d.%02d", sign, f/100, f%100)
}

// UnmarshalYAML accepts a yuan amount as a number or a string.
func (f *Fen) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind != yaml.ScalarNode {
		return fmt.Errorf("line %d: want an amount in yuan, e.g. \"5000.00\"", n.Line)
	}
	v, err := ParseYuan(n.Value)
	if err != nil {
		return fmt.Errorf("line %d: %v", n.Line, err)
	}
	*f = v
	return nil
}

// MarshalYAML writes yuan as a string.
func (f Fen) MarshalYAML() (any, error) { return f.String(), nil }
