package control_test

import (
	"io/fs"
	"net/http"
	"regexp"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/posemu/posemu/emulator/control"
)

var _ = Describe("the web page's files", func() {
	var api string
	BeforeEach(func() {
		_, _, api = newAPI(control.Options{})
	})

	get := func(path string) *http.Response {
		GinkgoHelper()
		resp, err := http.Get(api + path)
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(resp.Body.Close)
		return resp
	}

	It("serves the page at the root, locked to its own origin", func() {
		resp := get("/")
		Expect(resp.StatusCode).To(Equal(http.StatusOK))
		Expect(resp.Header.Get("Content-Type")).To(Equal("text/html; charset=utf-8"))
		csp := resp.Header.Get("Content-Security-Policy")
		Expect(csp).To(ContainSubstring("default-src 'self'"))
		Expect(csp).To(ContainSubstring("frame-ancestors 'none'"))
		Expect(resp.Header.Get("X-Frame-Options")).To(Equal("DENY"))
	})

	It("serves the modules as JavaScript, as module scripts require", func() {
		resp := get("/ui/app.js")
		Expect(resp.StatusCode).To(Equal(http.StatusOK))
		Expect(resp.Header.Get("Content-Type")).To(HavePrefix("text/javascript"))
		Expect(get("/ui/style.css").Header.Get("Content-Type")).To(HavePrefix("text/css"))
	})

	It("answers a missing file, a directory and a path escape with the API's JSON 404", func() {
		for _, path := range []string{"/ui/nope.js", "/ui/", "/ui/../web.go", "/ui/%2e%2e/web.go"} {
			status, m := callJSON("GET", api+path, "")
			Expect(status).To(Equal(http.StatusNotFound), path)
			Expect(m).To(HaveKey("error"), path)
		}
	})

	It("leaves the API's own answers alone", func() {
		expectError("GET", api+"/api/v1/nope", "", http.StatusNotFound, "no such endpoint GET /api/v1/nope (see docs/control-api.md)")
		expectError("GET", api+"/index.html", "", http.StatusNotFound, "no such endpoint GET /index.html (see docs/control-api.md)")
		status, _ := call("POST", api+"/", "{}")
		Expect(status).To(Equal(http.StatusMethodNotAllowed))
	})

	It("is refused to a page on another site, as the API is", func() {
		req, err := http.NewRequest("GET", api+"/", nil)
		Expect(err).NotTo(HaveOccurred())
		req.Host = "evil.example:7070" // a DNS-rebinding page
		resp, err := http.DefaultClient.Do(req)
		Expect(err).NotTo(HaveOccurred())
		resp.Body.Close()
		Expect(resp.StatusCode).To(Equal(http.StatusForbidden))
		status, _ := call("GET", api+"/ui/app.js", "", "Origin", "http://evil.example")
		Expect(status).To(Equal(http.StatusForbidden))
	})

	It("references only files it ships, by relative URLs", func() {
		assets := control.WebAssets()
		index, err := fs.ReadFile(assets, "index.html")
		Expect(err).NotTo(HaveOccurred())
		for _, m := range regexp.MustCompile(`(?:src|href)="([^"]+)"`).FindAllStringSubmatch(string(index), -1) {
			ref := m[1]
			if strings.HasPrefix(ref, "data:") || strings.HasPrefix(ref, "api/v1/") {
				continue
			}
			Expect(ref).To(HavePrefix("ui/"), "index.html refers to %s", ref)
			_, err := fs.Stat(assets, strings.TrimPrefix(ref, "ui/"))
			Expect(err).NotTo(HaveOccurred(), "index.html refers to %s", ref)
		}
		imports := regexp.MustCompile(`(?m)^import .* from "\./([^"]+)";`)
		js, err := fs.Glob(assets, "*.js")
		Expect(err).NotTo(HaveOccurred())
		Expect(js).To(ContainElement("app.js"))
		for _, name := range js {
			src, err := fs.ReadFile(assets, name)
			Expect(err).NotTo(HaveOccurred())
			Expect(string(src)).NotTo(MatchRegexp(`https?://`), "%s must not load anything from the internet", name)
			Expect(string(src)).NotTo(ContainSubstring(`"/api/`), "%s must use relative API URLs", name)
			for _, m := range imports.FindAllStringSubmatch(string(src), -1) {
				_, err := fs.Stat(assets, m[1])
				Expect(err).NotTo(HaveOccurred(), "%s imports %s", name, m[1])
			}
		}
	})
})
