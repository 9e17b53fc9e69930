package hostsim_test

import (
	"os"
	"path/filepath"
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/posemu/posemu/emulator/hostsim"
)

var _ = Describe("the state file", func() {
	var path string
	BeforeEach(func() { path = filepath.Join(GinkgoT().TempDir(), "host.state") })

	It("keeps trades, refunds and balances across a restart", func() {
		e := newEnv(hostsim.Options{StatePath: path})
		paid := e.cli.call(hostsim.MethodPay, payBiz("D1", zhangSan, "50.00"))
		Expect(e.cli.call(hostsim.MethodRefund, map[string]any{"out_trade_no": "D1", "out_request_no": "d1", "refund_amount": "20.00"}).Code()).To(Equal("10000"))
		Expect(e.cli.call(hostsim.MethodPay, payBiz("D2", liSi, "8.00")).Code()).To(Equal("10003"))
		Expect(e.cli.call(hostsim.MethodCancel, ref("D3")).Code()).To(Equal("10000"))
		Expect(e.sim.Close()).To(Succeed())

		again := newEnv(hostsim.Options{StatePath: path, Clock: e.clock})
		q := again.cli.call(hostsim.MethodQuery, ref("D1"))
		Expect(q.str("trade_status")).To(Equal("TRADE_SUCCESS"))
		Expect(q.str("trade_no")).To(Equal(paid.str("trade_no")))
		Expect(balanceOf(again.sim, zhangSan)).To(Equal(int64(10000000 - 3000)))
		// The refund's idempotency key survived too.
		Expect(again.cli.call(hostsim.MethodRefund, map[string]any{"out_trade_no": "D1", "out_request_no": "d1", "refund_amount": "20.00"}).str("fund_change")).To(Equal("N"))
		// The buyer can still confirm the trade that was waiting.
		_, err := again.sim.Confirm(liSi, "D2")
		Expect(err).NotTo(HaveOccurred())
		Expect(again.cli.call(hostsim.MethodPay, payBiz("D3", zhangSan, "1.00")).Code()).To(Equal("40004 ACQ.TRADE_HAS_CLOSE"))
		// New trades get new numbers.
		next := again.cli.call(hostsim.MethodPay, payBiz("D4", zhangSan, "1.00"))
		Expect(next.str("trade_no")).NotTo(Equal(paid.str("trade_no")))
		Expect(again.sim.Trades()).To(HaveLen(4))
	})

	It("has the change on disk before the reply is sent, even when the reply is lost", func() {
		e := newEnv(hostsim.Options{StatePath: path})
		Expect(e.sim.AddFault(hostsim.Fault{Kind: hostsim.FaultLostReply, Count: 1})).To(Succeed())
		_, _, err := e.cli.post(e.cli.form(hostsim.MethodPay, payBiz("D5", zhangSan, "9.99")))
		Expect(err).To(HaveOccurred())
		data, err := os.ReadFile(path)
		Expect(err).NotTo(HaveOccurred())
		Expect(string(data)).To(ContainSubstring(`"out_trade_no":"D5"`))
		Expect(string(data)).To(ContainSubstring(`"trade_status":"TRADE_SUCCESS"`))
	})

	It("times out a waiting trade across the restart on the clock", func() {
		e := newEnv(hostsim.Options{StatePath: path})
		Expect(e.cli.call(hostsim.MethodPay, payBiz("D6", liSi, "8.00")).Code()).To(Equal("10003"))
		Expect(e.sim.Close()).To(Succeed())
		e.clock.Advance(5 * time.Minute)
		again := newEnv(hostsim.Options{StatePath: path, Clock: e.clock})
		Expect(again.cli.call(hostsim.MethodQuery, ref("D6")).str("trade_status")).To(Equal("TRADE_CLOSED"))
	})

	It("drops a last line cut short by a crash, and refuses a damaged one in the middle", func() {
		e := newEnv(hostsim.Options{StatePath: path})
		Expect(e.cli.call(hostsim.MethodPay, payBiz("D7", zhangSan, "1.00")).Code()).To(Equal("10000"))
		Expect(e.sim.Close()).To(Succeed())
		f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND, 0)
		Expect(err).NotTo(HaveOccurred())
		f.WriteString(`{"seq":9,"trades":[{"out_trade_no":"D8"`)
		f.Close()
		again := newEnv(hostsim.Options{StatePath: path, Clock: e.clock})
		Expect(again.sim.Trades()).To(HaveLen(1))
		Expect(again.sim.Close()).To(Succeed())

		data, _ := os.ReadFile(path)
		Expect(os.WriteFile(path, []byte("garbage\n"+string(data)), 0o600)).To(Succeed())
		_, err = hostsim.New(hostsim.Options{StatePath: path})
		Expect(err).To(MatchError(ContainSubstring("line 1")))
		Expect(strings.Contains(err.Error(), path)).To(BeTrue())
	})
})
