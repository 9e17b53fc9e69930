package harness

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/posemu/posemu/clock"
	"github.com/posemu/posemu/terminal/journal"
)

const dump = `goroutine 1 [running]:
main.main()
	/x/main.go:18 +0x9c

goroutine 40 [select]:
github.com/posemu/posemu/terminal.(*App).next(0xc000, {0x1, 0x2}, 0x0, 0x0)
	/x/terminal/input.go:140 +0x1c5
github.com/posemu/posemu/terminal.(*App).key(...)
	/x/terminal/input.go:153
github.com/posemu/posemu/terminal.(*App).mainMenu(0xc000, {0x1, 0x2})
	/x/terminal/menu.go:41 +0x3c5
created by github.com/posemu/posemu/harness.(*termApp).start in goroutine 7
	/x/harness/terminal_app.go:200 +0x66

goroutine 41 [syscall]:
syscall.Syscall6(0x17, 0x8, 0xc0, 0x0, 0x0, 0x0, 0x0)
	/go/src/syscall/syscall_linux.go:91 +0x39
github.com/posemu/posemu/drivers/port.(*serialPort).Read(0xc0, {0xc0, 0x100, 0x100})
	/x/drivers/port/serial.go:80 +0x5
github.com/posemu/posemu/terminal.(*App).startPumps.func2()
	/x/terminal/input.go:81 +0x5
created by github.com/posemu/posemu/terminal.(*App).startPumps in goroutine 40
	/x/terminal/input.go:79 +0x9

goroutine 42 [select, 2 minutes]:
net/http.(*persistConn).roundTrip(0xc0, 0xc0)
	/go/src/net/http/transport.go:2700 +0x9
github.com/posemu/posemu/drivers/payment.(*Client).call(0xc0)
	/x/drivers/payment/client.go:200 +0x9
created by github.com/posemu/posemu/terminal.(*payScreen).start in goroutine 40
	/x/terminal/payscreen.go:73 +0x9

goroutine 43 [IO wait]:
internal/poll.runtime_pollWait(0x7f, 0x72)
	/go/src/runtime/netpoll.go:351 +0x85
created by net/http.(*Transport).dialConn in goroutine 99
	/go/src/net/http/transport.go:1944 +0x174
`

var _ = Describe("the terminal application at rest", func() {
	It("reads a goroutine dump: ids, states, frames and who started each", func() {
		gs := parseGoroutines([]byte(dump))
		Expect(gs).To(HaveLen(5))
		Expect(gs[1].id).To(Equal(int64(40)))
		Expect(gs[1].state).To(Equal("select"))
		Expect(gs[1].frames[0]).To(Equal("github.com/posemu/posemu/terminal.(*App).next"))
		Expect(gs[1].creator).To(Equal("github.com/posemu/posemu/harness.(*termApp).start"))
		Expect(gs[1].parent).To(Equal(int64(7)))
		Expect(gs[3].state).To(Equal("select"), "the wait's length is not part of the state")
	})

	It("takes the goroutine running the application and what it started, not the rest", func() {
		var ids []int64
		for _, g := range tree(parseGoroutines([]byte(dump)), 40) {
			ids = append(ids, g.id)
		}
		Expect(ids).To(Equal([]int64{40, 41, 42}))
	})

	It("knows a goroutine waiting for input, a reader in its read, and one doing work", func() {
		gs := parseGoroutines([]byte(dump))
		Expect(gs[0].busy()).To(ContainSubstring("is running"))
		Expect(gs[1].busy()).To(BeEmpty(), "waiting for a key")
		Expect(gs[2].busy()).To(BeEmpty(), "a keypad or scanner reader blocks in its read")
		Expect(gs[3].busy()).To(Equal("goroutine 42 waits (select) in github.com/posemu/posemu/drivers/payment.(*Client).call"))
	})

	It("tells its own goroutine's id", func() {
		id := goroutineID()
		Expect(id).To(BeNumerically(">", 0))
		found := false
		for _, g := range goroutines() {
			if g.id == id {
				found = g.state == "running"
			}
		}
		Expect(found).To(BeTrue())
	})
})

