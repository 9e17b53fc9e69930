package keypad

import "github.com/posemu/posemu/profile"

// keymap is the byte → key table. A profile that maps two keys to one code
// is refused by profile validation; here the first key wins, as
// profile.Keypad.KeyByCode does.
type keymap struct {
	known [256]bool
	keys  [256]profile.Key
}

func newKeymap(keys []profile.Key) *keymap {
	m := &keymap{}
	for _, k := range keys {
		if !m.known[k.Code] {
			m.known[k.Code], m.keys[k.Code] = true, k
		}
	}
	return m
}

// decode turns received bytes into key presses, in order, calling key for
// each mapped byte and unknown for each other byte. Every byte goes to
// exactly one of them.
func (m *keymap) decode(p []byte, key func(profile.Key), unknown func(byte)) {
	for _, b := range p {
		if m.known[b] {
			key(m.keys[b])
		} else {
			unknown(b)
		}
	}
}
