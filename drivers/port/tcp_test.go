package port_test

import (
	"errors"
	"io"
	"net"
	"os"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/posemu/posemu/drivers/port"
)

var _ = Describe("a TCP port", func() {
	var (
		ln       net.Listener
		addr     string
		accepted chan net.Conn
	)
	BeforeEach(func() {
		var err error
		ln, err = net.Listen("tcp", "127.0.0.1:0")
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(func() { ln.Close() }) // some specs close it first
		addr = "tcp://" + ln.Addr().String()
		accepted = make(chan net.Conn, 1)
		go func() {
			defer GinkgoRecover()
			c, err := ln.Accept()
			if err != nil {
				return // listener closed at cleanup
			}
			accepted <- c
		}()
	})

	connect := func() (port.Port, net.Conn) {
		GinkgoHelper()
		p, err := port.Open(addr)
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(p.Close)
		var peer net.Conn
		Eventually(accepted).Should(Receive(&peer))
		DeferCleanup(func() { peer.Close() }) // some specs close it first
		return p, peer
	}

	It("carries bytes both ways", func() {
		p, peer := connect()
		Expect(p.Address()).To(Equal(addr))
		_, err := peer.Write([]byte("\x10\x04\x01"))
		Expect(err).NotTo(HaveOccurred())
		Expect(readN(p, 3)).To(Equal("\x10\x04\x01"))

		_, err = p.Write([]byte("\x1b@"))
		Expect(err).NotTo(HaveOccurred())
		buf := make([]byte, 2)
		Expect(peer.SetReadDeadline(time.Now().Add(5 * time.Second))).To(Succeed())
		_, err = io.ReadFull(peer, buf)
		Expect(err).NotTo(HaveOccurred())
		Expect(string(buf)).To(Equal("\x1b@"))
	})

	It("times out a read at its deadline and reads again afterwards", func() {
		p, peer := connect()
		Expect(p.SetReadDeadline(time.Now().Add(50 * time.Millisecond))).To(Succeed())
		start := time.Now()
		_, err := p.Read(make([]byte, 4))
		Expect(port.IsTimeout(err)).To(BeTrue(), "%v", err)
		Expect(errors.Is(err, os.ErrDeadlineExceeded)).To(BeTrue())
		Expect(errors.Is(err, port.ErrDisconnected)).To(BeFalse())
		Expect(time.Since(start)).To(BeNumerically("<", 2*time.Second))

		Expect(p.SetReadDeadline(time.Time{})).To(Succeed())
		_, err = peer.Write([]byte("ok"))
		Expect(err).NotTo(HaveOccurred())
		Expect(readN(p, 2)).To(Equal("ok"))
	})

	It("fails a blocked read with ErrDisconnected when the peer closes", func() {
		p, peer := connect()
		ch := readAsync(p)
		Consistently(ch, "50ms").ShouldNot(Receive())
		Expect(peer.Close()).To(Succeed())
		var r readResult
		Eventually(ch).Should(Receive(&r))
		Expect(r.err).To(MatchError(port.ErrDisconnected))
		Expect(r.err).To(MatchError(io.EOF))
		Expect(port.IsTimeout(r.err)).To(BeFalse())
		Expect(r.err.Error()).To(ContainSubstring(ln.Addr().String()))
	})

	It("fails writes with ErrDisconnected once the peer has reset the connection", func() {
		p, peer := connect()
		// Closing with unread data makes the kernel send RST.
		Expect(peer.(*net.TCPConn).SetLinger(0)).To(Succeed())
		Expect(peer.Close()).To(Succeed())
		Eventually(func() error {
			_, err := p.Write([]byte("ping"))
			return err
		}).Should(MatchError(port.ErrDisconnected))
	})

	It("fails a blocked read with os.ErrClosed when closed locally", func() {
		p, _ := connect()
		ch := readAsync(p)
		Consistently(ch, "50ms").ShouldNot(Receive())
		Expect(p.Close()).To(Succeed())
		var r readResult
		Eventually(ch).Should(Receive(&r))
		Expect(r.err).To(MatchError(os.ErrClosed))
		Expect(errors.Is(r.err, port.ErrDisconnected)).To(BeFalse())
		Expect(p.Close()).To(Succeed())
	})

	It("has no modem lines to offer", func() {
		p, _ := connect()
		_, ok := p.(port.ModemLines)
		Expect(ok).To(BeFalse())
	})

	It("says nothing is listening when the connection is refused", func() {
		Expect(ln.Close()).To(Succeed())
		_, err := port.Open(addr)
		var oe *port.OpenError
		Expect(errors.As(err, &oe)).To(BeTrue())
		Expect(oe.Op).To(Equal("dial"))
		Expect(errors.Is(err, port.ErrNoDevice)).To(BeTrue())
		Expect(err.Error()).To(ContainSubstring("connection refused: nothing is listening on " + ln.Addr().String()))
	})
})
