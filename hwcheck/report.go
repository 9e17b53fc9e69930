package hwcheck

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"time"

	"github.com/posemu/posemu/harness"
)

// RecordSchema names the record format; it changes when a field changes
// meaning.
const RecordSchema = "posemu.hwcheck.record/1"

// Verdicts of a unit and of a check.
const (
	VerdictPass  = "pass"
	VerdictFail  = "fail"
	VerdictSkip  = "skip"  // a check the plan keeps off this target
	VerdictError = "error" // the station could not run (a unit's verdict only)
)

// Record is what a unit's check leaves: <serial>.json.
type Record struct {
	Schema  string `json:"schema"`
	Serial  string `json:"serial"`
	Attempt int    `json:"attempt"`
	Verdict string `json:"verdict"`
	// Reasons say why the verdict is not pass: one line per failed check,
	// or what stopped the station.
	Reasons  []string      `json:"reasons"`
	Error    string        `json:"error,omitempty"`
	Station  StationInfo   `json:"station"`
	Plan     PlanInfo      `json:"plan"`
	Operator string        `json:"operator"`
	Lang     string        `json:"lang"`
	Injected []string      `json:"injected,omitempty"`
	Started  time.Time     `json:"started"`
	Finished time.Time     `json:"finished"`
	Duration Millis        `json:"duration_ms"`
	Summary  Summary       `json:"summary"`
	Checks   []CheckResult `json:"checks"`
	Tool     ToolInfo      `json:"hwcheck"`
}

// StationInfo is where the unit was checked.
type StationInfo struct {
	Name    string            `json:"name"`
	File    string            `json:"file,omitempty"`
	Target  string            `json:"target"`
	Profile string            `json:"profile"`
	Devices map[string]string `json:"devices"`
}

// PlanInfo is which plan checked it.
type PlanInfo struct {
	Name   string   `json:"name"`
	File   string   `json:"file"`
	SHA256 string   `json:"sha256"`
	Tiers  []string `json:"tiers"`
}

// Summary counts the checks by verdict.
type Summary struct {
	Checks  int `json:"checks"`
	Passed  int `json:"passed"`
	Failed  int `json:"failed"`
	Skipped int `json:"skipped"`
}

// ToolInfo is the program that wrote the record.
type ToolInfo struct {
	Version string `json:"version"`
	Host    string `json:"host"`
}

// CheckResult is one check of the unit.
type CheckResult struct {
	Name    string `json:"name"`
	Title   string `json:"title"`
	Tier    string `json:"tier"`
	Verdict string `json:"verdict"`
	// Reason is why it failed or was skipped, in one line; At is the
	// failing step's place in the plan; Detail is the whole message, with
	// what the step saw last.
	Reason       string                `json:"reason,omitempty"`
	At           string                `json:"at,omitempty"`
	Detail       string                `json:"detail,omitempty"`
	Started      time.Time             `json:"started"`
	Duration     Millis                `json:"duration_ms"`
	Measurements []harness.Measurement `json:"measurements"`
	Steps        []StepResult          `json:"steps"`
	Attachments  []AttachmentRef       `json:"attachments,omitempty"`
	Log          []string              `json:"log,omitempty"`
}

// StepResult is one step as it ran.
type StepResult struct {
	Step     string `json:"step"`
	At       string `json:"at"`
	Verdict  string `json:"verdict"`
	Duration Millis `json:"duration_ms"`
}

// AttachmentRef is a file beside the record (File, relative to it) or a
// short text inline.
type AttachmentRef struct {
	Name string `json:"name"`
	File string `json:"file,omitempty"`
	Text string `json:"text,omitempty"`
	// Data is the file's content until the record is written.
	Data []byte `json:"-"`
}

// Millis is a duration written as milliseconds, to the microsecond.
type Millis time.Duration

// MarshalJSON writes milliseconds.
func (m Millis) MarshalJSON() ([]byte, error) {
	return []byte(strconv.FormatFloat(math.Round(float64(m)/1e3)/1e3, 'f', -1, 64)), nil
}

// UnmarshalJSON reads milliseconds.
func (m *Millis) UnmarshalJSON(b []byte) error {
	f, err := strconv.ParseFloat(string(b), 64)
	*m = Millis(f * 1e6)
	return err
}

var serialRe = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$`)

// CheckSerial refuses a serial number that cannot name a record file.
func CheckSerial(s string) error {
	if !serialRe.MatchString(s) {
		return fmt.Errorf("serial number %q: 1–64 letters, digits, '.', '_' or '-', starting with a letter or digit", s)
	}
	return nil
}

// WriteRecord writes rec and its attachments into dir as <serial>.json and
// <serial>.<name> — or, when a record of that serial is already there (a
// retest), <serial>-2.json, -3, … keeping every earlier one. Each file is
// written to a temporary name, synced and renamed (the record is linked,
// which fails rather than replace a record another station wrote a moment
// before). It returns the record's path; rec.Attempt and the attachments'
// File are set.
func WriteRecord(dir string, rec *Record) (string, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", fmt.Errorf("report dir: %w", err)
	}
	for n := 1; n < 10000; n++ {
		base := rec.Serial
		if n > 1 {
			base = fmt.Sprintf("%s-%d", rec.Serial, n)
		}
		path := filepath.Join(dir, base+".json")
		if _, err := os.Lstat(path); err == nil {
			continue
		}
		rec.Attempt = n
		written, err := writeAttachments(dir, base, rec)
		if err != nil {
			return "", err
		}
		data, err := json.MarshalIndent(rec, "", "  ")
		if err != nil {
			return "", err
		}
		err = linkNew(path, append(data, '\n'))
		if errors.Is(err, fs.ErrExist) {
			for _, f := range written {
				os.Remove(f)
			}
			continue
		}
		if err != nil {
			return "", err
		}
		return path, syncDir(dir)
	}
	return "", fmt.Errorf("report dir %s: 9999 records of serial %s already", dir, rec.Serial)
}

// writeAttachments writes each attachment with data as <base>.<name>.
func writeAttachments(dir, base string, rec *Record) ([]string, error) {
	var written []string
	for i := range rec.Checks {
		for j := range rec.Checks[i].Attachments {
			a := &rec.Checks[i].Attachments[j]
			if a.Data == nil {
				continue
			}
			a.File = base + "." + a.Name
			path := filepath.Join(dir, a.File)
			if err := WriteFileAtomic(path, a.Data); err != nil {
				return written, err
			}
			written = append(written, path)
		}
	}
	return written, nil
}

// WriteFileAtomic writes data to path through a synced temporary file in
// the same directory, renamed over path.
func WriteFileAtomic(path string, data []byte) error {
	tmp, err := writeTemp(path, data)
	if err != nil {
		return err
	}
	if err := os.Rename(tmp, path); err != nil {
		os.Remove(tmp)
		return err
	}
	return nil
}

// linkNew is WriteFileAtomic that fails with fs.ErrExist instead of
// replacing path.
func linkNew(path string, data []byte) error {
	tmp, err := writeTemp(path, data)
	if err != nil {
		return err
	}
	defer os.Remove(tmp)
	return os.Link(tmp, path)
}

func writeTemp(path string, data []byte) (string, error) {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return "", err
	}
	_, err = f.Write(data)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Chmod(f.Name(), 0o644)
	}
	if err != nil {
		os.Remove(f.Name())
		return "", err
	}
	return f.Name(), nil
}

// syncDir makes the renames durable: a record that a power cut loses
// after the operator saw PASS is a unit shipped without one.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	if err := d.Sync(); err != nil && !errors.Is(err, os.ErrInvalid) {
		return err
	}
	return nil
}
