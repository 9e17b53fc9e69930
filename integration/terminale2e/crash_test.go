package terminale2e_test

import (
	"encoding/json"
	"os/exec"
	"strings"
	"syscall"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"github.com/onsi/gomega/gexec"

	"github.com/posemu/posemu/clock"
	"github.com/posemu/posemu/emulator/hostsim"
	"github.com/posemu/posemu/terminal/config"
	"github.com/posemu/posemu/terminal/journal"
)

// The terminal killed with SIGKILL in the middle of a payment, then
// started again: posterm runs as its own process (built with go build) on
// the emulator's devices, everything on the wall clock.
var _ = Describe("posterm killed mid-payment (kill -9) and restarted", Ordered, func() {
	var bin string
	BeforeAll(func() {
		var err error
		bin, err = gexec.Build("github.com/posemu/posemu/cmd/posterm")
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(gexec.CleanupBuildArtifacts)
	})

	var r *rig
	var sess *gexec.Session
	startPosterm := func() {
		cmd := exec.Command(bin, "--devices", r.emu.MapPath(), "--gateway", r.gw, "--state", r.state)
		var err error
		sess, err = gexec.Start(cmd, GinkgoWriter, GinkgoWriter)
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(func() { sess.Terminate().Wait(5 * time.Second) })
	}
	kill := func() {
		sess.Signal(syscall.SIGKILL)
		Eventually(sess, 5*time.Second).Should(gexec.Exit())
		Expect(sess.ExitCode()).To(Equal(128+int(syscall.SIGKILL)), "killed by SIGKILL, not exited")
	}
	journalOf := func() []journal.Entry {
		out, err := exec.Command(bin, "journal", "--state", r.state).Output()
		Expect(err).NotTo(HaveOccurred())
		var es []journal.Entry
		dec := json.NewDecoder(strings.NewReader(string(out)))
		for dec.More() {
			var e journal.Entry
			Expect(dec.Decode(&e)).To(Succeed())
			es = append(es, e)
		}
		return es
	}

	BeforeEach(func() {
		r = &rig{clk: clock.NewVirtual(start), state: GinkgoT().TempDir(), cfg: config.Default()}
		r.emu = newEmulator()
		r.startSim(hostsim.Options{Clock: clock.Real()})
		Expect(r.emu.WriteDeviceMap("")).To(Succeed())
		startPosterm()
		r.signOn()
		r.sale("66", buyerLi)
		r.see("等待买家确认付款")
		kill()
		Expect(r.trades()).To(HaveLen(1))
		Expect(r.trades()[0].Status).To(Equal("WAIT_BUYER_PAY"))
		es := journalOf()
		Expect(es).To(HaveLen(1))
		Expect(es[0].State).To(Equal(journal.Pending), "written before the request left")
	})

	It("finds the buyer paid meanwhile: one trade, one charge, its slips printed at start-up", func() {
		before := r.balance(buyerLi)
		_, err := r.sim.Confirm(buyerLi, r.trades()[0].OutTradeNo)
		Expect(err).NotTo(HaveOccurred())
		startPosterm()
		r.see("按任意键打印持卡人存根")
		r.press("ENTER")
		r.see("已处理 Resolved: 1")
		r.press("ENTER")
		r.see("操作员号 Operator no.")
		Expect(r.trades()).To(HaveLen(1))
		Expect(r.trades()[0].Status).To(Equal("TRADE_SUCCESS"))
		Expect(r.balance(buyerLi)).To(Equal(before - 6600))
		slips := r.receipts()
		Expect(slips).To(HaveLen(2))
		Expect(slips[0]).To(ContainSubstring("RMB 66.00"))
		sess.Terminate().Wait(5 * time.Second)
		es := journalOf()
		Expect(es).To(HaveLen(1))
		Expect(es[0].State).To(Equal(journal.Approved))
		Expect(es[0].Slips).To(Equal(2))
	})

	It("cancels the trade the buyer never confirmed: nothing charged, nothing printed", func() {
		before := r.balance(buyerLi)
		startPosterm()
		r.see("已处理 Resolved: 1")
		r.press("ENTER")
		r.see("操作员号 Operator no.")
		Expect(r.trades()).To(HaveLen(1))
		Expect(r.trades()[0].Status).To(Equal("TRADE_CLOSED"))
		Expect(r.balance(buyerLi)).To(Equal(before))
		Expect(r.receiptCount()).To(BeZero())
		sess.Terminate().Wait(5 * time.Second)
		es := journalOf()
		Expect(es[0].State).To(Equal(journal.Cancelled))

		// The next payment gets the next voucher.
		startPosterm()
		r.signOn()
		r.sale("1", buyerZhang)
		r.finish()
		sess.Terminate().Wait(5 * time.Second)
		es = journalOf()
		Expect(es).To(HaveLen(2))
		Expect(es[1].Voucher).To(Equal(2))
		Expect(es[1].State).To(Equal(journal.Approved))
	})
})
