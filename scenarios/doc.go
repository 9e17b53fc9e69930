// Package scenarios holds the YAML scenario suites (*.yaml) and the Ginkgo
// suite that runs them: every file is a Describe, every scenario an It,
// their labels Ginkgo labels. `go test ./scenarios/...` and
// `go tool ginkgo -p ./scenarios` run them on the emulator;
// POSEMU_TARGET=physical with POSEMU_STATION=FILE runs them on a terminal
// on the bench. docs/scenarios.md says how to write and run them.
package scenarios
