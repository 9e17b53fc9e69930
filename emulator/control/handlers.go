package control

import (
	"bytes"
	"errors"
	"net/http"
	"os"
	"reflect"
	"strings"

	"github.com/posemu/posemu/emulator"
	"github.com/posemu/posemu/emulator/keypad"
	"github.com/posemu/posemu/emulator/ptydev"
)

func (s *Server) controlURL(r *http.Request) string {
	if s.opts.ControlURL != "" {
		return s.opts.ControlURL
	}
	if u := s.e.ControlURL(); u != "" {
		return u
	}
	return "http://" + r.Host
}

func (s *Server) getDevices(w http.ResponseWriter, r *http.Request) error {
	writeJSON(w, http.StatusOK, s.e.DeviceMap(s.controlURL(r)))
	return nil
}

// deviceJSON is one device with its name, as the per-device endpoints
// answer.
type deviceJSON struct {
	Name string `json:"name"`
	emulator.DeviceInfo
}

func (s *Server) device(name string) (emulator.DeviceInfo, error) {
	info, err := s.e.Device(name)
	if err != nil {
		return info, errorf(http.StatusNotFound, "%s", err)
	}
	return info, nil
}

func (s *Server) getDevice(w http.ResponseWriter, r *http.Request) error {
	info, err := s.device(r.PathValue("name"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, deviceJSON{Name: info.Name, DeviceInfo: info})
	return nil
}

func (s *Server) unplug(w http.ResponseWriter, r *http.Request) error {
	return s.setPlugged(w, r, s.e.Unplug)
}

func (s *Server) replug(w http.ResponseWriter, r *http.Request) error {
	return s.setPlugged(w, r, s.e.Replug)
}

func (s *Server) setPlugged(w http.ResponseWriter, r *http.Request, op func(string) error) error {
	name := r.PathValue("name")
	if _, err := s.device(name); err != nil {
		return err
	}
	if err := op(name); err != nil {
		if errors.Is(err, emulator.ErrClosed) {
			return errorf(http.StatusServiceUnavailable, "%s: %s", name, err)
		}
		return err
	}
	info, err := s.device(name)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, deviceJSON{Name: info.Name, DeviceInfo: info})
	return nil
}

// requirePlugged answers 409 for a device whose cable is out: bytes sent
// to it would go nowhere, as on the real terminal.
func (s *Server) requirePlugged(name string) error {
	plugged, err := s.e.Plugged(name)
	if err != nil {
		return errorf(http.StatusNotFound, "%s", err)
	}
	if !plugged {
		return errorf(http.StatusConflict, "%s is unplugged; replug it with POST /api/v1/devices/%s/replug", name, name)
	}
	return nil
}

// sendError classifies a failed write to the host.
func sendError(name string, err error) error {
	switch {
	case errors.Is(err, ptydev.ErrUnplugged):
		return errorf(http.StatusConflict, "%s is unplugged; replug it with POST /api/v1/devices/%s/replug", name, name)
	case errors.Is(err, os.ErrDeadlineExceeded):
		return errorf(http.StatusServiceUnavailable, "%s", err)
	}
	return err
}

// pressRequest is the body of POST /api/v1/keypad/press.
type pressRequest struct {
	Keys     []string `json:"keys"`
	Sequence *string  `json:"sequence"`
}

const pressExample = `{"keys":["1","2",".","5","ENTER"]} or {"sequence":"12.5 ENTER"}`

// parsePress turns a press request into key names as the key map spells
// them; every failure is a 400 that says which key or field is wrong.
func parsePress(req pressRequest, keys []string) ([]string, error) {
	var names []string
	switch {
	case req.Keys != nil && req.Sequence != nil:
		return nil, errorf(http.StatusBadRequest, "give either keys or sequence, not both")
	case req.Sequence != nil:
		seq, err := keypad.ParseSequence(*req.Sequence)
		if err != nil {
			return nil, errorf(http.StatusBadRequest, "%s", err)
		}
		names = seq
	case req.Keys != nil:
		if len(req.Keys) == 0 {
			return nil, errorf(http.StatusBadRequest, "keys is empty: name at least one key")
		}
		names = req.Keys
	default:
		return nil, errorf(http.StatusBadRequest, "no keys: expected %s", pressExample)
	}
	out := make([]string, len(names))
	for i, n := range names {
		canon, ok := "", false
		for _, k := range keys {
			if strings.EqualFold(k, n) {
				canon, ok = k, true
				break
			}
		}
		if !ok {
			return nil, errorf(http.StatusBadRequest, "unknown key %q (valid: %s)", n, strings.Join(keys, ", "))
		}
		out[i] = canon
	}
	return out, nil
}

func (s *Server) keyNames() []string {
	var names []string
	for _, k := range s.e.Keypad().Keys() {
		names = append(names, k.Name)
	}
	return names
}

