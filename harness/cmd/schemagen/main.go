// Command schemagen prints the JSON Schema of scenario files, made from
// the harness's Go types and registered steps:
//
//	go run ./harness/cmd/schemagen > docs/scenario.schema.json
//
// A harness test fails when the committed file differs from its output.
package main

import (
	"fmt"
	"os"

	"github.com/posemu/posemu/harness"
)

func main() {
	b, err := harness.SchemaJSON()
	if err != nil {
		fmt.Fprintln(os.Stderr, "schemagen:", err)
		os.Exit(1)
	}
	os.Stdout.Write(b)
}
