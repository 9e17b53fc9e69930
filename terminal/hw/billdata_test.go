package hw

import (
	"archive/zip"
	"bytes"
	"strings"

	"golang.org/x/text/encoding/simplifiedchinese"
)

// BillZip builds a bill zip in the platform's layout: a GBK detail file
// with comment lines around the CSV, and a summary file.
func BillZip(rows ...string) []byte {
	header := "支付宝交易号,商户订单号,业务类型,商品名称,创建时间,完成时间,门店编号,门店名称,操作员,终端号,对方账户,订单金额（元）,商家实收（元）,支付宝红包（元）,集分宝（元）,支付宝优惠（元）,商家优惠（元）,券核销金额（元）,券名称,商家红包消费金额（元）,卡消费金额（元）,退款批次号/请求号,服务费（元）,分润（元）,备注"
	detail := "#支付宝业务明细查询\r\n#账号：[2088621000000001]\r\n#----业务明细列表----\r\n" + header + "\r\n" +
		strings.Join(rows, "\r\n") + "\r\n#----业务明细列表结束----\r\n#交易合计：1笔\r\n"
	summary := "#支付宝业务汇总查询\r\n门店编号,门店名称,交易订单总笔数\r\n合计,,1\r\n"
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, f := range []struct{ name, text string }{{"x_业务明细(汇总).csv", summary}, {"x_业务明细.csv", detail}} {
		w, _ := zw.Create(f.name)
		gbk, _ := simplifiedchinese.GBK.NewEncoder().String(f.text)
		w.Write([]byte(gbk))
	}
	zw.Close()
	return buf.Bytes()
}

// BillRowCSV is one detail row with the tab-suffixed cells the platform writes.
func BillRowCSV(tradeNo, out, kind, received, reqNo string) string {
	cells := []string{tradeNo, out, kind, "POSEMU TEST", "2025-03-01 09:00:00", "2025-03-01 09:00:05", "S1", "", "01",
		"10000001", "158****1234", "100.00", received, "0.00", "0.00", "0.00", "0.00", "0.00", "", "0.00", "0.00", reqNo, "0.00", "0.00", ""}
	for i := range cells {
		cells[i] += "\t"
	}
	return strings.Join(cells, ",")
}
