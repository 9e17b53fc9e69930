package hwcheck

import (
	"encoding/xml"
	"fmt"
	"strings"
	"time"
)

// JUnit XML, as CI dashboards (Jenkins, GitLab, …) read it: one testsuite
// per unit, one testcase per check, classname hwcheck.<tier>.
type junitSuites struct {
	XMLName  xml.Name     `xml:"testsuites"`
	Name     string       `xml:"name,attr"`
	Tests    int          `xml:"tests,attr"`
	Failures int          `xml:"failures,attr"`
	Errors   int          `xml:"errors,attr"`
	Skipped  int          `xml:"skipped,attr"`
	Time     string       `xml:"time,attr"`
	Suites   []junitSuite `xml:"testsuite"`
}

type junitSuite struct {
	Name       string          `xml:"name,attr"`
	Tests      int             `xml:"tests,attr"`
	Failures   int             `xml:"failures,attr"`
	Errors     int             `xml:"errors,attr"`
	Skipped    int             `xml:"skipped,attr"`
	Time       string          `xml:"time,attr"`
	Timestamp  string          `xml:"timestamp,attr"`
	Hostname   string          `xml:"hostname,attr,omitempty"`
	Properties []junitProperty `xml:"properties>property"`
	Cases      []junitCase     `xml:"testcase"`
}

type junitProperty struct {
	Name  string `xml:"name,attr"`
	Value string `xml:"value,attr"`
}

type junitCase struct {
	Classname string        `xml:"classname,attr"`
	Name      string        `xml:"name,attr"`
	Time      string        `xml:"time,attr"`
	Failure   *junitMessage `xml:"failure"`
	Error     *junitMessage `xml:"error"`
	Skipped   *junitMessage `xml:"skipped"`
	SystemOut string        `xml:"system-out,omitempty"`
}

type junitMessage struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr,omitempty"`
	Body    string `xml:",chardata"`
}

func seconds(d time.Duration) string { return fmt.Sprintf("%.3f", d.Seconds()) }

// JUnit renders rec as JUnit XML.
func JUnit(rec *Record) ([]byte, error) {
	s := junitSuite{
		Name:      fmt.Sprintf("hwcheck %s: %s", rec.Serial, rec.Plan.Name),
		Time:      seconds(time.Duration(rec.Duration)),
		Timestamp: rec.Started.UTC().Format("2006-01-02T15:04:05"),
		Hostname:  rec.Tool.Host,
		Properties: []junitProperty{
			{"serial", rec.Serial}, {"attempt", fmt.Sprint(rec.Attempt)}, {"verdict", rec.Verdict},
			{"station", rec.Station.Name}, {"target", rec.Station.Target}, {"plan", rec.Plan.File},
			{"plan_sha256", rec.Plan.SHA256}, {"operator", rec.Operator},
		},
	}
	if rec.Verdict == VerdictError {
		s.Tests, s.Errors = 1, 1
		s.Cases = append(s.Cases, junitCase{Classname: "hwcheck.station", Name: "station", Time: "0.000",
			Error: &junitMessage{Message: firstLine(rec.Error), Type: "station", Body: rec.Error}})
	}
	for _, c := range rec.Checks {
		jc := junitCase{Classname: "hwcheck." + c.Tier, Name: c.Name + ": " + c.Title, Time: seconds(time.Duration(c.Duration))}
		var out []string
		for _, m := range c.Measurements {
			verdict := "pass"
			if !m.Pass {
				verdict = "FAIL"
			}
			out = append(out, fmt.Sprintf("measurement %s = %s %s (limits %s): %s", m.Name, fmtFloat(m.Value), m.Unit, m.LimitsString(), verdict))
		}
		for _, a := range c.Attachments {
			if a.File != "" {
				out = append(out, "attachment "+a.Name+": "+a.File)
			}
		}
		jc.SystemOut = strings.Join(out, "\n")
		switch c.Verdict {
		case VerdictFail:
			s.Failures++
			jc.Failure = &junitMessage{Message: c.Reason, Type: "check", Body: c.Detail}
		case VerdictSkip:
			s.Skipped++
			jc.Skipped = &junitMessage{Message: c.Reason}
		}
		s.Tests++
		s.Cases = append(s.Cases, jc)
	}
	all := junitSuites{Name: "hwcheck", Tests: s.Tests, Failures: s.Failures, Errors: s.Errors, Skipped: s.Skipped,
		Time: s.Time, Suites: []junitSuite{s}}
	b, err := xml.MarshalIndent(all, "", "  ")
	if err != nil {
		return nil, err
	}
	return append([]byte(xml.Header), append(b, '\n')...), nil
}

func fmtFloat(v float64) string {
	return strings.TrimRight(strings.TrimRight(fmt.Sprintf("%.3f", v), "0"), ".")
}

func firstLine(s string) string {
	l, _, _ := strings.Cut(s, "\n")
	return l
}
