package usbip_test

import (
	"bytes"
	"encoding/binary"
	"io"
	"net"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/posemu/posemu/emulator/usbip"
)

var _ = Describe("the USB/IP server", func() {
	var (
		srv    *usbip.Server
		addr   string
		dev    *loopDevice
		logbuf *syncBuffer
	)
	BeforeEach(func() {
		logbuf = &syncBuffer{}
		// The loop device's handlers return as soon as an unplug cancels
		// them, which a loaded machine may take a while to get round to:
		// the drain waits for them generously.
		srv = usbip.NewServer(usbip.Options{Log: newLogger(logbuf), DrainTimeout: 10 * time.Second})
		dev = newLoopDevice(0x1234, 0x5678)
		Expect(srv.Add("1-1", dev)).To(Succeed())
		l, err := usbip.Listen("127.0.0.1:0")
		Expect(err).NotTo(HaveOccurred())
		addr = l.Addr().String()
		go srv.Serve(l)
		DeferCleanup(srv.Close)
	})

	imported := func() (net.Conn, uint32) {
		c := dial(addr)
		DeferCleanup(func() { c.Close() })
		st, id := importDev(c, "1-1")
		Expect(st).To(BeZero())
		return c, id
	}

	It("lists its devices with their ids, class and interfaces", func() {
		Expect(srv.Add("2-1", newLoopDevice(0x04b8, 0x0202))).To(Succeed())
		c := dial(addr)
		defer c.Close()
		send(c, opReq(0x8005, ""))
		h := readN(c, 12)
		Expect(h[:8]).To(Equal(cat(be16(0x0111), be16(0x0005), be32(0))))
		Expect(binary.BigEndian.Uint32(h[8:])).To(Equal(uint32(2)))
		for _, want := range []struct {
			busID    string
			vid, pid uint16
		}{{"1-1", 0x1234, 0x5678}, {"2-1", 0x04b8, 0x0202}} {
			u := readN(c, 312)
			Expect(string(bytes.TrimRight(u[256:288], "\x00"))).To(Equal(want.busID))
			Expect(binary.BigEndian.Uint32(u[296:])).To(Equal(uint32(2)), "full speed")
			Expect(binary.BigEndian.Uint16(u[300:])).To(Equal(want.vid))
			Expect(binary.BigEndian.Uint16(u[302:])).To(Equal(want.pid))
			Expect(u[309:312]).To(Equal([]byte{1, 1, 1}), "configuration 1 of 1, one interface")
			Expect(readN(c, 4)).To(Equal([]byte{0xff, 1, 2, 0}))
		}
		_, err := c.Read(make([]byte, 1))
		Expect(err).To(MatchError(io.EOF), "the server hangs up after the list")
	})

	It("answers the standard requests for the device", func() {
		c, id := imported()
		r := control(c, 1, id, 0x80, 6, 0x0100, 0, 64, nil)
		Expect(r.status).To(BeZero())
		Expect(r.data).To(HaveLen(18))
		Expect(r.data[:2]).To(Equal([]byte{18, 1}))
		Expect(binary.LittleEndian.Uint16(r.data[8:])).To(Equal(uint16(0x1234)))
		Expect(binary.LittleEndian.Uint16(r.data[10:])).To(Equal(uint16(0x5678)))

		r = control(c, 2, id, 0x80, 6, 0x0200, 0, 9, nil)
		Expect(r.data).To(HaveLen(9), "cut to wLength")
		total := binary.LittleEndian.Uint16(r.data[2:])
		Expect(total).To(Equal(uint16(9 + 9 + 7 + 7 + 9)))
		r = control(c, 3, id, 0x80, 6, 0x0200, 0, total, nil)
		Expect(r.data[9:18]).To(Equal([]byte{9, 4, 0, 0, 2, 0xff, 1, 2, 4}))
		Expect(r.data[18:25]).To(Equal([]byte{7, 5, 0x01, 2, 64, 0, 0}))
		Expect(r.data[25:32]).To(Equal([]byte{7, 5, 0x82, 2, 64, 0, 0}))

		r = control(c, 4, id, 0x80, 6, 0x0300, 0x0409, 255, nil)
		Expect(r.data).To(Equal([]byte{4, 3, 0x09, 0x04}))
		r = control(c, 5, id, 0x80, 6, 0x0302, 0x0409, 255, nil)
		Expect(r.data).To(Equal([]byte{10, 3, 'L', 0, 'o', 0, 'o', 0, 'p', 0}))
		Expect(control(c, 6, id, 0x80, 6, 0x0309, 0x0409, 255, nil).status).To(Equal(int32(-32)), "no such string: stall")
		Expect(control(c, 7, id, 0x80, 6, 0x0600, 0, 10, nil).status).To(Equal(int32(-32)), "a full-speed device has no qualifier")

		Expect(control(c, 8, id, 0x00, 9, 1, 0, 0, nil).status).To(BeZero())
		Expect(control(c, 9, id, 0x80, 8, 0, 0, 1, nil).data).To(Equal([]byte{1}))
		Expect(control(c, 10, id, 0x00, 9, 7, 0, 0, nil).status).To(Equal(int32(-32)))
		Expect(control(c, 11, id, 0x80, 0, 0, 0, 2, nil).data).To(Equal([]byte{0, 0}))
		Expect(control(c, 12, id, 0x01, 11, 1, 0, 0, nil).status).To(BeZero())
		Expect(control(c, 13, id, 0x81, 10, 0, 0, 1, nil).data).To(Equal([]byte{1}))
		Expect(control(c, 14, id, 0x01, 11, 5, 0, 0, nil).status).To(Equal(int32(-32)))
		Expect(control(c, 15, id, 0x01, 11, 0, 0, 0, nil).status).To(BeZero())
		Expect(control(c, 16, id, 0xc0, 0x42, 0xbeef, 0, 2, nil).data).To(Equal([]byte{0xbe, 0xef}), "vendor request by the device")
	})

	It("halts an endpoint on SET_FEATURE and clears it on CLEAR_FEATURE", func() {
		c, id := imported()
		Expect(control(c, 1, id, 0x02, 3, 0, 0x01, 0, nil).status).To(BeZero())
		Expect(control(c, 2, id, 0x82, 0, 0, 0x01, 2, nil).data).To(Equal([]byte{1, 0}))
		send(c, submit(3, id, 0, 1, 3, nil, []byte("abc")))
		Expect(readReply(c, false).status).To(Equal(int32(-32)))
		Expect(control(c, 4, id, 0x02, 1, 0, 0x01, 0, nil).status).To(BeZero())
		Expect(control(c, 5, id, 0x82, 0, 0, 0x01, 2, nil).data).To(Equal([]byte{0, 0}))
		send(c, submit(6, id, 0, 1, 3, nil, []byte("abc")))
		Expect(readReply(c, false).status).To(BeZero())
		Expect(dev.received()).To(Equal([]byte("abc")))
	})

	It("answers a bulk OUT with the byte count and no payload", func() {
		c, id := imported()
		send(c, submit(1, id, 0, 1, 5, nil, []byte("hello")))
		send(c, submit(2, id, 0, 1, 6, nil, []byte(" world")))
		for seq := uint32(1); seq <= 2; seq++ {
			h := readN(c, 48)
			Expect(binary.BigEndian.Uint32(h[0:])).To(Equal(uint32(3)))
			Expect(binary.BigEndian.Uint32(h[4:])).To(Equal(seq))
			Expect(binary.BigEndian.Uint32(h[20:])).To(BeZero())
			Expect(binary.BigEndian.Uint32(h[24:])).To(Equal(4 + seq))
		}
		Expect(dev.received()).To(Equal([]byte("hello world")))
	})

	It("keeps a bulk IN pending until data arrives, while other endpoints go on", func() {
		c, id := imported()
		send(c, submit(1, id, 1, 2, 64, nil, nil))
		send(c, submit(2, id, 0, 1, 2, nil, []byte("hi")))
		r := readReply(c, false)
		Expect(r.seq).To(Equal(uint32(2)), "the OUT completes while the IN waits")
		dev.in <- []byte("status")
		r = readReply(c, true)
		Expect(r.seq).To(Equal(uint32(1)))
		Expect(r.data).To(Equal([]byte("status")))
	})

	It("cancels a pending IN on UNLINK, and the endpoint keeps working", func() {
		c, id := imported()
		send(c, submit(1, id, 1, 2, 64, nil, nil))
		send(c, unlink(2, id, 1))
		r := readReply(c, false)
		Expect(r).To(Equal(reply{command: 4, seq: 2, status: -104}), "RET_UNLINK with ECONNRESET, and no RET_SUBMIT")
		send(c, submit(3, id, 1, 2, 64, nil, nil))
		dev.in <- []byte{0x12}
		Expect(readReply(c, true).data).To(Equal([]byte{0x12}))
		send(c, unlink(4, id, 3))
		Expect(readReply(c, false)).To(Equal(reply{command: 4, seq: 4, status: 0}), "already completed")
	})

	It("lets one client import a device at a time, and frees it when that client leaves", func() {
		c1, _ := imported()
		c2 := dial(addr)
		defer c2.Close()
		st, _ := importDev(c2, "1-1")
		Expect(st).To(Equal(uint32(2)), "busy")
		c3 := dial(addr)
		defer c3.Close()
		st, _ = importDev(c3, "9-9")
		Expect(st).To(Equal(uint32(4)), "no such device")
		Expect(srv.Devices()[0].Imported).To(BeTrue())
		c1.Close()
		Eventually(func() bool { return srv.Devices()[0].Imported }).Should(BeFalse())
		Expect(dev.counts()).To(Equal([2]int{1, 1}))
		c4 := dial(addr)
		defer c4.Close()
		st, _ = importDev(c4, "1-1")
		Expect(st).To(BeZero())
	})

	It("fails pending URBs with ESHUTDOWN on unplug and hangs up; a replug is importable again", func() {
		c, id := imported()
		send(c, submit(1, id, 1, 2, 64, nil, nil))
		Eventually(dev.waiting).Should(Receive())
		srv.Remove("1-1")
		r := readReply(c, true)
		Expect(r.seq).To(Equal(uint32(1)))
		Expect(r.status).To(Equal(int32(-108)))
		c.SetReadDeadline(time.Now().Add(10 * time.Second))
		_, err := c.Read(make([]byte, 1))
		Expect(err).To(MatchError(io.EOF))
		Expect(srv.Devices()).To(BeEmpty())

		Expect(srv.Add("1-1", dev)).To(Succeed())
		c2, id2 := imported()
		Expect(control(c2, 1, id2, 0x80, 6, 0x0100, 0, 18, nil).data).To(HaveLen(18))
	})

	DescribeTable("closes only the connection that sends a malformed PDU, saying why",
		func(pdu func(devID uint32) []byte, reason string) {
			good, goodID := imported()
			send(good, submit(1, goodID, 1, 2, 64, nil, nil))
			Expect(srv.Add("1-2", newLoopDevice(1, 2))).To(Succeed())
			bad := dial(addr)
			defer bad.Close()
			st, badID := importDev(bad, "1-2")
			Expect(st).To(BeZero())
			send(bad, pdu(badID))
			if tc, ok := bad.(*net.TCPConn); ok && reason == "truncated PDU" {
				tc.CloseWrite()
			}
			bad.SetReadDeadline(time.Now().Add(10 * time.Second))
			_, err := io.ReadAll(bad)
			Expect(err).NotTo(HaveOccurred(), "the server closed it")
			Eventually(logbuf.String).Should(ContainSubstring(reason))

			dev.in <- []byte("still here")
			Expect(readReply(good, true).data).To(Equal([]byte("still here")))
		},
		Entry("bad direction", func(id uint32) []byte { return submit(1, id, 7, 1, 0, nil, nil) }, "direction 7"),
		Entry("unknown command", func(id uint32) []byte {
			b := submit(1, id, 0, 0, 0, nil, nil)
			b[3] = 9
			return b
		}, "unknown command 0x9"),
		Entry("wrong devid", func(id uint32) []byte { return submit(1, id+1, 1, 2, 8, nil, nil) }, "is not the imported device's"),
		Entry("huge length", func(id uint32) []byte { return submit(1, id, 0, 1, 1<<30, nil, nil) }, "above the limit"),
		Entry("truncated", func(id uint32) []byte { return submit(1, id, 0, 1, 100, nil, []byte("short"))[:50] }, "truncated PDU"),
		Entry("endpoint 16", func(id uint32) []byte { return submit(1, id, 0, 16, 0, nil, nil) }, "endpoint 16"),
	)

	It("closes a connection that speaks another protocol version", func() {
		c := dial(addr)
		defer c.Close()
		send(c, cat(be16(0x0106), be16(0x8005), be32(0)))
		c.SetReadDeadline(time.Now().Add(10 * time.Second))
		b, err := io.ReadAll(c)
		Expect(err).NotTo(HaveOccurred())
		Expect(b).To(BeEmpty())
		Eventually(logbuf.String).Should(ContainSubstring("protocol version 0x0106"))
	})

	It("serves several devices to several clients at once", func() {
		other := newLoopDevice(0xaaaa, 0xbbbb)
		Expect(srv.Add("3-1", other)).To(Succeed())
		c1, id1 := imported()
		c2 := dial(addr)
		defer c2.Close()
		st, id2 := importDev(c2, "3-1")
		Expect(st).To(BeZero())
		send(c1, submit(1, id1, 1, 2, 64, nil, nil))
		send(c2, submit(1, id2, 1, 2, 64, nil, nil))
		other.in <- []byte("two")
		dev.in <- []byte("one")
		Expect(readReply(c2, true).data).To(Equal([]byte("two")))
		Expect(readReply(c1, true).data).To(Equal([]byte("one")))
	})

	It("refuses bad bus ids, duplicates and addresses off loopback", func() {
		Expect(srv.Add("1-1", newLoopDevice(1, 1))).To(MatchError(ContainSubstring("already in use")))
		Expect(srv.Add("usb1", newLoopDevice(1, 1))).To(MatchError(ContainSubstring("not of the form")))
		Expect(usbip.CheckLoopback("0.0.0.0:3240")).To(MatchError(ContainSubstring("loopback only")))
		Expect(usbip.CheckLoopback("[::1]:3240")).To(Succeed())
	})
})
