package harness_test

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/posemu/posemu/harness"
)

// FuzzLoad feeds the loader anything: it must return a suite or an error,
// never panic, and every error must say where.
func FuzzLoad(f *testing.F) {
	files, _ := filepath.Glob("../scenarios/*.yaml")
	for _, p := range files {
		if b, err := os.ReadFile(p); err == nil {
			f.Add(b)
		}
	}
	f.Add([]byte(varsFile))
	f.Add([]byte(groupFile + "      - use: {group: sign on, with: {op: \"01\"}}\n"))
	f.Add([]byte(scenario("      - press: [1, [2]]\n      - expect_screen: {regex: \"(\"}\n")))
	f.Add([]byte("suite: s\ngroups:\n  a:\n    steps:\n      - use: a\nscenarios:\n  - name: x\n    steps:\n      - use: a\n"))
	f.Add([]byte("a: &a [*a, *a]\n"))
	f.Add([]byte("suite: &s x\nscenarios:\n  - &sc {name: a, steps: [{press: 1}]}\n  - *sc\n"))
	f.Add([]byte("suite: s\nvariables: {a: \"${b}\", b: \"${a}\"}\nscenarios:\n  - name: x\n    steps:\n      - scan: \"${a}$${a}${\"\n"))
	f.Add([]byte(""))
	f.Add([]byte("\x00\xff"))
	f.Fuzz(func(t *testing.T, data []byte) {
		s, err := harness.Parse("fuzz.yaml", data)
		if err == nil {
			if s == nil {
				t.Fatal("no suite and no error")
			}
			for _, sc := range s.Scenarios {
				for _, st := range sc.AllSteps() {
					if st.Def == nil || st.Params == nil {
						t.Fatalf("step %s without definition or parameters", st.Name)
					}
				}
			}
			return
		}
		var le harness.LoadErrors
		if !errors.As(err, &le) || len(le) == 0 {
			t.Fatalf("error is not LoadErrors: %T %v", err, err)
		}
		for _, e := range le {
			if e.Pos.File != "fuzz.yaml" || e.Msg == "" {
				t.Fatalf("error without place or message: %#v", e)
			}
		}
	})
}