func (s *Server) press(w http.ResponseWriter, r *http.Request) error {
	var req pressRequest
	if err := decodeBody(r, w, &req, pressExample); err != nil {
		return err
	}
	keys, err := parsePress(req, s.keyNames())
	if err != nil {
		return err
	}
	if err := s.requirePlugged(emulator.Keypad); err != nil {
		return err
	}
	if err := s.e.Keypad().Press(keys...); err != nil {
		return sendError(emulator.Keypad, err)
	}
	writeJSON(w, http.StatusOK, map[string]any{"pressed": keys})
	return nil
}

func (s *Server) keys(w http.ResponseWriter, r *http.Request) error {
	writeJSON(w, http.StatusOK, map[string]any{"keys": s.e.Keypad().Keys()})
	return nil
}

// lcdJSON is the answer of GET /api/v1/lcd.
type lcdJSON struct {
	Width     int        `json:"width"`
	Height    int        `json:"height"`
	Backlight int        `json:"backlight"`
	Lines     []string   `json:"lines"`
	Items     []textItem `json:"items"`
}

// textItem is one string on the LCD, as GET /api/v1/lcd spells it.
type textItem struct {
	X       int    `json:"x"`
	Y       int    `json:"y"`
	W       int    `json:"w"`
	H       int    `json:"h"`
	Text    string `json:"text"`
	Size    int    `json:"size"`
	Inverse bool   `json:"inverse"`
}

func (s *Server) getLCD(w http.ResponseWriter, r *http.Request) error {
	m := s.e.LCD()
	width, height := m.Size()
	lines := m.Lines()
	if lines == nil {
		lines = []string{}
	}
	items := []textItem{}
	for _, it := range m.TextItems() {
		items = append(items, textItem{X: it.X, Y: it.Y, W: it.W, H: it.H, Text: it.Text, Size: it.Size, Inverse: it.Inverse})
	}
	writeJSON(w, http.StatusOK, lcdJSON{Width: width, Height: height, Backlight: m.Backlight(), Lines: lines, Items: items})
	return nil
}

func (s *Server) getLCDPNG(w http.ResponseWriter, r *http.Request) error {
	// Encoded whole before the header goes out, so a failure can still be
	// answered with a JSON error.
	var buf bytes.Buffer
	if err := s.e.LCD().WritePNG(&buf); err != nil {
		return err
	}
	w.Header().Set("Content-Type", "image/png")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusOK)
	w.Write(buf.Bytes()) //nolint:errcheck // the client went away
	return nil
}

// custDisplayJSON is the answer of GET /api/v1/custdisplay.
type custDisplayJSON struct {
	Columns    int        `json:"columns"`
	Rows       int        `json:"rows"`
	CommandSet string     `json:"command_set"`
	Lines      []string   `json:"lines"`
	Cursor     cursorJSON `json:"cursor"`
	Brightness int        `json:"brightness"`
	Mode       string     `json:"mode"`
	Lamp       string     `json:"lamp"`
	Marquee    string     `json:"marquee"`
}

// cursorJSON is the customer display's cursor, 1-based.
type cursorJSON struct {
	Col     int  `json:"col"`
	Row     int  `json:"row"`
	Visible bool `json:"visible"`
}

func (s *Server) getCustDisplay(w http.ResponseWriter, r *http.Request) error {
	m := s.e.CustDisplay()
	cols, rows := m.Size()
	col, row := m.Cursor()
	lines := m.Lines()
	if lines == nil {
		lines = []string{}
	}
	writeJSON(w, http.StatusOK, custDisplayJSON{
		Columns:    cols,
		Rows:       rows,
		CommandSet: m.CommandSet(),
		Lines:      lines,
		Cursor:     cursorJSON{Col: col, Row: row, Visible: m.CursorVisible()},
		Brightness: m.Brightness(),
		Mode:       m.Mode(),
		Lamp:       m.Lamp(),
		Marquee:    m.Marquee(),
	})
	return nil
}

// scanRequest is the body of POST /api/v1/scanner/scan.
type scanRequest struct {
	Code *string `json:"code"`
}

const scanExample = `{"code":"286612345678901234"}`

func (s *Server) scan(w http.ResponseWriter, r *http.Request) error {
	var req scanRequest
	if err := decodeBody(r, w, &req, scanExample); err != nil {
		return err
	}
	if req.Code == nil {
		return errorf(http.StatusBadRequest, "no code: expected %s", scanExample)
	}
	if err := s.requirePlugged(emulator.Scanner); err != nil {
		return err
	}
	if err := s.e.Scanner().Scan(*req.Code); err != nil {
		if e := sendError(emulator.Scanner, err); e != err {
			return e
		}
		// Everything else the scanner refuses is the code itself.
		return errorf(http.StatusBadRequest, "%s", err)
	}
	writeJSON(w, http.StatusOK, map[string]any{"scanned": *req.Code, "length": len(*req.Code)})
	return nil
}

// fieldNames lists the JSON fields of the struct dst points at.
func fieldNames(dst any) []string {
	t := reflect.TypeOf(dst)
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t.Kind() != reflect.Struct {
		return nil
	}
	var names []string
	for i := 0; i < t.NumField(); i++ {
		if tag, _, _ := strings.Cut(t.Field(i).Tag.Get("json"), ","); tag != "" && tag != "-" {
			names = append(names, tag)
		}
	}
	return names
}
