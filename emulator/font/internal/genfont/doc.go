// Command genfont cuts the subset of GNU Unifont that package font embeds.
//
// Usage (from emulator/font, normally through go generate):
//
//	go run ./internal/genfont -hex /usr/share/unifont/unifont.hex -out data/unifont-subset.hex.gz
//
// The input is unifont.hex from Debian's "unifont" package. The output is a
// gzip-compressed text file whose lines are copied byte for byte from the
// input, so the subset can be checked against the source with zcat and grep.
// The gzip header carries no name or time stamp: the same input always gives
// the same bytes, and a regeneration with an unchanged source leaves git clean.
package main
