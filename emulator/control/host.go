package control

import (
	"bytes"
	"errors"
	"io"
	"net/http"

	"github.com/posemu/posemu/emulator/hostsim"
)

// routeHost serves the payment simulator (Options.Host): its trades, its
// sandbox buyers and what they do on their phones, and its faults.
func (s *Server) routeHost() {
	if s.opts.Host == nil {
		return
	}
	s.mux.Handle("GET /api/v1/host/trades", s.handle(s.hostTrades))
	s.mux.Handle("GET /api/v1/host/trades/{out_trade_no}", s.handle(s.hostTrade))
	s.mux.Handle("POST /api/v1/host/trades/{out_trade_no}/scan", s.handle(s.hostScan))
	s.mux.Handle("GET /api/v1/host/buyers", s.handle(s.hostBuyers))
	s.mux.Handle("POST /api/v1/host/buyers/{code}/confirm", s.handle(s.hostConfirm))
	s.mux.Handle("POST /api/v1/host/buyers/{code}/decline", s.handle(s.hostDecline))
	s.mux.Handle("GET /api/v1/host/faults", s.handle(s.hostFaults))
	s.mux.Handle("POST /api/v1/host/faults", s.handle(s.hostAddFault))
	s.mux.Handle("DELETE /api/v1/host/faults", s.handle(s.hostClearFaults))
}

func (s *Server) hostTrades(w http.ResponseWriter, r *http.Request) error {
	trades := s.opts.Host.Trades()
	if trades == nil {
		trades = []hostsim.Trade{}
	}
	writeJSON(w, http.StatusOK, trades)
	return nil
}

func (s *Server) hostTrade(w http.ResponseWriter, r *http.Request) error {
	out := r.PathValue("out_trade_no")
	t, ok := s.opts.Host.Trade(out)
	if !ok {
		return errorf(http.StatusNotFound, "no trade with out_trade_no %q", out)
	}
	writeJSON(w, http.StatusOK, t)
	return nil
}

type scanBody struct {
	Buyer string `json:"buyer"`
}

func (s *Server) hostScan(w http.ResponseWriter, r *http.Request) error {
	var body scanBody
	if err := decodeBody(r, w, &body, `{"buyer":"281234567890123456"}`); err != nil {
		return err
	}
	if body.Buyer == "" {
		return errorf(http.StatusBadRequest, `field "buyer" (a sandbox buyer's payment code) is required`)
	}
	t, err := s.opts.Host.Scan(r.PathValue("out_trade_no"), body.Buyer)
	return s.hostAnswer(w, t, err)
}

func (s *Server) hostBuyers(w http.ResponseWriter, r *http.Request) error {
	writeJSON(w, http.StatusOK, s.opts.Host.Buyers())
	return nil
}

type passwordBody struct {
	OutTradeNo string `json:"out_trade_no"`
}

func (s *Server) hostConfirm(w http.ResponseWriter, r *http.Request) error {
	return s.hostPassword(w, r, s.opts.Host.Confirm)
}

func (s *Server) hostDecline(w http.ResponseWriter, r *http.Request) error {
	return s.hostPassword(w, r, s.opts.Host.Decline)
}

// hostPassword takes an optional body naming the trade; without one the
// buyer's latest waiting trade is meant.
func (s *Server) hostPassword(w http.ResponseWriter, r *http.Request, op func(code, out string) (hostsim.Trade, error)) error {
	data, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBody))
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		return errorf(http.StatusRequestEntityTooLarge, "body is larger than %d bytes", tooBig.Limit)
	} else if err != nil {
		return errorf(http.StatusBadRequest, "reading the body: %v", err)
	}
	var body passwordBody
	if len(bytes.TrimSpace(data)) > 0 {
		if err := decodeJSON(bytes.NewReader(data), &body, `{"out_trade_no":"T1"}`); err != nil {
			return err
		}
	}
	t, err := op(r.PathValue("code"), body.OutTradeNo)
	return s.hostAnswer(w, t, err)
}

// hostAnswer writes the trade, or maps the simulator's error: unknown
// trade or buyer 404; nothing to act on 409; a payment the platform
// refused 409 with its code and sub_code.
func (s *Server) hostAnswer(w http.ResponseWriter, t hostsim.Trade, err error) error {
	var res *hostsim.Result
	switch {
	case err == nil:
		writeJSON(w, http.StatusOK, t)
		return nil
	case errors.As(err, &res):
		writeJSON(w, http.StatusConflict, map[string]any{
			"error": "the platform refused: " + res.SubCode + " " + res.SubMsg,
			"code":  res.Code, "sub_code": res.SubCode, "sub_msg": res.SubMsg, "trade": t,
		})
		return nil
	case errors.Is(err, hostsim.ErrNoSuchTrade), errors.Is(err, hostsim.ErrNoSuchBuyer):
		return errorf(http.StatusNotFound, "%s", err)
	case errors.Is(err, hostsim.ErrNotWaiting), errors.Is(err, hostsim.ErrNotPrecreate):
		return errorf(http.StatusConflict, "%s", err)
	case errors.Is(err, hostsim.ErrClosed):
		return errorf(http.StatusServiceUnavailable, "%s", err)
	}
	return err
}

func (s *Server) hostFaults(w http.ResponseWriter, r *http.Request) error {
	writeJSON(w, http.StatusOK, s.opts.Host.Faults())
	return nil
}

func (s *Server) hostAddFault(w http.ResponseWriter, r *http.Request) error {
	var f hostsim.Fault
	if err := decodeBody(r, w, &f, `{"kind":"lost_reply","method":"alipay.trade.pay","count":1}`); err != nil {
		return err
	}
	if err := s.opts.Host.AddFault(f); err != nil {
		return errorf(http.StatusBadRequest, "%s", err)
	}
	writeJSON(w, http.StatusOK, s.opts.Host.Faults())
	return nil
}

func (s *Server) hostClearFaults(w http.ResponseWriter, r *http.Request) error {
	s.opts.Host.ClearFaults()
	writeJSON(w, http.StatusOK, s.opts.Host.Faults())
	return nil
}
