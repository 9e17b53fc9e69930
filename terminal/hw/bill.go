package hw

import (
	"archive/zip"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"golang.org/x/text/encoding/simplifiedchinese"

	"github.com/posemu/posemu/terminal"
)

// Columns of the detail file (业务明细) of Alipay's trade bill that the
// terminal reads, found by their names in the header row.
const (
	colTradeNo    = "支付宝交易号"
	colOutTradeNo = "商户订单号"
	colKind       = "业务类型"
	colTerminal   = "终端号"
	colReceived   = "商家实收（元）"
	colRequestNo  = "退款批次号/请求号"
)

// maxBillFile bounds one unpacked file of the bill.
const maxBillFile = 64 << 20

// ParseBill reads the platform's trade bill: a zip of GBK CSV files, of
// which the detail file (the one whose header row starts with 支付宝交易号)
// lists one row per payment (业务类型 交易) and per refund (退款). Comment
// lines start with '#'; cells may carry a trailing tab.
func ParseBill(data []byte) ([]terminal.BillRow, error) {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return nil, fmt.Errorf("bill: not a zip: %w", err)
	}
	for _, f := range zr.File {
		if f.UncompressedSize64 > maxBillFile {
			return nil, fmt.Errorf("bill: %s is larger than 64 MiB", f.Name)
		}
		rc, err := f.Open()
		if err != nil {
			return nil, fmt.Errorf("bill: %s: %w", f.Name, err)
		}
		raw, err := io.ReadAll(io.LimitReader(rc, maxBillFile))
		rc.Close()
		if err != nil {
			return nil, fmt.Errorf("bill: %s: %w", f.Name, err)
		}
		rows, ok, err := parseDetail(raw)
		if err != nil {
			return nil, fmt.Errorf("bill: %s: %w", f.Name, err)
		}
		if ok {
			return rows, nil
		}
	}
	return nil, errors.New("bill: no detail file (业务明细) in the zip")
}

// parseDetail parses one CSV file; ok is false when it is not the detail.
func parseDetail(raw []byte) ([]terminal.BillRow, bool, error) {
	text, err := simplifiedchinese.GBK.NewDecoder().Bytes(raw)
	if err != nil {
		return nil, false, err
	}
	var body []string
	for _, l := range strings.Split(string(text), "\n") {
		if l = strings.TrimRight(l, "\r"); l != "" && !strings.HasPrefix(l, "#") {
			body = append(body, l)
		}
	}
	if len(body) == 0 || !strings.HasPrefix(strings.TrimSpace(body[0]), colTradeNo) {
		return nil, false, nil
	}
	r := csv.NewReader(strings.NewReader(strings.Join(body, "\n")))
	r.FieldsPerRecord = -1
	records, err := r.ReadAll()
	if err != nil {
		return nil, true, err
	}
	col := map[string]int{}
	for i, h := range records[0] {
		col[strings.TrimSpace(h)] = i
	}
	for _, need := range []string{colTradeNo, colOutTradeNo, colKind, colReceived} {
		if _, ok := col[need]; !ok {
			return nil, true, fmt.Errorf("no %s column", need)
		}
	}
	cell := func(rec []string, name string) string {
		i, ok := col[name]
		if !ok || i >= len(rec) {
			return ""
		}
		return strings.TrimSpace(rec[i])
	}
	var rows []terminal.BillRow
	for n, rec := range records[1:] {
		fen, err := parseYuan(cell(rec, colReceived))
		if err != nil {
			return nil, true, fmt.Errorf("row %d: %s: %w", n+2, colReceived, err)
		}
		kind := cell(rec, colKind)
		if kind != "交易" && kind != "退款" {
			return nil, true, fmt.Errorf("row %d: %s %q is neither 交易 nor 退款", n+2, colKind, kind)
		}
		if fen < 0 {
			fen = -fen
		}
		rows = append(rows, terminal.BillRow{TradeNo: cell(rec, colTradeNo), OutTradeNo: cell(rec, colOutTradeNo),
			OutRequestNo: cell(rec, colRequestNo), Refund: kind == "退款", Amount: fen, TerminalID: cell(rec, colTerminal)})
	}
	return rows, true, nil
}

// parseYuan reads "-12.30" as -1230 fen without floating point.
func parseYuan(s string) (int64, error) {
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	whole, frac, _ := strings.Cut(s, ".")
	if whole == "" || len(frac) > 2 || len(whole) > 12 {
		return 0, fmt.Errorf("%q is not an amount in yuan", s)
	}
	for len(frac) < 2 {
		frac += "0"
	}
	for _, c := range whole + frac {
		if c < '0' || c > '9' {
			return 0, fmt.Errorf("%q is not an amount in yuan", s)
		}
	}
	n, err := strconv.ParseInt(whole+frac, 10, 64)
	if neg {
		n = -n
	}
	return n, err
}
