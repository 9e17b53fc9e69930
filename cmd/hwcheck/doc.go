// Command hwcheck runs manufacturing-line checks on one terminal after
// another, or on an emulated one in CI, and keeps a record per unit
// (docs/hwcheck.md):
//
//	hwcheck --station bench1.yaml --report-dir /srv/hwcheck --loop
//	hwcheck --emulator --serial TEST001 --report-dir out --non-interactive
//	hwcheck --emulator --serial TEST002 --report-dir out --non-interactive --inject printer.paper=out
//
// Exit status: 0 every check passed, 1 a check failed, 2 a bad command
// line, 3 the station could not run (bad station file or plan, missing
// device); with --loop, the worst of the units.
package main
