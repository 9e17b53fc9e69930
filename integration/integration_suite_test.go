package integration_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"testing"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/posemu/posemu/emulator"
	"github.com/posemu/posemu/emulator/control"
)

func TestIntegration(t *testing.T) {
	RegisterFailHandler(Fail)
	// What a spec waits for comes in milliseconds, but on a loaded machine
	// (CI runs many test binaries on two cores) it may take far longer;
	// waiting longer costs nothing when it comes.
	SetDefaultEventuallyTimeout(10 * time.Second)
	RunSpecs(t, "integration: drivers over real ptys against the emulator")
}

// rig is one emulator with its control API on a loopback port.
type rig struct {
	emu *emulator.Emulator
	url string
}

// startRig starts an emulator in a fresh device directory and serves its
// control API; both stop when the spec ends.
func startRig(devdir string) *rig {
	return startRigWith(emulator.Config{DevDir: devdir})
}

// startRigWith is startRig for an emulator configured by cfg.
func startRigWith(cfg emulator.Config) *rig {
	emu, err := emulator.New(cfg)
	Expect(err).NotTo(HaveOccurred())
	l, err := control.Listen("127.0.0.1:0")
	Expect(err).NotTo(HaveOccurred())
	srv := control.NewServer(emu, control.Options{ControlURL: control.URL(l)})
	ctx, cancel := context.WithCancel(context.Background())
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ctx, l) }()
	DeferCleanup(func() {
		cancel()
		Expect(<-served).To(Succeed())
		Expect(emu.Close()).To(Succeed())
	})
	return &rig{emu: emu, url: control.URL(l)}
}

// link is where a driver on the device would find the named peripheral.
func (r *rig) link(name string) string {
	info, err := r.emu.Device(name)
	Expect(err).NotTo(HaveOccurred())
	return info.Link
}

// post sends a JSON body to the control API and returns status and body.
func (r *rig) post(path string, body any) (int, string) {
	data, err := json.Marshal(body)
	Expect(err).NotTo(HaveOccurred())
	resp, err := http.Post(r.url+path, "application/json", bytes.NewReader(data))
	Expect(err).NotTo(HaveOccurred())
	defer resp.Body.Close()
	out, err := io.ReadAll(resp.Body)
	Expect(err).NotTo(HaveOccurred())
	return resp.StatusCode, string(out)
}

// getJSON decodes a GET from the control API into v.
func (r *rig) getJSON(path string, v any) {
	resp, err := http.Get(r.url + path)
	Expect(err).NotTo(HaveOccurred())
	defer resp.Body.Close()
	Expect(resp.StatusCode).To(Equal(http.StatusOK))
	Expect(json.NewDecoder(resp.Body).Decode(v)).To(Succeed())
}

// httpGet returns the body of a successful GET.
func httpGet(url string) ([]byte, error) {
	resp, err := http.Get(url)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	Expect(resp.StatusCode).To(Equal(http.StatusOK))
	return io.ReadAll(resp.Body)
}
