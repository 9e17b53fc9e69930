// Package journal is the terminal's transaction journal: an append-only
// file of length- and CRC-framed records, each fsynced before the call that
// wrote it returns, so that a trade is on disk before its request leaves the
// terminal and every outcome is on disk before it is shown. Replaying the
// file after a crash rebuilds the entries, the voucher (trace) and batch
// counters; a record torn by the crash at the end of the file is detected
// and dropped, while damage in the middle is reported rather than guessed
// around. The journal never holds a password or a full payment code: codes
// are masked on the way in.
package journal
