package control_test

import (
	"bytes"
	"encoding/hex"
	"image/png"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/posemu/posemu/emulator"
	"github.com/posemu/posemu/emulator/control"
)

const validKeys = "0, 1, 2, 3, 4, 5, 6, 7, 8, 9, ., 00, ENTER, CANCEL, CLEAR, BACKSPACE, ALPHA, UP, DOWN, FN, MENU"

// newAPI starts an emulator and its control API on an httptest server.
func newAPI(opts control.Options) (*emulator.Emulator, *control.Server, string) {
	GinkgoHelper()
	emu, err := emulator.New(emulator.Config{DevDir: GinkgoT().TempDir()})
	Expect(err).NotTo(HaveOccurred())
	DeferCleanup(emu.Close)
	srv := control.NewServer(emu, opts)
	ts := httptest.NewServer(srv)
	DeferCleanup(ts.Close)
	DeferCleanup(srv.Close) // first: ends event streams, which ts.Close waits for
	return emu, srv, ts.URL
}

var _ = Describe("the control API", func() {
	var (
		emu *emulator.Emulator
		api string
	)
	BeforeEach(func() {
		emu, _, api = newAPI(control.Options{})
	})

	Describe("devices", func() {
		It("lists the device map, with the address it was reached at", func() {
			status, m := callJSON("GET", api+"/api/v1/devices", "")
			Expect(status).To(Equal(http.StatusOK))
			Expect(m).To(HaveKeyWithValue("control_api", api))
			Expect(m).To(HaveKeyWithValue("profile", "lakala-default"))
			Expect(m).To(HaveKeyWithValue("devdir", emu.DevDir()))
			devs := m["devices"].(map[string]any)
			Expect(devs).To(HaveLen(5))
			Expect(devs["keypad"]).To(HaveKeyWithValue("link", filepath.Join(emu.DevDir(), "keypad")))
		})

		It("describes one device", func() {
			status, m := callJSON("GET", api+"/api/v1/devices/scanner", "")
			Expect(status).To(Equal(http.StatusOK))
			Expect(m).To(HaveKeyWithValue("name", "scanner"))
			Expect(m).To(HaveKeyWithValue("plugged", true))
			Expect(m["path"]).To(HavePrefix("/dev/pts/"))
		})

		It("unplugs and replugs a device", func() {
			status, m := callJSON("POST", api+"/api/v1/devices/printer/unplug", "")
			Expect(status).To(Equal(http.StatusOK))
			Expect(m).To(HaveKeyWithValue("plugged", false))
			Expect(m).To(HaveKeyWithValue("path", ""))
			Expect(filepath.Join(emu.DevDir(), "printer")).NotTo(BeAnExistingFile())

			status, m = callJSON("POST", api+"/api/v1/devices/printer/replug", "")
			Expect(status).To(Equal(http.StatusOK))
			Expect(m).To(HaveKeyWithValue("plugged", true))
			Expect(filepath.Join(emu.DevDir(), "printer")).To(BeAnExistingFile())
		})

		It("answers 404 naming the devices for an unknown one", func() {
			msg := `unknown device "modem" (devices: lcd, custdisplay, keypad, scanner, printer)`
			expectError("POST", api+"/api/v1/devices/modem/unplug", "", http.StatusNotFound, msg)
			expectError("POST", api+"/api/v1/devices/modem/replug", "", http.StatusNotFound, msg)
			expectError("GET", api+"/api/v1/devices/modem", "", http.StatusNotFound, msg)
		})
	})

	Describe("keypad", func() {
		It("presses keys: the host reads their codes", func() {
			host := openHost(filepath.Join(emu.DevDir(), "keypad"))
			status, m := callJSON("POST", api+"/api/v1/keypad/press", `{"keys":["1","2",".","5","enter"]}`)
			Expect(status).To(Equal(http.StatusOK))
			Expect(m).To(HaveKeyWithValue("pressed", []any{"1", "2", ".", "5", "ENTER"}))
			Expect(readN(host, 5)).To(Equal([]byte("12.5\r")))
		})

		It("types a sequence", func() {
			host := openHost(filepath.Join(emu.DevDir(), "keypad"))
			status, m := callJSON("POST", api+"/api/v1/keypad/press", `{"sequence":"12.5 00 ENTER"}`)
			Expect(status).To(Equal(http.StatusOK))
			Expect(m).To(HaveKeyWithValue("pressed", []any{"1", "2", ".", "5", "00", "ENTER"}))
			Expect(readN(host, 6)).To(Equal([]byte("12.5:\r")))
		})

		It("lists the key map", func() {
			status, m := callJSON("GET", api+"/api/v1/keypad/keys", "")
			Expect(status).To(Equal(http.StatusOK))
			Expect(m["keys"]).To(ContainElement(HaveKeyWithValue("name", "ENTER")))
		})

		DescribeTable("refuses a bad press with a 400 that says what is wrong",
			func(body, msg string) {
				expectError("POST", api+"/api/v1/keypad/press", body, http.StatusBadRequest, msg)
				Expect(emu.Keypad().Pressed()).To(BeZero(), "nothing is sent")
			},
			Entry("unknown key", `{"keys":["1","F13"]}`, `unknown key "F13" (valid: `+validKeys+`)`),
			Entry("unknown key in a sequence", `{"sequence":"12 PAY"}`, `unknown key "PAY" (valid: `+validKeys+`)`),
			Entry("bad JSON", `{"keys":["1",]}`, `bad JSON at byte 14: invalid character ']' looking for beginning of value`),
			Entry("truncated JSON", `{"keys":["1"`, `bad JSON at byte 12: the body ends before the object does`),
			Entry("empty body", ``, `empty body: expected a JSON object such as {"keys":["1","2",".","5","ENTER"]} or {"sequence":"12.5 ENTER"}`),
			Entry("unknown field", `{"key":["1"]}`, `unknown field "key" (expected fields: keys, sequence)`),
			Entry("wrong type", `{"keys":"12"}`, `bad JSON at byte 12: field "keys" must be an array of strings, not a string`),
			Entry("not an object", `["1"]`, `bad JSON at byte 1: expected an object such as {"keys":["1","2",".","5","ENTER"]} or {"sequence":"12.5 ENTER"}, not an array`),
			Entry("both forms", `{"keys":["1"],"sequence":"1"}`, `give either keys or sequence, not both`),
			Entry("neither", `{}`, `no keys: expected {"keys":["1","2",".","5","ENTER"]} or {"sequence":"12.5 ENTER"}`),
			Entry("no keys", `{"keys":[]}`, `keys is empty: name at least one key`),
			Entry("blank sequence", `{"sequence":"  "}`, `keypad: sequence "  " has no keys`),
			Entry("trailing data", `{"keys":["1"]} {}`, `bad JSON at byte 16: unexpected data after the object`),
		)

		It("answers 409 while the keypad is unplugged", func() {
			Expect(emu.Unplug("keypad")).To(Succeed())
			expectError("POST", api+"/api/v1/keypad/press", `{"keys":["1"]}`, http.StatusConflict,
				"keypad is unplugged; replug it with POST /api/v1/devices/keypad/replug")
		})

		It("refuses an oversized body", func() {
			body := `{"sequence":"` + strings.Repeat("1", 70000) + `"}`
			expectError("POST", api+"/api/v1/keypad/press", body, http.StatusRequestEntityTooLarge, "body is larger than 65536 bytes")
		})
	})

	Describe("displays", func() {
		It("shows what the host drew on the LCD, as text and as a PNG", func() {
			host := openHost(filepath.Join(emu.DevDir(), "lcd"))
			// docs/protocols/lcd.md's TEXT example: 确认, centred, size 2.
			frame, err := hex.DecodeString("0202120020B800002800400102020000FFFFE7A1AEE8AEA4C509")
			Expect(err).NotTo(HaveOccurred())
			_, err = host.Write(frame)
			Expect(err).NotTo(HaveOccurred())
			Expect(readN(host, 8)[4]).To(Equal(byte(0x06)), "the LCD acknowledges the frame")

			status, m := callJSON("GET", api+"/api/v1/lcd", "")
			Expect(status).To(Equal(http.StatusOK))
			Expect(m).To(HaveKeyWithValue("width", BeNumerically("==", 320)))
			Expect(m).To(HaveKeyWithValue("height", BeNumerically("==", 240)))
			Expect(m).To(HaveKey("backlight"))
			Expect(m).To(HaveKeyWithValue("lines", []any{"确认"}))
			Expect(m["items"]).To(ConsistOf(And(
				HaveKeyWithValue("text", "确认"),
				HaveKeyWithValue("y", BeNumerically("==", 40)),
				HaveKeyWithValue("size", BeNumerically("==", 2)),
			)))

			req, _ := http.NewRequest("GET", api+"/api/v1/lcd.png", nil)
			resp, err := http.DefaultClient.Do(req)
			Expect(err).NotTo(HaveOccurred())
			defer resp.Body.Close()
			Expect(resp.StatusCode).To(Equal(http.StatusOK))
			Expect(resp.Header.Get("Content-Type")).To(Equal("image/png"))
			img, err := png.Decode(resp.Body)
			Expect(err).NotTo(HaveOccurred())
			Expect(img.Bounds().Dx()).To(Equal(320))
			Expect(img.Bounds().Dy()).To(Equal(240))
		})

		It("answers an empty LCD with empty lists, not null", func() {
			_, data := call("GET", api+"/api/v1/lcd", "")
			Expect(string(data)).To(ContainSubstring(`"lines":[]`))
			Expect(string(data)).To(ContainSubstring(`"items":[]`))
		})

		It("shows the customer display", func() {
			host := openHost(filepath.Join(emu.DevDir(), "custdisplay"))
			_, err := host.Write([]byte("\x0cTOTAL 12.50"))
			Expect(err).NotTo(HaveOccurred())
			Eventually(func() []string { return emu.CustDisplay().Lines() }).Should(HaveExactElements("TOTAL 12.50", ""))

			status, m := callJSON("GET", api+"/api/v1/custdisplay", "")
			Expect(status).To(Equal(http.StatusOK))
			Expect(m).To(HaveKeyWithValue("lines", []any{"TOTAL 12.50", ""}))
			Expect(m).To(HaveKeyWithValue("columns", BeNumerically("==", 20)))
			Expect(m).To(HaveKeyWithValue("rows", BeNumerically("==", 2)))
			Expect(m["cursor"]).To(And(HaveKeyWithValue("col", BeNumerically("==", 12)), HaveKeyWithValue("row", BeNumerically("==", 1))))
			Expect(m).To(HaveKey("brightness"))
		})
	})

	Describe("scanner", func() {
		It("scans a code: the host reads it with the profile's suffix", func() {
			host := openHost(filepath.Join(emu.DevDir(), "scanner"))
			status, m := callJSON("POST", api+"/api/v1/scanner/scan", `{"code":"286612345678901234"}`)
			Expect(status).To(Equal(http.StatusOK))
			Expect(m).To(HaveKeyWithValue("scanned", "286612345678901234"))
			Expect(string(readN(host, 19))).To(Equal("286612345678901234\r"))
		})

		DescribeTable("refuses a bad scan with a 400",
			func(body, msg string) {
				expectError("POST", api+"/api/v1/scanner/scan", body, http.StatusBadRequest, msg)
			},
			Entry("no code", `{}`, `no code: expected {"code":"286612345678901234"}`),
			Entry("code not a string", `{"code":2866}`, `bad JSON at byte 12: field "code" must be a string, not a number`),
			Entry("control byte in the code", `{"code":"12\u000134"}`, `scanner: code has non-printable byte 0x01 at offset 2 (only printable ASCII is scanned)`),
			Entry("empty code", `{"code":""}`, `scanner: empty code`),
			Entry("unknown field", `{"data":"1"}`, `unknown field "data" (expected fields: code)`),
		)

		It("answers 409 while the scanner is unplugged", func() {
			Expect(emu.Unplug("scanner")).To(Succeed())
			expectError("POST", api+"/api/v1/scanner/scan", `{"code":"1"}`, http.StatusConflict,
				"scanner is unplugged; replug it with POST /api/v1/devices/scanner/replug")
		})
	})

	Describe("routing", func() {
		It("answers an unknown path with a JSON 404", func() {
			expectError("GET", api+"/api/v1/printer/ink", "", http.StatusNotFound, "no such endpoint GET /api/v1/printer/ink (see docs/control-api.md)")
			expectError("GET", api+"/nope", "", http.StatusNotFound, "no such endpoint GET /nope (see docs/control-api.md)")
		})

		It("answers a wrong method with a JSON 405 and Allow", func() {
			expectError("GET", api+"/api/v1/keypad/press", "", http.StatusMethodNotAllowed, "method GET not allowed on /api/v1/keypad/press (allowed: POST)")
			expectError("DELETE", api+"/api/v1/lcd", "", http.StatusMethodNotAllowed, "method DELETE not allowed on /api/v1/lcd (allowed: GET)")
			req, _ := http.NewRequest("PUT", api+"/api/v1/devices/lcd/unplug", nil)
			resp, err := http.DefaultClient.Do(req)
			Expect(err).NotTo(HaveOccurred())
			resp.Body.Close()
			Expect(resp.StatusCode).To(Equal(http.StatusMethodNotAllowed))
			Expect(resp.Header.Get("Allow")).To(Equal("POST"))
		})

		It("refuses requests addressed to a name that is not loopback (DNS rebinding)", func() {
			req, _ := http.NewRequest("GET", api+"/api/v1/lcd", nil)
			req.Host = "evil.example:7070"
			resp, err := http.DefaultClient.Do(req)
			Expect(err).NotTo(HaveOccurred())
			defer resp.Body.Close()
			Expect(resp.StatusCode).To(Equal(http.StatusForbidden))
			var buf bytes.Buffer
			buf.ReadFrom(resp.Body)
			Expect(buf.String()).To(ContainSubstring(`Host \"evil.example:7070\" is not a loopback name`))
		})

		It("refuses cross-site requests from a page that is not loopback", func() {
			status, m := callJSON("POST", api+"/api/v1/keypad/press", `{"keys":["1"]}`, "Origin", "https://evil.example")
			Expect(status).To(Equal(http.StatusForbidden))
			Expect(m).To(HaveKeyWithValue("error", `Origin "https://evil.example" is not a loopback page: the control API refuses cross-site requests`))
			Expect(emu.Keypad().Pressed()).To(BeZero())
			status, _ = callJSON("GET", api+"/api/v1/devices", "", "Origin", "http://localhost:7070")
			Expect(status).To(Equal(http.StatusOK))
		})
	})
})
