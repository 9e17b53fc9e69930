package control

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/posemu/posemu/emulator/printer"
)

// routePrinter registers the receipt printer's endpoints.
func (s *Server) routePrinter() {
	s.mux.Handle("GET /api/v1/printer/receipts", s.handle(s.getReceipts))
	s.mux.Handle("DELETE /api/v1/printer/receipts", s.handle(s.tearOff))
	s.mux.Handle("GET /api/v1/printer/receipts/{id}", s.handle(s.getReceipt))
	s.mux.Handle("GET /api/v1/printer/status", s.handle(s.getPrinterStatus))
	s.mux.Handle("POST /api/v1/printer/paper", s.handle(s.setPaper))
	s.mux.Handle("POST /api/v1/printer/cover", s.handle(s.setCover))
	s.mux.Handle("POST /api/v1/printer/cutter", s.handle(s.setCutter))
}

// receiptJSON is one receipt as the printer endpoints spell it: the model's
// structured form, its text lines on their own, and where its PNG is.
type receiptJSON struct {
	printer.Receipt
	Text []string `json:"text"`
	PNG  string   `json:"png"`
}

func toReceiptJSON(r printer.Receipt) receiptJSON {
	return receiptJSON{Receipt: r, Text: r.Text(), PNG: fmt.Sprintf("/api/v1/printer/receipts/%d.png", r.ID)}
}

func (s *Server) getReceipts(w http.ResponseWriter, r *http.Request) error {
	rs := s.e.Printer().Receipts()
	out := make([]receiptJSON, 0, len(rs))
	for _, rc := range rs {
		out = append(out, toReceiptJSON(rc))
	}
	writeJSON(w, http.StatusOK, map[string]any{"receipts": out})
	return nil
}

func (s *Server) tearOff(w http.ResponseWriter, r *http.Request) error {
	n := len(s.e.Printer().Receipts())
	s.e.Printer().TearOff()
	writeJSON(w, http.StatusOK, map[string]any{"torn_off": n})
	return nil
}

// getReceipt answers /api/v1/printer/receipts/{id} with the receipt as
// JSON, and /api/v1/printer/receipts/{id}.png with its picture.
func (s *Server) getReceipt(w http.ResponseWriter, r *http.Request) error {
	name := r.PathValue("id")
	num, isPNG := strings.CutSuffix(name, ".png")
	id, err := strconv.Atoi(num)
	if err != nil || id <= 0 {
		return errorf(http.StatusBadRequest, "receipt %q: want a receipt id such as 3 or 3.png", name)
	}
	p := s.e.Printer()
	if !isPNG {
		rc, ok := p.Receipt(id)
		if !ok {
			return noReceipt(p, id)
		}
		writeJSON(w, http.StatusOK, toReceiptJSON(rc))
		return nil
	}
	data, err := p.PNG(id)
	if errors.Is(err, printer.ErrNoReceipt) {
		return noReceipt(p, id)
	}
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "image/png")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusOK)
	w.Write(data) //nolint:errcheck // the client went away
	return nil
}

func noReceipt(p *printer.Model, id int) error {
	ids := []string{}
	for _, rc := range p.Receipts() {
		ids = append(ids, strconv.Itoa(rc.ID))
	}
	cur := p.Current().ID
	return errorf(http.StatusNotFound, "no receipt %d (have: %s; the paper in the printer is %d)", id, strings.Join(ids, ", "), cur)
}

// printerStatusJSON is the printer's status with its counters.
type printerStatusJSON struct {
	printer.Status
	Stats printer.Stats `json:"stats"`
}

func (s *Server) printerStatus() printerStatusJSON {
	p := s.e.Printer()
	return printerStatusJSON{Status: p.Status(), Stats: p.Stats()}
}

func (s *Server) getPrinterStatus(w http.ResponseWriter, r *http.Request) error {
	writeJSON(w, http.StatusOK, s.printerStatus())
	return nil
}

// paperRequest is the body of POST /api/v1/printer/paper.
type paperRequest struct {
	State *string `json:"state"`
}

const paperExample = `{"state":"ok"} (or "near-end", "out")`

func (s *Server) setPaper(w http.ResponseWriter, r *http.Request) error {
	var req paperRequest
	if err := decodeBody(r, w, &req, paperExample); err != nil {
		return err
	}
	if req.State == nil {
		return errorf(http.StatusBadRequest, "no state: expected %s", paperExample)
	}
	if err := s.e.Printer().SetPaper(*req.State); err != nil {
		return errorf(http.StatusBadRequest, "%s", err)
	}
	writeJSON(w, http.StatusOK, s.printerStatus())
	return nil
}

// coverRequest is the body of POST /api/v1/printer/cover.
type coverRequest struct {
	Open *bool `json:"open"`
}

const coverExample = `{"open":true}`

func (s *Server) setCover(w http.ResponseWriter, r *http.Request) error {
	var req coverRequest
	if err := decodeBody(r, w, &req, coverExample); err != nil {
		return err
	}
	if req.Open == nil {
		return errorf(http.StatusBadRequest, "no open: expected %s", coverExample)
	}
	s.e.Printer().SetCover(*req.Open)
	writeJSON(w, http.StatusOK, s.printerStatus())
	return nil
}

// cutterRequest is the body of POST /api/v1/printer/cutter.
type cutterRequest struct {
	Jammed *bool `json:"jammed"`
}

const cutterExample = `{"jammed":true}`

func (s *Server) setCutter(w http.ResponseWriter, r *http.Request) error {
	var req cutterRequest
	if err := decodeBody(r, w, &req, cutterExample); err != nil {
		return err
	}
	if req.Jammed == nil {
		return errorf(http.StatusBadRequest, "no jammed: expected %s", cutterExample)
	}
	s.e.Printer().SetCutterJammed(*req.Jammed)
	writeJSON(w, http.StatusOK, s.printerStatus())
	return nil
}
