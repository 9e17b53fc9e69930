package profile_test

import (
	"os"
	"testing"

	"github.com/posemu/posemu/profile"
)

// FuzzParse feeds arbitrary YAML to the profile loader: it must refuse or
// accept, never panic, and whatever it accepts must be a usable profile.
func FuzzParse(f *testing.F) {
	good, err := os.ReadFile("../fixtures/profiles/lakala-default.yaml")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(good)
	f.Add([]byte("name: x\nlcd: {width: 5}\n"))
	f.Add([]byte("keypad:\n  keys:\n    - {name: A, code: 300}\n"))
	f.Add([]byte("- a\n- b\n"))
	f.Add([]byte(""))
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := profile.Parse("fuzz.yaml", data)
		if err != nil {
			if err.Error() == "" {
				t.Fatal("empty error message")
			}
			return
		}
		if p.LCD.Width <= 0 || len(p.Keypad.Keys) == 0 {
			t.Fatalf("accepted an unusable profile: %+v", p)
		}
	})
}