var _ = Describe("the journal as the harness reads it", func() {
	var dir string
	var clk *clock.Virtual
	BeforeEach(func() {
		dir = GinkgoT().TempDir()
		clk = clock.NewVirtual(DefaultClockStart)
	})
	write := func(f func(j *journal.Journal)) []journal.Entry {
		j, err := journal.Open(dir, journal.Options{Clock: clk})
		Expect(err).NotTo(HaveOccurred())
		f(j)
		es := j.Entries()
		Expect(j.Close()).To(Succeed())
		return es
	}

	It("finds what the terminal's own journal wrote: newest snapshot per entry, closed batches, the open batch", func() {
		want := write(func(j *journal.Journal) {
			e, err := j.Begin(journal.Entry{Kind: journal.Sale, Operator: "01", Amount: 1250, OutTradeNo: "T1", Account: "281234567890123456"})
			Expect(err).NotTo(HaveOccurred())
			e.State, e.TradeNo, e.Slips = journal.Approved, "2026", 2
			_, err = j.Update(e)
			Expect(err).NotTo(HaveOccurred())
			_, err = j.Begin(journal.Entry{Kind: journal.Refund, Operator: "01", Amount: 250, OutTradeNo: "T1", OrigVoucher: 1})
			Expect(err).NotTo(HaveOccurred())
			_, err = j.CloseBatch(true)
			Expect(err).NotTo(HaveOccurred())
		})
		jf, err := readJournal(dir)
		Expect(err).NotTo(HaveOccurred())
		got, _ := json.Marshal(jf.Entries)
		same, _ := json.Marshal(want)
		Expect(string(got)).To(Equal(string(same)))
		Expect(jf.Entries[0].State).To(Equal(journal.Approved))
		Expect(jf.Entries[0].Account).To(Equal("281234********3456"))
		Expect(jf.Closed).To(HaveLen(1))
		Expect(jf.Closed[0].Matched).To(BeTrue())
		Expect(jf.Batch).To(Equal(2))
		Expect(jf.Bad).To(BeZero())
		Expect(string(jf.Raw)).NotTo(ContainSubstring("281234567890123456"))
	})

	It("keeps the closed batches a compaction rewrites", func() {
		write(func(j *journal.Journal) {
			_, err := j.Begin(journal.Entry{Kind: journal.Sale, Amount: 100, OutTradeNo: "T1"})
			Expect(err).NotTo(HaveOccurred())
			_, err = j.CloseBatch(false)
			Expect(err).NotTo(HaveOccurred())
			Expect(j.Compact(func(journal.Entry) bool { return true })).To(Succeed())
		})
		jf, err := readJournal(dir)
		Expect(err).NotTo(HaveOccurred())
		Expect(jf.Closed).To(HaveLen(1))
		Expect(jf.Closed[0].Matched).To(BeFalse())
		Expect(jf.Batch).To(Equal(2))
		Expect(jf.Entries).To(HaveLen(1))
	})

	It("stops at a torn last record and counts what it dropped", func() {
		write(func(j *journal.Journal) {
			_, err := j.Begin(journal.Entry{Kind: journal.Sale, Amount: 100, OutTradeNo: "T1"})
			Expect(err).NotTo(HaveOccurred())
		})
		f, err := os.OpenFile(filepath.Join(dir, journal.FileName), os.O_APPEND|os.O_WRONLY, 0)
		Expect(err).NotTo(HaveOccurred())
		_, err = f.Write([]byte{0xA5, 200, 0, 0, 0, 1, 2})
		Expect(err).NotTo(HaveOccurred())
		Expect(f.Close()).To(Succeed())
		jf, err := readJournal(dir)
		Expect(err).NotTo(HaveOccurred())
		Expect(jf.Entries).To(HaveLen(1))
		Expect(jf.Bad).To(Equal(7))
	})

	It("reads a missing file as an empty journal, and refuses one that is not a journal", func() {
		jf, err := readJournal(dir)
		Expect(err).NotTo(HaveOccurred())
		Expect(jf.Entries).To(BeEmpty())
		Expect(jf.Batch).To(Equal(1))
		_, err = parseJournal([]byte("hello, world"))
		Expect(err).To(MatchError(ContainSubstring("not a journal")))
	})
})

var _ = Describe("the terminal application's configuration in a scenario", func() {
	It("is the TEST configuration with the scenario's changes, its journal where the harness says", func() {
		cfg, err := terminalConfig(map[string]string{"limits.per_trade_max": "100.00", "sign_on.lockout": "30s",
			"payment.subject": "SHOP"}, "/state")
		Expect(err).NotTo(HaveOccurred())
		Expect(int64(cfg.Limits.PerTrade)).To(Equal(int64(10000)))
		Expect(cfg.SignOn.Lockout).To(Equal(30 * time.Second))
		Expect(cfg.Payment.Subject).To(Equal("SHOP"))
		Expect(cfg.StateDir).To(Equal("/state"))
		Expect(cfg.Payment.RequestTimeout).To(Equal(PlatformCallTimeout), "the application's calls are bounded as the harness's own")
		cfg, err = terminalConfig(map[string]string{"payment.request_timeout": "3s"}, "/state")
		Expect(err).NotTo(HaveOccurred())
		Expect(cfg.Payment.RequestTimeout).To(Equal(3 * time.Second))
	})

	It("refuses what the application would refuse, naming the field", func() {
		_, err := terminalConfig(map[string]string{"limits.per_trade_max": "1.234"}, "/s")
		Expect(err).To(MatchError(ContainSubstring("1.234")))
		_, err = terminalConfig(map[string]string{"merchant.number": "12"}, "/s")
		Expect(err).To(MatchError(ContainSubstring("merchant.number")))
		_, err = terminalConfig(map[string]string{"operators.x": "1"}, "/s")
		Expect(err).To(MatchError(`operators.x: "operators" is not a section of the configuration`))
		_, err = terminalConfig(map[string]string{"merchant": "x"}, "/s")
		Expect(err).To(MatchError(ContainSubstring("merchant: is a section")))
		_, err = terminalConfig(map[string]string{"operators.0.password": "1"}, "/s")
		Expect(err).To(HaveOccurred())
	})

	It("refuses an application that does not exist", func() {
		Expect(checkGivenApp(Given{App: "posterm"})).To(MatchError(`app "posterm": the only application is "terminal"`))
		Expect(checkGivenApp(Given{App: AppTerminal})).To(Succeed())
	})

	It("finds a slip's values beside their labels or under them", func() {
		s := printedSlip{lines: []string{"凭证号 VOUCHER:      000001", "参考号 REF:", "2026030222", "凭证号 VOUCHER: 2"}}
		v, ok := s.field("参考号 REF:")
		Expect(ok).To(BeTrue())
		Expect(v).To(Equal("2026030222"))
		v, _ = s.field("凭证号 VOUCHER:")
		Expect(v).To(Equal("000001"))
		Expect(s.count("凭证号 VOUCHER:")).To(Equal(2))
		_, ok = s.field("金额 AMOUNT:")
		Expect(ok).To(BeFalse())
		Expect(strings.Join(s.lines, "")).NotTo(BeEmpty())
	})
})
