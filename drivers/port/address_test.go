package port_test

import (
	"errors"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/posemu/posemu/drivers/port"
)

func serialAt(path string) port.Address {
	return port.Address{Scheme: port.SchemeSerial, Path: path, Baud: port.DefaultBaud, DataBits: port.DefaultDataBits}
}

var _ = Describe("ParseAddress", func() {
	DescribeTable("good addresses",
		func(in string, want port.Address, canonical string) {
			a, err := port.ParseAddress(in)
			Expect(err).NotTo(HaveOccurred())
			Expect(a).To(Equal(want))
			Expect(a.String()).To(Equal(canonical))
			back, err := port.ParseAddress(a.String())
			Expect(err).NotTo(HaveOccurred())
			Expect(back).To(Equal(a))
		},
		Entry("tty path", "/dev/ttyS1", serialAt("/dev/ttyS1"), "serial:/dev/ttyS1"),
		Entry("pty path", "/dev/pts/7", serialAt("/dev/pts/7"), "serial:/dev/pts/7"),
		Entry("emulator link", "/run/posemu/dev/keypad", serialAt("/run/posemu/dev/keypad"), "serial:/run/posemu/dev/keypad"),
		Entry("surrounding space", "  /dev/ttyS1\n", serialAt("/dev/ttyS1"), "serial:/dev/ttyS1"),
		Entry("serial: without options", "serial:/dev/ttyUSB0", serialAt("/dev/ttyUSB0"), "serial:/dev/ttyUSB0"),
		Entry("serial:/// URL habit", "serial:///dev/ttyUSB0", serialAt("/dev/ttyUSB0"), "serial:/dev/ttyUSB0"),
		Entry("scheme in capitals", "SERIAL:/dev/ttyUSB0", serialAt("/dev/ttyUSB0"), "serial:/dev/ttyUSB0"),
		Entry("all options", "serial:/dev/ttyUSB0?baud=9600&parity=none&stop=1&data=8",
			port.Address{Scheme: "serial", Path: "/dev/ttyUSB0", Baud: 9600, DataBits: 8}, "serial:/dev/ttyUSB0?baud=9600"),
		Entry("7E2", "serial:/dev/ttyUSB0?baud=2400&data=7&parity=even&stop=2",
			port.Address{Scheme: "serial", Path: "/dev/ttyUSB0", Baud: 2400, DataBits: 7, Parity: port.ParityEven, StopBits: port.StopBits2},
			"serial:/dev/ttyUSB0?baud=2400&data=7&parity=even&stop=2"),
		Entry("odd, 1.5 stop, 5 bits", "serial:/dev/ttyS0?parity=odd&stop=1.5&data=5",
			port.Address{Scheme: "serial", Path: "/dev/ttyS0", Baud: 115200, DataBits: 5, Parity: port.ParityOdd, StopBits: port.StopBits1Half},
			"serial:/dev/ttyS0?data=5&parity=odd&stop=1.5"),
		Entry("mark parity, letter form", "serial:/dev/ttyS0?parity=M", port.Address{Scheme: "serial", Path: "/dev/ttyS0", Baud: 115200, DataBits: 8, Parity: port.ParityMark},
			"serial:/dev/ttyS0?parity=mark"),
		Entry("space parity", "serial:/dev/ttyS0?parity=space", port.Address{Scheme: "serial", Path: "/dev/ttyS0", Baud: 115200, DataBits: 8, Parity: port.ParitySpace},
			"serial:/dev/ttyS0?parity=space"),
		Entry("non-standard baud", "serial:/dev/ttyS0?baud=250000", port.Address{Scheme: "serial", Path: "/dev/ttyS0", Baud: 250000, DataBits: 8},
			"serial:/dev/ttyS0?baud=250000"),
		Entry("tcp", "tcp://127.0.0.1:9100", port.Address{Scheme: "tcp", Host: "127.0.0.1:9100", DialTimeout: port.DefaultDialTimeout}, "tcp://127.0.0.1:9100"),
		Entry("tcp host name", "tcp://printer.local:9100", port.Address{Scheme: "tcp", Host: "printer.local:9100", DialTimeout: port.DefaultDialTimeout}, "tcp://printer.local:9100"),
		Entry("tcp IPv6", "tcp://[::1]:9100", port.Address{Scheme: "tcp", Host: "[::1]:9100", DialTimeout: port.DefaultDialTimeout}, "tcp://[::1]:9100"),
		Entry("tcp timeout", "tcp://127.0.0.1:9100?timeout=500ms", port.Address{Scheme: "tcp", Host: "127.0.0.1:9100", DialTimeout: 500 * time.Millisecond},
			"tcp://127.0.0.1:9100?timeout=500ms"),
	)

	DescribeTable("bad addresses",
		func(in, part, text string) {
			_, err := port.ParseAddress(in)
			Expect(err).To(HaveOccurred())
			var ae *port.AddressError
			Expect(errors.As(err, &ae)).To(BeTrue())
			Expect(ae.Part).To(Equal(part))
			Expect(ae.Address).To(Equal(in))
			Expect(err.Error()).To(ContainSubstring(text))
			Expect(errors.Is(err, port.ErrBadAddress)).To(BeTrue())
		},
		Entry("empty", "", "address", "empty address; use /dev/ttyS1"),
		Entry("relative path", "ttyS1", "path", `"ttyS1" is neither an absolute path nor scheme:...`),
		Entry("unknown scheme", "com:3", "scheme", `unknown scheme "com" (known: serial, tcp`),
		Entry("udp is not a port", "udp://127.0.0.1:9100", "scheme", `unknown scheme "udp"`),
		Entry("options on a bare path", "/dev/ttyS1?baud=9600", "path", "a bare path takes no options; write serial:/dev/ttyS1?baud=9600"),
		Entry("serial: without path", "serial:", "path", "missing device path"),
		Entry("serial: only options", "serial:?baud=9600", "path", "missing device path"),
		Entry("serial: relative path", "serial:ttyUSB0", "path", `device path "ttyUSB0" is not absolute; write serial:/dev/ttyUSB0`),
		Entry("serial:// with a host", "serial://dev/ttyUSB0", "path", `device path "dev/ttyUSB0" is not absolute`),
		Entry("baud not a number", "serial:/dev/ttyS1?baud=abc", "baud", `bad baud "abc": want a whole number`),
		Entry("baud zero", "serial:/dev/ttyS1?baud=0", "baud", `bad baud "0"`),
		Entry("baud negative", "serial:/dev/ttyS1?baud=-9600", "baud", `bad baud "-9600"`),
		Entry("baud too high", "serial:/dev/ttyS1?baud=99999999", "baud", `bad baud "99999999"`),
		Entry("baud empty", "serial:/dev/ttyS1?baud=", "baud", `bad baud ""`),
		Entry("baud without =", "serial:/dev/ttyS1?baud", "query", `option "baud" has no value`),
		Entry("bad parity", "serial:/dev/ttyS1?parity=yes", "parity", `bad parity "yes": want none, odd, even, mark or space`),
		Entry("bad stop", "serial:/dev/ttyS1?stop=3", "stop", `bad stop bits "3": want 1, 1.5 or 2`),
		Entry("bad data", "serial:/dev/ttyS1?data=9", "data", `bad data bits "9": want 5, 6, 7 or 8`),
		Entry("data not a number", "serial:/dev/ttyS1?data=eight", "data", `bad data bits "eight"`),
		Entry("unknown key", "serial:/dev/ttyS1?speed=9600", "query", `unknown option "speed" (known: baud, data, parity, stop)`),
		Entry("key twice", "serial:/dev/ttyS1?baud=9600&baud=2400", "query", `option "baud" given twice`),
		Entry("bad escape", "serial:/dev/ttyS1?baud=%zz", "query", "bad escape"),
		Entry("tcp without //", "tcp:127.0.0.1:9100", "host", "write tcp://host:port"),
		Entry("tcp without host:port", "tcp://", "host", "missing host:port"),
		Entry("tcp without port", "tcp://127.0.0.1", "host", `"127.0.0.1" is not host:port (missing port in address)`),
		Entry("tcp without host", "tcp://:9100", "host", "missing host"),
		Entry("tcp bad port", "tcp://127.0.0.1:http", "port", `bad port "http": want a number from 1 to 65535`),
		Entry("tcp port 0", "tcp://127.0.0.1:0", "port", `bad port "0"`),
		Entry("tcp port too big", "tcp://127.0.0.1:65536", "port", `bad port "65536"`),
		Entry("tcp with a path", "tcp://127.0.0.1:9100/raw", "host", `found "/raw"`),
		Entry("tcp with user info", "tcp://me@127.0.0.1:9100", "host", `found "@127.0.0.1:9100"`),
		Entry("tcp bad timeout", "tcp://127.0.0.1:9100?timeout=soon", "timeout", `bad timeout "soon"`),
		Entry("tcp negative timeout", "tcp://127.0.0.1:9100?timeout=-1s", "timeout", `bad timeout "-1s"`),
		Entry("tcp serial option", "tcp://127.0.0.1:9100?baud=9600", "query", `unknown option "baud" (known: timeout)`),
	)

	It("reports a bad address from Open as an *OpenError naming the part", func() {
		_, err := port.Open("serial:/dev/ttyS1?baud=abc")
		var oe *port.OpenError
		Expect(errors.As(err, &oe)).To(BeTrue())
		Expect(oe.Op).To(Equal("parse"))
		Expect(errors.Is(err, port.ErrBadAddress)).To(BeTrue())
		Expect(err.Error()).To(Equal(`open port "serial:/dev/ttyS1?baud=abc": bad baud "abc": want a whole number of bits per second such as 9600 or 115200`))
	})

	It("names parity and stop bits", func() {
		Expect(port.ParityEven.String()).To(Equal("even"))
		Expect(port.StopBits1Half.String()).To(Equal("1.5"))
		Expect(port.Parity(9).String()).To(Equal("Parity(9)"))
		Expect(port.StopBits(-1).String()).To(Equal("StopBits(-1)"))
	})
})
