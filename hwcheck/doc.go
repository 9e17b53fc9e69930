// Package hwcheck runs manufacturing-line checks on one terminal at a
// time, through the scenario engine (harness): a check plan is a scenario
// suite whose scenarios are the checks, each labelled with its tier
// (internal, external, interactive); measure_* steps record measurements
// with limits. It runs a plan on a unit (an emulated one, or a physical
// one named by a station file), talks to the operator on a text console
// (serial number, progress, prompts with a countdown, a big PASS or FAIL),
// and keeps a record per unit: <serial>.json beside its attachments, and
// JUnit XML. cmd/hwcheck is the command; docs/hwcheck.md the guide.
package hwcheck
