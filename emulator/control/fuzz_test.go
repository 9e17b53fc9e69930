package control

import (
	"errors"
	"strings"
	"testing"

	"github.com/posemu/posemu/profile"
)

// FuzzPressRequest feeds arbitrary bodies to the press decoder: it must
// never panic, and every refusal must be a 4xx that says something.
func FuzzPressRequest(f *testing.F) {
	for _, seed := range []string{
		`{"keys":["1","2",".","5","ENTER"]}`,
		`{"sequence":"12.5 00 ENTER"}`,
		`{"keys":["1"],"sequence":"1"}`,
		`{"keys":[]}`,
		`{"keys":"12"}`,
		`{"key":["1"]}`,
		`{"keys":["1",]}`,
		`{"keys":["1"]} {}`,
		`["1"]`,
		``,
		`{"sequence":"\u0000 enter"}`,
	} {
		f.Add([]byte(seed))
	}
	var names []string
	for _, k := range profile.Default().Keypad.Keys {
		names = append(names, k.Name)
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		var req pressRequest
		err := decodeJSON(strings.NewReader(string(body)), &req, pressExample)
		var keys []string
		if err == nil {
			keys, err = parsePress(req, names)
		}
		if err != nil {
			var ae *apiError
			if !errors.As(err, &ae) || ae.status < 400 || ae.status > 499 || ae.msg == "" {
				t.Fatalf("body %q: refusal %v is not a 4xx with a message", body, err)
			}
			return
		}
		if len(keys) == 0 {
			t.Fatalf("body %q: accepted with no keys", body)
		}
		for _, k := range keys {
			if _, ok := profile.Default().Keypad.KeyByName(k); !ok {
				t.Fatalf("body %q: accepted unknown key %q", body, k)
			}
		}
	})
}
