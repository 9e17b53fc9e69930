package journal_test

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/posemu/posemu/clock"
	"github.com/posemu/posemu/terminal/journal"
)

var _ = Describe("Journal", func() {
	var (
		dir string
		clk *clock.Virtual
		j   *journal.Journal
	)
	start := time.Date(2025, 3, 1, 9, 0, 0, 0, time.UTC)

	open := func() *journal.Journal {
		jj, err := journal.Open(dir, journal.Options{Clock: clk})
		Expect(err).NotTo(HaveOccurred())
		return jj
	}
	sale := func(amount int64) journal.Entry {
		e, err := j.Begin(journal.Entry{Kind: journal.Sale, Operator: "01", Amount: amount,
			OutTradeNo: "T1", Account: "286012345678901234"})
		Expect(err).NotTo(HaveOccurred())
		return e
	}

	BeforeEach(func() {
		dir = GinkgoT().TempDir()
		clk = clock.NewVirtual(start)
		j = open()
		DeferCleanup(func() { j.Close() })
	})

	It("numbers vouchers from 000001 in batch 000001 and keeps counting after a restart", func() {
		a, b := sale(100), sale(200)
		Expect(a.Voucher).To(Equal(1))
		Expect(b.Voucher).To(Equal(2))
		Expect(a.VoucherNo()).To(Equal("000001"))
		Expect(a.BatchNo()).To(Equal("000001"))
		Expect(a.State).To(Equal(journal.Pending))
		Expect(j.Close()).To(Succeed())
		j = open()
		Expect(j.Entries()).To(HaveLen(2))
		Expect(sale(300).Voucher).To(Equal(3))
	})

	It("keeps the newest snapshot of each entry", func() {
		e := sale(100)
		clk.Advance(time.Second)
		e.State, e.TradeNo = journal.Approved, "2025030122001"
		u, err := j.Update(e)
		Expect(err).NotTo(HaveOccurred())
		Expect(u.Updated).To(Equal(start.Add(time.Second)))
		Expect(j.Close()).To(Succeed())
		j = open()
		got, ok := j.ByVoucher(1)
		Expect(ok).To(BeTrue())
		Expect(got.State).To(Equal(journal.Approved))
		Expect(got.TradeNo).To(Equal("2025030122001"))
		Expect(got.Created).To(BeTemporally("==", start))
	})

	It("refuses to update an entry that was never begun", func() {
		_, err := j.Update(journal.Entry{ID: 42})
		Expect(err).To(MatchError(ContainSubstring("never begun")))
	})

	It("never writes a full payment code", func() {
		e := sale(100)
		Expect(e.Account).To(Equal("286012********1234"))
		e.Account = "286012345678901234" // a careless caller
		_, err := j.Update(e)
		Expect(err).NotTo(HaveOccurred())
		data, err := os.ReadFile(j.Path())
		Expect(err).NotTo(HaveOccurred())
		Expect(string(data)).NotTo(ContainSubstring("286012345678901234"))
		Expect(string(data)).To(ContainSubstring("286012********1234"))
	})

	It("masks codes to first 6 and last 4 at most", func() {
		Expect(journal.MaskCode("286012345678901234")).To(Equal("286012********1234"))
		Expect(journal.MaskCode("286012********1234")).To(Equal("286012********1234"))
		Expect(journal.MaskCode("12345678")).To(Equal("****5678"))
		Expect(journal.MaskCode("1234")).To(Equal("1234"))
		Expect(journal.MaskCode("")).To(Equal(""))
	})

	It("lists in-doubt entries and owed slips", func() {
		a, b, c := sale(100), sale(200), sale(300)
		a.State, a.Slips = journal.Approved, 2
		b.State = journal.InDoubt
		c.State, c.Slips = journal.Approved, 1
		for _, e := range []journal.Entry{a, b, c} {
			_, err := j.Update(e)
			Expect(err).NotTo(HaveOccurred())
		}
		d := sale(400) // still pending: the terminal died mid-request
		Expect(j.InDoubt()).To(HaveLen(2))
		Expect(j.InDoubt()[0].ID).To(Equal(b.ID))
		Expect(j.InDoubt()[1].ID).To(Equal(d.ID))
		Expect(j.SlipsOwed()).To(HaveLen(1))
		Expect(j.SlipsOwed()[0].ID).To(Equal(c.ID))
		last, _ := j.Last()
		Expect(last.ID).To(Equal(d.ID))
	})

	It("keeps a slip started but not finished across a restart", func() {
		e := sale(100)
		e.State, e.Slips, e.SlipStarted = journal.Approved, 1, true // the customer copy went to the printer
		_, err := j.Update(e)
		Expect(err).NotTo(HaveOccurred())
		Expect(j.Close()).To(Succeed())
		j = open()
		owed := j.SlipsOwed()
		Expect(owed).To(HaveLen(1))
		Expect(owed[0].Slips).To(Equal(1))
		Expect(owed[0].SlipStarted).To(BeTrue())
	})

	It("sums refunds of a sale and the batch totals", func() {
		s := sale(1000)
		s.State = journal.Approved
		_, _ = j.Update(s)
		r, err := j.Begin(journal.Entry{Kind: journal.Refund, Amount: 300, OrigID: s.ID, OrigVoucher: s.Voucher})
		Expect(err).NotTo(HaveOccurred())
		Expect(j.Refunded(s.ID)).To(BeZero())
		r.State = journal.Approved
		_, _ = j.Update(r)
		Expect(j.Refunded(s.ID)).To(Equal(int64(300)))
		q, _ := j.Begin(journal.Entry{Kind: journal.SaleQR, Amount: 50})
		q.State = journal.Approved
		_, _ = j.Update(q)
		d, _ := j.Begin(journal.Entry{Kind: journal.Sale, Amount: 70})
		d.State = journal.Declined
		_, _ = j.Update(d)
		t := j.Totals(1)
		Expect(t.SaleCount).To(Equal(2))
		Expect(t.SaleAmount).To(Equal(int64(1050)))
		Expect(t.CodeAmount).To(Equal(int64(1000)))
		Expect(t.QRAmount).To(Equal(int64(50)))
		Expect(t.RefundAmount).To(Equal(int64(300)))
		Expect(t.Net()).To(Equal(int64(750)))
		Expect(j.SalesSince(start)).To(Equal(int64(750)))
		Expect(j.SalesSince(start.Add(time.Hour))).To(BeZero())
	})

	It("closes a batch and opens the next, across restarts", func() {
		s := sale(500)
		s.State = journal.Approved
		_, _ = j.Update(s)
		c, err := j.CloseBatch(true)
		Expect(err).NotTo(HaveOccurred())
		Expect(c.Batch).To(Equal(1))
		Expect(c.Totals.SaleAmount).To(Equal(int64(500)))
		Expect(j.Batch()).To(Equal(2))
		n := sale(100)
		Expect(n.Batch).To(Equal(2))
		Expect(n.Voucher).To(Equal(2)) // the voucher runs on across batches
		_, err = j.CloseBatch(false)
		Expect(err).NotTo(HaveOccurred())
		Expect(j.Close()).To(Succeed())
		j = open()
		Expect(j.Batch()).To(Equal(3))
		Expect(j.Closed()).To(HaveLen(2))
		Expect(j.Closed()[0].Matched).To(BeTrue())
		Expect(j.Closed()[1].Totals.SaleCount).To(Equal(0))
		Expect(sale(1).Voucher).To(Equal(3))
	})

	It("wraps the voucher and batch after 999999", func() {
		Expect(j.SetCounters(999998, 999999)).To(Succeed())
		Expect(sale(1).Voucher).To(Equal(999999))
		Expect(sale(1).Voucher).To(Equal(1))
		_, err := j.CloseBatch(true)
		Expect(err).NotTo(HaveOccurred())
		Expect(j.Batch()).To(Equal(1))
		Expect(j.Close()).To(Succeed())
		j = open()
		Expect(j.NextVoucher()).To(Equal(2))
		e, ok := j.ByVoucher(1)
		Expect(ok).To(BeTrue())
		Expect(e.Batch).To(Equal(999999))
	})

	It("lets only one process hold the journal", func() {
		_, err := journal.Open(dir, journal.Options{Clock: clk})
		Expect(errors.Is(err, journal.ErrLocked)).To(BeTrue())
	})

	Describe("after a crash", func() {
		// Three committed entries, then a fourth whose record the crash tore.
		var whole []byte
		var lastStart int
		BeforeEach(func() {
			for i := 1; i <= 3; i++ {
				sale(int64(i * 100))
			}
			info, err := os.Stat(j.Path())
			Expect(err).NotTo(HaveOccurred())
			lastStart = int(info.Size())
			sale(400)
			Expect(j.Close()).To(Succeed())
			whole, err = os.ReadFile(filepath.Join(dir, journal.FileName))
			Expect(err).NotTo(HaveOccurred())
		})

		It("drops a last record torn at any byte, keeps the rest and carries on", func() {
			for cut := lastStart; cut < len(whole); cut++ {
				Expect(os.WriteFile(filepath.Join(dir, journal.FileName), whole[:cut], 0o600)).To(Succeed())
				jj, err := journal.Open(dir, journal.Options{Clock: clk})
				Expect(err).NotTo(HaveOccurred(), "cut at %d", cut)
				Expect(jj.Entries()).To(HaveLen(3), "cut at %d", cut)
				Expect(jj.Torn()).To(Equal(cut-lastStart), "cut at %d", cut)
				e, err := jj.Begin(journal.Entry{Kind: journal.Sale, Amount: 1})
				Expect(err).NotTo(HaveOccurred())
				Expect(e.Voucher).To(Equal(4), "the torn entry's voucher is free again")
				Expect(jj.Close()).To(Succeed())
				jj, err = journal.Open(dir, journal.Options{Clock: clk})
				Expect(err).NotTo(HaveOccurred())
				Expect(jj.Entries()).To(HaveLen(4))
				Expect(jj.Torn()).To(BeZero())
				Expect(jj.Close()).To(Succeed())
			}
			j = open()
		})

		It("survives a crash while the header was written", func() {
			for cut := 0; cut < len(journal.Magic); cut++ {
				Expect(os.WriteFile(filepath.Join(dir, journal.FileName), whole[:cut], 0o600)).To(Succeed())
				jj, err := journal.Open(dir, journal.Options{Clock: clk})
				Expect(err).NotTo(HaveOccurred(), "cut at %d", cut)
				Expect(jj.Entries()).To(BeEmpty())
				Expect(jj.Close()).To(Succeed())
			}
			j = open()
		})

		It("drops zeros the file system left after the last record", func() {
			padded := append(append([]byte{}, whole...), make([]byte, 4096)...)
			Expect(os.WriteFile(filepath.Join(dir, journal.FileName), padded, 0o600)).To(Succeed())
			j = open()
			Expect(j.Entries()).To(HaveLen(4))
			Expect(j.Torn()).To(Equal(4096))
		})

		It("reports damage in the middle instead of guessing", func() {
			bad := append([]byte{}, whole...)
			bad[lastStart-3] ^= 0xFF // inside the third record
			Expect(os.WriteFile(filepath.Join(dir, journal.FileName), bad, 0o600)).To(Succeed())
			_, err := journal.Open(dir, journal.Options{Clock: clk})
			var ce *journal.CorruptError
			Expect(errors.As(err, &ce)).To(BeTrue())
			Expect(ce.Offset).To(BeNumerically(">", 0))
			Expect(err.Error()).To(ContainSubstring("followed by a good one"))
			Expect(os.WriteFile(filepath.Join(dir, journal.FileName), whole, 0o600)).To(Succeed())
			j = open()
		})

		It("refuses a file that is not a journal", func() {
			Expect(os.WriteFile(filepath.Join(dir, journal.FileName), []byte("hello, world"), 0o600)).To(Succeed())
			_, err := journal.Open(dir, journal.Options{Clock: clk})
			Expect(err).To(MatchError(ContainSubstring("not a journal")))
			Expect(os.WriteFile(filepath.Join(dir, journal.FileName), whole, 0o600)).To(Succeed())
			j = open()
		})
	})

	It("frames records so that decode returns them", func() {
		data := journal.Frame(journal.Frame([]byte(journal.Magic), []byte("a")), []byte("{}"))
		p, valid, torn, err := journal.Decode(data)
		Expect(err).NotTo(HaveOccurred())
		Expect(p).To(Equal([][]byte{[]byte("a"), []byte("{}")}))
		Expect(valid).To(Equal(len(data)))
		Expect(torn).To(BeZero())
		Expect(bytes.HasPrefix(data, []byte("POSJRNL"))).To(BeTrue())
	})
})

