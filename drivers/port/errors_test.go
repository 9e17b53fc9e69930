package port_test

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"syscall"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"go.bug.st/serial"

	"github.com/posemu/posemu/drivers/port"
)

var _ = Describe("error messages", func() {
	const charDev = fs.ModeDevice | fs.ModeCharDevice

	DescribeTable("permission denied says what to do",
		func(mode fs.FileMode, group string, want ...string) {
			msg := port.PermissionMessage("/dev/ttyUSB0", mode, group)
			for _, w := range want {
				Expect(msg).To(ContainSubstring(w))
			}
		},
		Entry("group dialout may open it", charDev|0o660, "dialout",
			"permission denied on /dev/ttyUSB0 (crw-rw----, group dialout)",
			"add yourself to group dialout with: sudo usermod -aG dialout $USER, then log out and in again"),
		Entry("group uucp (other distributions)", charDev|0o660, "uucp", "sudo usermod -aG uucp $USER"),
		Entry("group root: joining root is no answer", charDev|0o660, "root",
			"(crw-rw----, group root)", `udev rule (GROUP="dialout", MODE="0660")`),
		Entry("nobody may open it", fs.FileMode(0), "staff",
			"(----------, group staff): its group cannot open it for reading and writing"),
		Entry("group only reads", charDev|0o640, "dialout", "its group cannot open it for reading and writing"),
		Entry("group unknown", charDev|0o600, "", "(crw-------): run as a user who may open it"),
	)

	It("reports a device another process holds as busy, naming fuser", func() {
		for _, cause := range []error{&serial.PortError{} /* code PortBusy */, syscall.EBUSY} {
			oe := port.SerialOpenError("serial:/dev/ttyUSB0?baud=9600", "/dev/ttyUSB0", cause)
			Expect(oe.Kind).To(Equal(port.ErrBusy))
			Expect(errors.Is(oe, port.ErrBusy)).To(BeTrue())
			Expect(oe.Error()).To(HavePrefix(`open port "serial:/dev/ttyUSB0?baud=9600": /dev/ttyUSB0 is busy: another program holds it open exclusively; find it with: fuser -v /dev/ttyUSB0`))
		}
	})

	It("reports EACCES as permission denied with the errno kept", func() {
		oe := port.SerialOpenError("/nonexistent/ttyUSB0", "/nonexistent/ttyUSB0", &fs.PathError{Op: "open", Path: "/nonexistent/ttyUSB0", Err: syscall.EACCES})
		Expect(errors.Is(oe, port.ErrPermission)).To(BeTrue())
		Expect(errors.Is(oe, os.ErrPermission)).To(BeTrue())
		Expect(oe.Error()).To(ContainSubstring("permission denied on /nonexistent/ttyUSB0"))
	})

	It("reports a device node with nothing behind it", func() {
		oe := port.SerialOpenError("/dev/ttyS7", "/dev/ttyS7", syscall.EIO)
		Expect(errors.Is(oe, port.ErrNoDevice)).To(BeTrue())
		Expect(oe.Error()).To(ContainSubstring("no device answers at /dev/ttyS7"))
	})

	It("falls back to the cause for anything else", func() {
		oe := port.SerialOpenError("/dev/ttyS7", "/dev/ttyS7", syscall.ELOOP)
		Expect(oe.Kind).To(BeNil())
		Expect(errors.Is(oe, syscall.ELOOP)).To(BeTrue())
		Expect(oe.Error()).To(Equal(`open port "/dev/ttyS7": /dev/ttyS7: ` + syscall.ELOOP.Error()))
	})

	DescribeTable("IsTimeout",
		func(err error, want bool) { Expect(port.IsTimeout(err)).To(Equal(want)) },
		Entry("nil", nil, false),
		Entry("deadline", fmt.Errorf("read x: %w", os.ErrDeadlineExceeded), true),
		Entry("net-style timeout", timeoutErr{}, true),
		Entry("EOF", io.EOF, false),
		Entry("a disconnect caused by ETIMEDOUT", fmt.Errorf("read: %w: %w", port.ErrDisconnected, syscall.ETIMEDOUT), false),
	)
})

type timeoutErr struct{}

func (timeoutErr) Error() string { return "timeout" }
func (timeoutErr) Timeout() bool { return true }
