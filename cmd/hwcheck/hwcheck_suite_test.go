package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/posemu/posemu/hwcheck"
)

func TestHwcheckCommand(t *testing.T) {
	RegisterFailHandler(Fail)
	RunSpecs(t, "cmd/hwcheck")
}

// result is one in-process run of the command.
type result struct {
	code           int
	stdout, stderr string
}

// hw runs hwcheck in-process with args and stdin.
func hw(stdin io.Reader, args ...string) result {
	if stdin == nil {
		stdin = strings.NewReader("")
	}
	var out, errb bytes.Buffer
	code := run(context.Background(), args, stdin, &out, &errb)
	return result{code: code, stdout: out.String(), stderr: errb.String()}
}

// readRecord reads a record back as written.
func readRecord(path string) *hwcheck.Record {
	GinkgoHelper()
	data, err := os.ReadFile(path)
	Expect(err).NotTo(HaveOccurred())
	var rec hwcheck.Record
	Expect(json.Unmarshal(data, &rec)).To(Succeed())
	return &rec
}

func failing(rec *hwcheck.Record) []string {
	out := []string{}
	for _, c := range rec.Checks {
		if c.Verdict == hwcheck.VerdictFail {
			out = append(out, c.Name)
		}
	}
	return out
}

func check(rec *hwcheck.Record, name string) hwcheck.CheckResult {
	GinkgoHelper()
	for _, c := range rec.Checks {
		if c.Name == name {
			return c
		}
	}
	Fail("no check " + name)
	return hwcheck.CheckResult{}
}

func inDir(dir, name string) string { return filepath.Join(dir, name) }
