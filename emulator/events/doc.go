// Package events is the emulator's record of everything a device did: a
// bounded, ordered log with subscribers. The control API streams it as
// server-sent events, and scenario steps wait on it instead of sleeping.
package events
