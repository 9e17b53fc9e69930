package harness

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"
)

// Limits bound a measurement: a measure_* step measures Samples times,
// takes the Stat of the samples and fails when it falls outside Min–Max.
// It is embedded (inline) in every measure_* step.
type Limits struct {
	Min     Duration `yaml:"min" doc:"the least value that passes (none if unset)"`
	Max     Duration `yaml:"max" doc:"the greatest value that passes (none if unset)"`
	Samples int      `yaml:"samples" doc:"how many times to measure (default 5)"`
	Stat    string   `yaml:"stat" doc:"which figure of the samples is held to the limits: median (default), max or mean"`
	Name    string   `yaml:"name" doc:"the measurement's name in reports (default: the step's, without measure_)"`
}

// MaxSamples bounds Samples: a typo must not hold a line for an hour.
const MaxSamples = 1000

// Validate checks the limits.
func (l *Limits) Validate() error {
	switch {
	case l.Min < 0 || l.Max < 0:
		return errors.New("min and max are durations of zero or more")
	case l.Max > 0 && l.Min > l.Max:
		return fmt.Errorf("min %s is above max %s", l.Min.D(), l.Max.D())
	case l.Samples < 0 || l.Samples > MaxSamples:
		return fmt.Errorf("samples %d: 1–%d", l.Samples, MaxSamples)
	}
	return oneOf("stat", l.Stat, "median", "max", "mean")
}

func (l *Limits) samples(def int) int {
	if l.Samples > 0 {
		return l.Samples
	}
	return def
}

// Measurement is one figure a scenario measured, with its limits and
// whether it was within them: what hwcheck reports per check.
type Measurement struct {
	Name string `json:"name"`
	// Value is the Stat of the samples, in Unit.
	Value float64 `json:"value"`
	Unit  string  `json:"unit"`
	// Low and High are the limits in Unit; nil when there is none.
	Low  *float64 `json:"low,omitempty"`
	High *float64 `json:"high,omitempty"`
	Pass bool     `json:"pass"`
	// Stat says which figure of the samples Value is.
	Stat    string    `json:"stat"`
	Samples []float64 `json:"samples"`
	// Step is where the measuring step is (file:line:column).
	Step string `json:"step"`
}

func (m Measurement) String() string {
	return fmt.Sprintf("%s %s %s (%s of %d samples; limits %s)", m.Name, fmtNum(m.Value), m.Unit, m.Stat, len(m.Samples), m.LimitsString())
}

// LimitsString is "≤ 50 ms", "10–50 ms" or "none".
func (m Measurement) LimitsString() string {
	switch {
	case m.Low != nil && m.High != nil:
		return fmt.Sprintf("%s–%s %s", fmtNum(*m.Low), fmtNum(*m.High), m.Unit)
	case m.High != nil:
		return fmt.Sprintf("≤ %s %s", fmtNum(*m.High), m.Unit)
	case m.Low != nil:
		return fmt.Sprintf("≥ %s %s", fmtNum(*m.Low), m.Unit)
	}
	return "none"
}

func fmtNum(v float64) string {
	return strings.TrimRight(strings.TrimRight(fmt.Sprintf("%.3f", v), "0"), ".")
}

// ms is a duration in milliseconds, the unit of every timing measured.
func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// MeasureDurations records durations measured by the current step as a
// measurement in milliseconds, and fails the step when its figure is
// outside the limits. def names it when the limits do not.
func (r *Run) MeasureDurations(def string, ds []time.Duration, lim Limits) error {
	vals := make([]float64, len(ds))
	for i, d := range ds {
		vals[i] = math.Round(ms(d)*1000) / 1000
	}
	m := Measurement{Name: def, Unit: "ms", Stat: lim.Stat, Samples: vals}
	if lim.Name != "" {
		m.Name = lim.Name
	}
	if m.Stat == "" {
		m.Stat = "median"
	}
	if r.step != nil {
		m.Step = r.step.Where()
	}
	if lim.Min > 0 {
		v := ms(lim.Min.D())
		m.Low = &v
	}
	if lim.Max > 0 {
		v := ms(lim.Max.D())
		m.High = &v
	}
	m.Value = math.Round(stat(m.Stat, vals)*1000) / 1000
	m.Pass = len(vals) > 0 && (m.Low == nil || m.Value >= *m.Low) && (m.High == nil || m.Value <= *m.High)
	r.measures = append(r.measures, m)
	if !m.Pass {
		seen := fmt.Sprintf("samples (ms): %v", vals)
		if len(vals) == 0 {
			return r.Failf("", "%s: nothing measured", m.Name)
		}
		return r.Failf(seen, "%s %s %s is outside its limits (%s)", m.Name, fmtNum(m.Value), m.Unit, m.LimitsString())
	}
	r.Logf("measured %s", m)
	return nil
}

func stat(kind string, vals []float64) float64 {
	if len(vals) == 0 {
		return 0
	}
	switch kind {
	case "max":
		return slices.Max(vals)
	case "mean":
		sum := 0.0
		for _, v := range vals {
			sum += v
		}
		return sum / float64(len(vals))
	}
	s := slices.Clone(vals)
	slices.Sort(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

// Measurements are what the scenario measured so far.
func (r *Run) Measurements() []Measurement { return slices.Clone(r.measures) }

// Attachment is a file a step keeps for the record of a run (a screen or
// receipt PNG), held in memory until the caller writes it.
type Attachment struct {
	// Name is a file name: "lcd-pattern.png".
	Name string
	Data []byte
	// Step is where the attaching step is.
	Step string
}

// Attach keeps data under name for the run's record.
func (r *Run) Attach(name string, data []byte) {
	a := Attachment{Name: name, Data: data}
	if r.step != nil {
		a.Step = r.step.Where()
	}
	r.attached = append(r.attached, a)
}
