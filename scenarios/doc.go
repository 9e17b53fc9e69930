// Package scenarios holds the YAML scenario suites and the Ginkgo suite
// that runs them against the emulator or a physical terminal. (Issue 7 fills
// it.)
package scenarios
