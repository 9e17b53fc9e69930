package printer_test

import (
	"testing"

	"github.com/posemu/posemu/drivers/printer"
)

// slip builds a Lakala-style sales slip like the terminal prints.
func slip() *printer.Document {
	d := printer.NewDocument(printer.Paper58)
	d.Text("签购单 POS SALES SLIP", printer.Bold, printer.Centered, printer.DoubleHeight)
	d.Text("商户存根 MERCHANT COPY", printer.Centered)
	d.Rule()
	for _, kv := range [][2]string{
		{"商户名称 MERCHANT", "测试商户"}, {"商户编号 MERCHANT NO", "123456789012345"},
		{"终端编号 TERMINAL", "12345678"}, {"操作员号 OPERATOR", "01"},
		{"卡号 CARD", "622202******1234"}, {"交易类型 TRANS TYPE", "消费 SALE"},
		{"批次号 BATCH", "000001"}, {"凭证号 VOUCHER", "000123"},
		{"授权码 AUTH", "123456"}, {"参考号 REF", "240101123456"},
		{"日期时间", "2024/01/01 12:34:56"},
	} {
		d.Columns(kv[0], kv[1])
	}
	d.Columns("金额 AMOUNT", "¥12.50", printer.Bold, printer.DoubleHeight)
	d.Rule()
	d.QR("20240101123456789012", 6, printer.ECMedium, printer.Centered)
	d.Barcode(printer.CODE128, "000123", printer.Centered)
	d.Text("持卡人签名 CARDHOLDER SIGNATURE")
	d.Feed(3)
	d.Cut(printer.PartialCut)
	return d
}

// BenchmarkEncodeSlip builds and encodes a full sales slip.
func BenchmarkEncodeSlip(b *testing.B) {
	b.ReportAllocs()
	n := 0
	for b.Loop() {
		out, err := slip().Bytes()
		if err != nil {
			b.Fatal(err)
		}
		n = len(out)
	}
	b.SetBytes(int64(n))
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "slips/s")
}
