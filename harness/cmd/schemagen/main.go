// Command schemagen prints what the harness documents about scenario files,
// made from its Go types and registered steps:
//
//	go run ./harness/cmd/schemagen > docs/scenario.schema.json
//	go run ./harness/cmd/schemagen -docs   # the step reference of docs/scenarios.md
//	go run ./harness/cmd/schemagen -docs -w docs/scenarios.md
//
// Harness tests fail when the committed files differ from its output.
package main

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"strings"

	"github.com/posemu/posemu/harness"
)

func main() {
	docs := flag.Bool("docs", false, "print the step reference (markdown) instead of the JSON Schema")
	write := flag.String("w", "", "with -docs: replace the reference between its markers in this file")
	flag.Parse()
	if !*docs {
		b, err := harness.SchemaJSON()
		if err != nil {
			fail(err)
		}
		os.Stdout.Write(b)
		return
	}
	ref := harness.StepReference()
	if *write == "" {
		fmt.Print(ref)
		return
	}
	doc, err := os.ReadFile(*write)
	if err != nil {
		fail(err)
	}
	i, j := bytes.Index(doc, []byte(harness.RefBegin)), bytes.Index(doc, []byte(harness.RefEnd))
	if i < 0 || j < i {
		fail(fmt.Errorf("%s: no step reference markers", *write))
	}
	out := string(doc[:i]) + strings.TrimSuffix(ref, "\n") + string(doc[j+len(harness.RefEnd):])
	if err := os.WriteFile(*write, []byte(out), 0o644); err != nil {
		fail(err)
	}
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "schemagen:", err)
	os.Exit(1)
}
