package control_test

import (
	"context"
	"encoding/json"
	"net/http"
	"strconv"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/posemu/posemu/emulator"
	"github.com/posemu/posemu/emulator/control"
	"github.com/posemu/posemu/emulator/events"
)

func eventList(url string) []events.Event {
	GinkgoHelper()
	status, data := call("GET", url, "", "Accept", "application/json")
	Expect(status).To(Equal(http.StatusOK), "%s", data)
	var list []events.Event
	Expect(json.Unmarshal(data, &list)).To(Succeed())
	return list
}

func press(api string, keys string) {
	GinkgoHelper()
	status, data := call("POST", api+"/api/v1/keypad/press", `{"sequence":"`+keys+`"}`)
	Expect(status).To(Equal(http.StatusOK), "%s", data)
}

var _ = Describe("the event stream", func() {
	var (
		emu *emulator.Emulator
		srv *control.Server
		api string
	)
	BeforeEach(func() {
		emu, srv, api = newAPI(control.Options{})
	})

	It("delivers a key event after a press", func() {
		s := openStream(api + "/api/v1/events")
		press(api, "7")
		ev := s.nextEvent()
		Expect(ev.kind).To(Equal("key"))
		Expect(ev.data).To(HaveKeyWithValue("device", "keypad"))
		Expect(ev.data).To(HaveKeyWithValue("kind", "key"))
		Expect(ev.data["detail"]).To(HaveKeyWithValue("key", "7"))
		Expect(ev.id).To(Equal(strconv.FormatUint(uint64(ev.data["seq"].(float64)), 10)))
	})

	It("starts from now, without the past, when no resume point is given", func() {
		press(api, "1")
		s := openStream(api + "/api/v1/events")
		Expect(emu.Unplug("printer")).To(Succeed())
		ev := s.nextEvent()
		Expect(ev.kind).To(Equal("unplug"))
		Expect(ev.data).To(HaveKeyWithValue("device", "printer"))
	})

	It("replays what came after Last-Event-ID, then goes on live", func() {
		press(api, "1 2 3")
		keys := eventList(api + "/api/v1/events?since=0")
		Expect(keys).To(HaveLen(3))
		first := keys[0].Seq

		s := openStream(api+"/api/v1/events", "Last-Event-ID", strconv.FormatUint(first, 10))
		Expect(s.nextEvent().id).To(Equal(strconv.FormatUint(first+1, 10)))
		third := s.nextEvent()
		Expect(third.id).To(Equal(strconv.FormatUint(first+2, 10)))
		Expect(third.data["detail"]).To(HaveKeyWithValue("key", "3"))
		press(api, "4")
		Expect(s.nextEvent().data["detail"]).To(HaveKeyWithValue("key", "4"))
	})

	It("replays from ?since= too", func() {
		press(api, "5 6")
		s := openStream(api + "/api/v1/events?since=1")
		Expect(s.nextEvent().data["detail"]).To(HaveKeyWithValue("key", "6"))
	})

	It("lists events as JSON for a client that accepts JSON", func() {
		Expect(eventList(api + "/api/v1/events")).To(BeEmpty())
		press(api, "8 ENTER")
		list := eventList(api + "/api/v1/events?since=0")
		Expect(list).To(HaveLen(2))
		Expect(list[1].Detail).To(HaveKeyWithValue("key", "ENTER"))
		Expect(eventList(api + "/api/v1/events?since=" + strconv.FormatUint(list[0].Seq, 10))).To(HaveLen(1))
		_, data := call("GET", api+"/api/v1/events?since=99", "", "Accept", "application/json")
		Expect(string(data)).To(Equal("[]\n"))
	})

	It("refuses a resume point that is not a number", func() {
		status, m := callJSON("GET", api+"/api/v1/events?since=abc", "", "Accept", "application/json")
		Expect(status).To(Equal(http.StatusBadRequest))
		Expect(m).To(HaveKeyWithValue("error", `since="abc" is not an event sequence number`))
		status, m = callJSON("GET", api+"/api/v1/events", "", "Last-Event-ID", "x1")
		Expect(status).To(Equal(http.StatusBadRequest))
		Expect(m).To(HaveKeyWithValue("error", `Last-Event-ID "x1" is not an event sequence number`))
	})

	It("ends open streams when the server closes", func() {
		s := openStream(api + "/api/v1/events")
		srv.Close()
		Eventually(s.lines).Should(BeClosed())
	})

	It("ends open streams when the emulator closes", func() {
		s := openStream(api + "/api/v1/events")
		Expect(emu.Close()).To(Succeed())
		Eventually(s.lines).Should(BeClosed())
	})
})

var _ = Describe("an idle event stream", func() {
	It("gets a heartbeat comment", func() {
		_, _, api := newAPI(control.Options{Heartbeat: 10 * time.Millisecond})
		s := openStream(api + "/api/v1/events")
		Expect(s.next()).To(Equal(": heartbeat"))
	})
})

var _ = Describe("listening", func() {
	DescribeTable("refuses addresses that are not loopback",
		func(addr, msg string) {
			Expect(control.CheckLoopback(addr)).To(MatchError(msg))
			_, err := control.Listen(addr)
			Expect(err).To(MatchError(msg))
		},
		Entry("every interface", ":7070", `listen address ":7070" listens on every interface; the control API is loopback only (use 127.0.0.1:PORT, [::1]:PORT or localhost:PORT)`),
		Entry("every IPv4 interface", "0.0.0.0:7070", `listen address "0.0.0.0:7070" is not loopback; the control API is loopback only (use 127.0.0.1:PORT, [::1]:PORT or localhost:PORT)`),
		Entry("a LAN address", "192.168.1.20:7070", `listen address "192.168.1.20:7070" is not loopback; the control API is loopback only (use 127.0.0.1:PORT, [::1]:PORT or localhost:PORT)`),
		Entry("a host name", "pos.example:7070", `listen address "pos.example:7070" is not loopback; the control API is loopback only (use 127.0.0.1:PORT, [::1]:PORT or localhost:PORT)`),
		Entry("no port", "127.0.0.1", `listen address "127.0.0.1": missing port in address (expected host:port, e.g. 127.0.0.1:7070)`),
	)

	DescribeTable("accepts loopback addresses",
		func(addr string) { Expect(control.CheckLoopback(addr)).To(Succeed()) },
		Entry("IPv4", "127.0.0.1:0"),
		Entry("IPv4, all of 127/8", "127.1.2.3:7070"),
		Entry("IPv6", "[::1]:7070"),
		Entry("localhost", "localhost:7070"),
	)

	It("serves until its context ends, closing open streams", func() {
		emu, err := emulator.New(emulator.Config{DevDir: GinkgoT().TempDir()})
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(emu.Close)
		l, err := control.Listen("127.0.0.1:0")
		Expect(err).NotTo(HaveOccurred())
		url := control.URL(l)
		srv := control.NewServer(emu, control.Options{ControlURL: url})
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan error, 1)
		go func() { done <- srv.Serve(ctx, l) }()

		_, m := callJSON("GET", url+"/api/v1/devices", "")
		Expect(m).To(HaveKeyWithValue("control_api", url))
		s := openStream(url + "/api/v1/events")
		cancel()
		Eventually(done).Should(Receive(BeNil()))
		Eventually(s.lines).Should(BeClosed())
		_, err = http.Get(url + "/api/v1/devices")
		Expect(err).To(HaveOccurred())
	})
})
