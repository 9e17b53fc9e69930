package control_test

import (
	"bufio"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
)

// call makes one request and returns the status and the body.
func call(method, url, body string, header ...string) (int, []byte) {
	GinkgoHelper()
	var r io.Reader
	if body != "" {
		r = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, url, r)
	Expect(err).NotTo(HaveOccurred())
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	Expect(err).NotTo(HaveOccurred())
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	Expect(err).NotTo(HaveOccurred())
	return resp.StatusCode, data
}

// callJSON is call with the body decoded into a map.
func callJSON(method, url, body string, header ...string) (int, map[string]any) {
	GinkgoHelper()
	status, data := call(method, url, body, header...)
	var m map[string]any
	Expect(json.Unmarshal(data, &m)).To(Succeed(), "body: %s", data)
	return status, m
}

// expectError asserts a JSON error answer.
func expectError(method, url, body string, status int, msg string) {
	GinkgoHelper()
	got, m := callJSON(method, url, body)
	Expect(got).To(Equal(status), "answer: %v", m)
	Expect(m).To(HaveKeyWithValue("error", msg))
}

// openHost opens a device's link as the host (a driver) would.
func openHost(link string) *os.File {
	GinkgoHelper()
	f, err := os.OpenFile(link, os.O_RDWR, 0)
	Expect(err).NotTo(HaveOccurred())
	DeferCleanup(f.Close)
	return f
}

// readN reads exactly n bytes the device sent to the host.
func readN(f *os.File, n int) []byte {
	GinkgoHelper()
	Expect(f.SetReadDeadline(time.Now().Add(5 * time.Second))).To(Succeed())
	buf := make([]byte, n)
	_, err := io.ReadFull(f, buf)
	Expect(err).NotTo(HaveOccurred())
	return buf
}

// stream is an open server-sent event stream, read line by line.
type stream struct {
	resp  *http.Response
	lines chan string
}

func openStream(url string, header ...string) *stream {
	GinkgoHelper()
	req, err := http.NewRequest("GET", url, nil)
	Expect(err).NotTo(HaveOccurred())
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	Expect(err).NotTo(HaveOccurred())
	Expect(resp.StatusCode).To(Equal(http.StatusOK))
	Expect(resp.Header.Get("Content-Type")).To(Equal("text/event-stream"))
	s := &stream{resp: resp, lines: make(chan string, 1024)}
	go func() {
		defer close(s.lines)
		r := bufio.NewReader(resp.Body)
		for {
			line, err := r.ReadString('\n')
			if err != nil {
				return
			}
			s.lines <- strings.TrimRight(line, "\n")
		}
	}()
	DeferCleanup(resp.Body.Close)
	// The opening comment comes once the server has subscribed: from here
	// on nothing published is missed.
	Expect(s.next()).To(Equal(": posemu events"))
	Expect(s.next()).To(Equal(""))
	return s
}

// next is the next line; it fails after 5 s without one.
func (s *stream) next() string {
	GinkgoHelper()
	var line string
	Eventually(s.lines, 5*time.Second).Should(Receive(&line), "no line on the event stream")
	return line
}

// sseEvent is one event off the stream.
type sseEvent struct {
	id, kind string
	data     map[string]any
}

// nextEvent skips comments and returns the next whole event.
func (s *stream) nextEvent() sseEvent {
	GinkgoHelper()
	var ev sseEvent
	for {
		line := s.next()
		switch {
		case line == "" && ev.id != "":
			return ev
		case strings.HasPrefix(line, "id: "):
			ev.id = strings.TrimPrefix(line, "id: ")
		case strings.HasPrefix(line, "event: "):
			ev.kind = strings.TrimPrefix(line, "event: ")
		case strings.HasPrefix(line, "data: "):
			Expect(json.Unmarshal([]byte(strings.TrimPrefix(line, "data: ")), &ev.data)).To(Succeed())
		}
	}
}
