package printer_test

import (
	"bytes"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/posemu/posemu/emulator/events"
	"github.com/posemu/posemu/emulator/printer"
	"github.com/posemu/posemu/profile"
)

var _ = Describe("the printer model", func() {
	var (
		host bytes.Buffer
		m    *printer.Model
	)
	BeforeEach(func() {
		host.Reset()
		m = printer.New(profile.Default().Printer, &host, events.NewBus(10, nil))
	})

	It("keeps what it receives until torn off", func() {
		m.Feed([]byte("\x1b@HELLO\n"))
		Expect(m.Raw()).To(Equal([]byte("\x1b@HELLO\n")))
		m.TearOff()
		Expect(m.Raw()).To(BeEmpty())
	})

	It("answers DLE EOT status requests as a ready printer, even split across reads", func() {
		m.Feed([]byte{0x1b, 0x40, 0x10, 0x04, 0x01})
		m.Feed([]byte{0x10})
		m.Feed([]byte{0x04, 0x04})
		Expect(host.Bytes()).To(Equal([]byte{0x12, 0x12}))
	})
})
