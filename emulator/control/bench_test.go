package control_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/posemu/posemu/emulator"
	"github.com/posemu/posemu/emulator/control"
)

// BenchmarkControlPress measures one key press through the control API's
// handler, up to the byte written on the keypad's pty.
func BenchmarkControlPress(b *testing.B) {
	emu, err := emulator.New(emulator.Config{DevDir: b.TempDir()})
	if err != nil {
		b.Fatal(err)
	}
	defer emu.Close()
	host, err := os.OpenFile(filepath.Join(emu.DevDir(), "keypad"), os.O_RDWR, 0)
	if err != nil {
		b.Fatal(err)
	}
	defer host.Close()
	go io.Copy(io.Discard, host) // a driver that keeps reading
	srv := control.NewServer(emu, control.Options{})
	defer srv.Close()
	for b.Loop() {
		rec := httptest.NewRecorder()
		req := httptest.NewRequest("POST", "/api/v1/keypad/press", strings.NewReader(`{"keys":["1"]}`))
		req.Host = "127.0.0.1:7070"
		srv.ServeHTTP(rec, req)
		if rec.Code != http.StatusOK {
			b.Fatal(rec.Body.String())
		}
	}
}
