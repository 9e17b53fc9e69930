// Package harness is the scenario engine: it loads YAML scenario suites
// strictly (every error names file:line:column, the scenario and the step,
// and lists the valid choices), expands variables and step groups, and runs
// each scenario on a Target: the emulator (a fresh in-process emulator per
// scenario, virtual time, fully automatic) or a physical terminal named by
// a station file (operator prompts for what needs a hand). Steps live in a
// registry (Register), one small file per area, and the JSON Schema of the
// file format is made from the same Go types (Schema). Until the terminal
// application exists, an App plays its part through the real drivers.
package harness