var _ = Describe("Begin with a voucher", func() {
	It("accepts the next voucher and refuses any other", func() {
		j, err := journal.Open(GinkgoT().TempDir(), journal.Options{})
		Expect(err).NotTo(HaveOccurred())
		defer j.Close()
		e, err := j.Begin(journal.Entry{Kind: journal.Sale, Voucher: j.NextVoucher()})
		Expect(err).NotTo(HaveOccurred())
		Expect(e.Voucher).To(Equal(1))
		_, err = j.Begin(journal.Entry{Kind: journal.Sale, Voucher: 1})
		Expect(err).To(MatchError(ContainSubstring("next voucher is 000002")))
	})
})

var _ = Describe("Compact", func() {
	It("keeps what it is asked to, what is unfinished, and the counters", func() {
		dir := GinkgoT().TempDir()
		j, err := journal.Open(dir, journal.Options{})
		Expect(err).NotTo(HaveOccurred())
		var ids []uint64
		for i := 0; i < 6; i++ {
			e, err := j.Begin(journal.Entry{Kind: journal.Sale, Amount: int64(i + 1)})
			Expect(err).NotTo(HaveOccurred())
			switch i {
			case 1:
				e.State = journal.InDoubt
			case 2:
				e.State, e.Slips = journal.Approved, 1 // owes the customer copy
			default:
				e.State, e.Slips = journal.Approved, 2
			}
			_, err = j.Update(e)
			Expect(err).NotTo(HaveOccurred())
			ids = append(ids, e.ID)
		}
		_, err = j.CloseBatch(true)
		Expect(err).NotTo(HaveOccurred())
		before, _ := os.Stat(j.Path())
		Expect(j.Compact(func(e journal.Entry) bool { return e.Amount == 6 })).To(Succeed())
		after, _ := os.Stat(j.Path())
		Expect(after.Size()).To(BeNumerically("<", before.Size()))
		var kept []int64
		for _, e := range j.Entries() {
			kept = append(kept, e.Amount)
		}
		Expect(kept).To(Equal([]int64{2, 3, 6}))

		e, err := j.Begin(journal.Entry{Kind: journal.Sale, Amount: 7})
		Expect(err).NotTo(HaveOccurred())
		Expect(e.Voucher).To(Equal(7))
		Expect(e.Batch).To(Equal(2))
		Expect(j.Close()).To(Succeed())

		j, err = journal.Open(dir, journal.Options{})
		Expect(err).NotTo(HaveOccurred())
		defer j.Close()
		Expect(j.Entries()).To(HaveLen(4))
		Expect(j.NextVoucher()).To(Equal(8), "an old entry listed after the counters does not move them back")
		Expect(j.Batch()).To(Equal(2))
		Expect(j.Closed()).To(HaveLen(1))
		Expect(j.InDoubt()).To(HaveLen(2)) // the one kept, and the new one never updated
		_, err = os.Stat(j.Path() + ".compact")
		Expect(os.IsNotExist(err)).To(BeTrue())
	})
})
