package control_test

import (
	"image/png"
	"net/http"
	"path/filepath"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/posemu/posemu/emulator"
	"github.com/posemu/posemu/emulator/control"
)

var _ = Describe("the printer API", func() {
	var (
		emu *emulator.Emulator
		api string
	)
	BeforeEach(func() {
		emu, _, api = newAPI(control.Options{})
	})

	// print sends ESC/POS bytes down the printer's pty, as a driver does,
	// and waits until the printer has taken them all.
	print := func(data string) {
		GinkgoHelper()
		host := openHost(filepath.Join(emu.DevDir(), "printer"))
		before := emu.Printer().Stats().Received
		_, err := host.Write([]byte(data))
		Expect(err).NotTo(HaveOccurred())
		Eventually(func() int64 { return emu.Printer().Stats().Received }).Should(Equal(before + int64(len(data))))
	}

	It("lists receipts with their text, QR payloads and cut, and serves each as a PNG", func() {
		print("\x1b@\x1ba\x01SLIP ONE\n\x1d(k\x07\x001P0PAY1\x1d(k\x03\x001Q0\x1dV\x01\x1ba\x00still printing\n")
		status, m := callJSON("GET", api+"/api/v1/printer/receipts", "")
		Expect(status).To(Equal(http.StatusOK))
		rs := m["receipts"].([]any)
		Expect(rs).To(HaveLen(2))
		first := rs[0].(map[string]any)
		Expect(first).To(HaveKeyWithValue("id", 1.0))
		Expect(first).To(HaveKeyWithValue("cut", "partial"))
		Expect(first).To(HaveKeyWithValue("text", []any{"SLIP ONE"}))
		Expect(first).To(HaveKeyWithValue("qr", []any{"PAY1"}))
		Expect(first).To(HaveKeyWithValue("png", "/api/v1/printer/receipts/1.png"))
		Expect(first["lines"].([]any)[0]).To(HaveKeyWithValue("align", "center"))
		Expect(first).To(HaveKey("time"))
		Expect(rs[1]).To(HaveKeyWithValue("cut", ""))
		Expect(rs[1]).To(HaveKeyWithValue("text", []any{"still printing"}))

		status, one := callJSON("GET", api+"/api/v1/printer/receipts/2", "")
		Expect(status).To(Equal(http.StatusOK))
		Expect(one).To(HaveKeyWithValue("text", []any{"still printing"}))

		for _, id := range []string{"1", "2"} {
			resp, err := http.Get(api + "/api/v1/printer/receipts/" + id + ".png")
			Expect(err).NotTo(HaveOccurred())
			Expect(resp.StatusCode).To(Equal(http.StatusOK))
			Expect(resp.Header.Get("Content-Type")).To(Equal("image/png"))
			img, err := png.Decode(resp.Body)
			resp.Body.Close()
			Expect(err).NotTo(HaveOccurred())
			Expect(img.Bounds().Dx()).To(Equal(384))
		}
	})

	It("answers 404 for a receipt it does not have and 400 for one that is not an id", func() {
		expectError("GET", api+"/api/v1/printer/receipts/7.png", "", http.StatusNotFound, "no receipt 7 (have: ; the paper in the printer is 1)")
		expectError("GET", api+"/api/v1/printer/receipts/7", "", http.StatusNotFound, "no receipt 7 (have: ; the paper in the printer is 1)")
		expectError("GET", api+"/api/v1/printer/receipts/latest.png", "", http.StatusBadRequest, `receipt "latest.png": want a receipt id such as 3 or 3.png`)
	})

	It("tears the roll off", func() {
		print("a\n\x1dV\x00b\n")
		status, m := callJSON("DELETE", api+"/api/v1/printer/receipts", "")
		Expect(status).To(Equal(http.StatusOK))
		Expect(m).To(HaveKeyWithValue("torn_off", 2.0))
		_, m = callJSON("GET", api+"/api/v1/printer/receipts", "")
		Expect(m["receipts"]).To(BeEmpty())
	})

	Describe("faults", func() {
		It("reports the status, with the DLE EOT replies", func() {
			status, m := callJSON("GET", api+"/api/v1/printer/status", "")
			Expect(status).To(Equal(http.StatusOK))
			Expect(m).To(HaveKeyWithValue("online", true))
			Expect(m).To(HaveKeyWithValue("paper", "ok"))
			Expect(m).To(HaveKeyWithValue("dle_eot", []any{18.0, 18.0, 18.0, 18.0}))
			Expect(m).To(HaveKeyWithValue("buffer_size", 4096.0))
			Expect(m).To(HaveKeyWithValue("mode", "gb"))
			Expect(m).To(HaveKey("stats"))
		})

		It("runs the paper out: the host reads it in DLE EOT, the printer holds the job until paper is back", func() {
			status, m := callJSON("POST", api+"/api/v1/printer/paper", `{"state":"out"}`)
			Expect(status).To(Equal(http.StatusOK))
			Expect(m).To(HaveKeyWithValue("online", false))
			Expect(m).To(HaveKeyWithValue("dle_eot", []any{26.0, 50.0, 18.0, 126.0}))

			host := openHost(filepath.Join(emu.DevDir(), "printer"))
			_, err := host.Write([]byte("held\n\x10\x04\x04"))
			Expect(err).NotTo(HaveOccurred())
			Expect(readN(host, 1)).To(Equal([]byte{0x7E}))
			_, m = callJSON("GET", api+"/api/v1/printer/status", "")
			Expect(m).To(HaveKeyWithValue("buffered", 8.0))
			_, m = callJSON("GET", api+"/api/v1/printer/receipts", "")
			Expect(m["receipts"]).To(BeEmpty())

			status, m = callJSON("POST", api+"/api/v1/printer/paper", `{"state":"ok"}`)
			Expect(status).To(Equal(http.StatusOK))
			Expect(m).To(HaveKeyWithValue("online", true))
			_, m = callJSON("GET", api+"/api/v1/printer/receipts", "")
			Expect(m["receipts"].([]any)[0]).To(HaveKeyWithValue("text", []any{"held"}))
		})

		It("opens the cover and jams the cutter", func() {
			_, m := callJSON("POST", api+"/api/v1/printer/cover", `{"open":true}`)
			Expect(m).To(HaveKeyWithValue("cover_open", true))
			Expect(m).To(HaveKeyWithValue("online", false))
			_, m = callJSON("POST", api+"/api/v1/printer/cover", `{"open":false}`)
			Expect(m).To(HaveKeyWithValue("online", true))
			_, m = callJSON("POST", api+"/api/v1/printer/cutter", `{"jammed":true}`)
			Expect(m).To(HaveKeyWithValue("cutter_jammed", true))
			Expect(m).To(HaveKeyWithValue("dle_eot", []any{58.0, 82.0, 26.0, 18.0}))
		})

		DescribeTable("refuses a bad request with a 400 that says what is wrong",
			func(path, body, msg string) {
				expectError("POST", api+"/api/v1/printer/"+path, body, http.StatusBadRequest, msg)
				Expect(emu.Printer().Status().Online).To(BeTrue(), "nothing changed")
			},
			Entry("unknown paper state", "paper", `{"state":"wet"}`, `paper state "wet" is not ok, near-end or out`),
			Entry("no state", "paper", `{}`, `no state: expected {"state":"ok"} (or "near-end", "out")`),
			Entry("empty body", "paper", ``, `empty body: expected a JSON object such as {"state":"ok"} (or "near-end", "out")`),
			Entry("unknown field", "cover", `{"closed":true}`, `unknown field "closed" (expected fields: open)`),
			Entry("no open", "cover", `{}`, `no open: expected {"open":true}`),
			Entry("open not a bool", "cover", `{"open":"yes"}`, `bad JSON at byte 13: field "open" must be bool, not a string`),
			Entry("no jammed", "cutter", `{}`, `no jammed: expected {"jammed":true}`),
			Entry("bad JSON", "cutter", `{"jammed":tru}`, `bad JSON at byte 14: invalid character '}' in literal true (expecting 'e')`),
		)

		It("answers 405 with the methods that work", func() {
			expectError("PUT", api+"/api/v1/printer/paper", `{}`, http.StatusMethodNotAllowed,
				"method PUT not allowed on /api/v1/printer/paper (allowed: POST)")
			expectError("POST", api+"/api/v1/printer/receipts", `{}`, http.StatusMethodNotAllowed,
				"method POST not allowed on /api/v1/printer/receipts (allowed: DELETE, GET)")
		})
	})

	It("publishes printer events on the stream", func() {
		s := openStream(api + "/api/v1/events")
		Expect(emu.Printer().SetPaper("near-end")).To(Succeed())
		ev := s.nextEvent()
		Expect(ev.kind).To(Equal("status"))
		Expect(ev.data).To(HaveKeyWithValue("device", "printer"))
		print("x\n\x1dV\x00")
		for ev = s.nextEvent(); ev.kind != "receipt"; ev = s.nextEvent() {
		}
		Expect(ev.data["detail"]).To(HaveKeyWithValue("lines", 1.0))
	})
})
