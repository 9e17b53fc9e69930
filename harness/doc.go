// Package harness is the scenario engine: the YAML scenario schema and
// loader, the steps, and the targets (emulator, physical) that carry them out.
// (Issue 7 fills it.)
package harness
