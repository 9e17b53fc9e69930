package hwcheck_test

import (
	"encoding/json"
	"encoding/xml"
	"os"
	"path/filepath"
	"sync"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/posemu/posemu/harness"
	"github.com/posemu/posemu/hwcheck"
)

func sampleRecord() *hwcheck.Record {
	high := 50.0
	return &hwcheck.Record{
		Schema: hwcheck.RecordSchema, Serial: "SN-1", Verdict: hwcheck.VerdictFail,
		Reasons: []string{"test-slip: paper out"}, Started: time.Unix(1_700_000_000, 0), Duration: hwcheck.Millis(1500 * time.Millisecond),
		Summary: hwcheck.Summary{Checks: 2, Passed: 1, Failed: 1},
		Checks: []hwcheck.CheckResult{
			{Name: "lcd-info", Title: "LCD", Tier: "internal", Verdict: "pass", Duration: hwcheck.Millis(1234567 * time.Nanosecond),
				Measurements: []harness.Measurement{{Name: "lcd_round_trip", Value: 0.5, Unit: "ms", High: &high, Pass: true, Stat: "median", Samples: []float64{0.5}}},
				Attachments:  []hwcheck.AttachmentRef{{Name: "lcd-info.screen.png", Data: []byte("png")}, {Name: "lcd text", Text: "hello"}}},
			{Name: "test-slip", Title: "Slip", Tier: "external", Verdict: "fail", Reason: "paper out", Detail: "long\nstory"},
		},
	}
}

var _ = Describe("records", func() {
	var dir string
	BeforeEach(func() { dir = GinkgoT().TempDir() })

	It("writes <serial>.json with its attachments beside it, and leaves no temporary file", func() {
		path, err := hwcheck.WriteRecord(dir, sampleRecord())
		Expect(err).NotTo(HaveOccurred())
		Expect(path).To(Equal(filepath.Join(dir, "SN-1.json")))
		var back map[string]any
		data, _ := os.ReadFile(path)
		Expect(json.Unmarshal(data, &back)).To(Succeed())
		Expect(back["attempt"]).To(BeEquivalentTo(1))
		checks := back["checks"].([]any)
		c0 := checks[0].(map[string]any)
		Expect(c0["duration_ms"]).To(BeEquivalentTo(1.235))
		Expect(c0["attachments"]).To(ConsistOf(
			map[string]any{"name": "lcd-info.screen.png", "file": "SN-1.lcd-info.screen.png"},
			map[string]any{"name": "lcd text", "text": "hello"}))
		Expect(os.ReadFile(filepath.Join(dir, "SN-1.lcd-info.screen.png"))).To(Equal([]byte("png")))
		entries, _ := os.ReadDir(dir)
		for _, e := range entries {
			Expect(e.Name()).NotTo(HavePrefix("."), "temporary file left behind")
		}
	})

	It("keeps an earlier record of the same serial: a retest is <serial>-2.json, then -3", func() {
		for i, want := range []string{"SN-1.json", "SN-1-2.json", "SN-1-3.json"} {
			path, err := hwcheck.WriteRecord(dir, sampleRecord())
			Expect(err).NotTo(HaveOccurred())
			Expect(filepath.Base(path)).To(Equal(want))
			data, _ := os.ReadFile(path)
			Expect(string(data)).To(ContainSubstring(`"attempt": %d`, i+1))
		}
		Expect(filepath.Join(dir, "SN-1-2.lcd-info.screen.png")).To(BeAnExistingFile())
	})

	It("gives two stations writing the same serial at once two records", func() {
		var wg sync.WaitGroup
		paths := make([]string, 8)
		for i := range paths {
			wg.Add(1)
			go func() {
				defer wg.Done()
				defer GinkgoRecover()
				p, err := hwcheck.WriteRecord(dir, sampleRecord())
				Expect(err).NotTo(HaveOccurred())
				paths[i] = filepath.Base(p)
			}()
		}
		wg.Wait()
		Expect(paths).To(ConsistOf("SN-1.json", "SN-1-2.json", "SN-1-3.json", "SN-1-4.json", "SN-1-5.json", "SN-1-6.json", "SN-1-7.json", "SN-1-8.json"))
	})

	DescribeTable("refuses a serial number that cannot name a file",
		func(s string) { Expect(hwcheck.CheckSerial(s)).To(HaveOccurred()) },
		Entry(nil, ""), Entry(nil, "../etc/passwd"), Entry(nil, "a/b"), Entry(nil, ".hidden"), Entry(nil, "with space"),
		Entry(nil, "12345678901234567890123456789012345678901234567890123456789012345"),
	)

	It("renders JUnit XML: a testcase per check, failures with the reason, measurements in system-out", func() {
		rec := sampleRecord()
		rec.Attempt = 1
		b, err := hwcheck.JUnit(rec)
		Expect(err).NotTo(HaveOccurred())
		var doc struct {
			Tests    int `xml:"tests,attr"`
			Failures int `xml:"failures,attr"`
			Suite    struct {
				Props []struct {
					Name  string `xml:"name,attr"`
					Value string `xml:"value,attr"`
				} `xml:"properties>property"`
				Cases []struct {
					Class   string `xml:"classname,attr"`
					Name    string `xml:"name,attr"`
					Out     string `xml:"system-out"`
					Failure *struct {
						Message string `xml:"message,attr"`
						Body    string `xml:",chardata"`
					} `xml:"failure"`
				} `xml:"testcase"`
			} `xml:"testsuite"`
		}
		Expect(xml.Unmarshal(b, &doc)).To(Succeed())
		Expect(doc.Tests).To(Equal(2))
		Expect(doc.Failures).To(Equal(1))
		Expect(doc.Suite.Cases[0].Class).To(Equal("hwcheck.internal"))
		Expect(doc.Suite.Cases[0].Out).To(ContainSubstring("measurement lcd_round_trip = 0.5 ms (limits ≤ 50 ms): pass"))
		Expect(doc.Suite.Cases[1].Failure.Message).To(Equal("paper out"))
		Expect(doc.Suite.Cases[1].Failure.Body).To(Equal("long\nstory"))
		Expect(doc.Suite.Props).To(ContainElement(HaveField("Name", "serial")))
	})

	It("renders a station that could not run as one errored testcase", func() {
		u := &hwcheck.Unit{Serial: "SN-2"}
		rec := u.StationError(nil, os.ErrNotExist)
		Expect(rec.Verdict).To(Equal(hwcheck.VerdictError))
		b, err := hwcheck.JUnit(rec)
		Expect(err).NotTo(HaveOccurred())
		Expect(string(b)).To(ContainSubstring(`errors="1"`))
		Expect(string(b)).To(ContainSubstring(`<error message="file does not exist" type="station">`))
	})
})
