package hostsim_test

import (
	"archive/zip"
	"bytes"
	"encoding/csv"
	"io"
	"net/http"
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"golang.org/x/text/encoding/simplifiedchinese"

	"github.com/posemu/posemu/emulator/hostsim"
)

var _ = Describe("the daily bill", func() {
	var e *env
	BeforeEach(func() { e = newEnv(hostsim.Options{}) })

	billURL := func(date string) reply {
		return e.cli.call(hostsim.MethodBill, map[string]any{"bill_type": "trade", "bill_date": date})
	}
	download := func(u string) map[string]string {
		GinkgoHelper()
		resp, err := http.Get(u)
		Expect(err).NotTo(HaveOccurred())
		defer resp.Body.Close()
		Expect(resp.StatusCode).To(Equal(200))
		data, _ := io.ReadAll(resp.Body)
		zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
		Expect(err).NotTo(HaveOccurred())
		files := map[string]string{}
		for _, f := range zr.File {
			rc, err := f.Open()
			Expect(err).NotTo(HaveOccurred())
			raw, _ := io.ReadAll(rc)
			rc.Close()
			text, err := simplifiedchinese.GBK.NewDecoder().Bytes(raw)
			Expect(err).NotTo(HaveOccurred())
			files[f.Name] = string(text)
		}
		return files
	}

	It("lists the day's payments and refunds in Alipay's CSV layout, GBK, zipped", func() {
		Expect(e.cli.call(hostsim.MethodPay, payBiz("B1", zhangSan, "10.00")).Code()).To(Equal("10000"))
		e.clock.Advance(time.Hour)
		Expect(e.cli.call(hostsim.MethodRefund, map[string]any{"out_trade_no": "B1", "out_request_no": "b1", "refund_amount": "4.00"}).Code()).To(Equal("10000"))
		Expect(e.cli.call(hostsim.MethodPay, payBiz("B2", liSi, "3.00")).Code()).To(Equal("10003")) // unpaid: not in the bill

		Expect(billURL("2024-05-20").Code()).To(Equal("40004 isv.invalid_arguments"), "today is not over")
		e.clock.Advance(14 * time.Hour) // 2024-05-21 01:00
		r := billURL("2024-05-20")
		Expect(r.Code()).To(Equal("10000"))
		u := r.str("bill_download_url")
		Expect(u).To(HavePrefix(e.srv.URL + hostsim.BillPath + "?"))
		Expect(u).To(ContainSubstring("downloadFileName=" + hostsim.DefaultSellerID + "_20240520.csv.zip"))

		files := download(u)
		detail := files[hostsim.DefaultSellerID+"_20240520_业务明细.csv"]
		Expect(detail).To(HavePrefix("#支付宝业务明细查询\r\n#账号：[" + hostsim.DefaultSellerID + "]\r\n#起始日期：[2024年05月20日 00:00:00]   终止日期：[2024年05月21日 00:00:00]\r\n"))
		Expect(detail).To(ContainSubstring("#交易合计：1笔，商家实收共10.00元，商家优惠共0.00元\r\n"))
		Expect(detail).To(ContainSubstring("#退款合计：1笔，商家实收退款共-4.00元，商家优惠退款共0.00元\r\n"))
		lines := strings.Split(detail, "\r\n")
		Expect(lines[4]).To(HavePrefix("支付宝交易号,商户订单号,业务类型,商品名称,创建时间,完成时间,门店编号"))
		recs, err := csv.NewReader(strings.NewReader(lines[5] + "\n" + lines[6])).ReadAll()
		Expect(err).NotTo(HaveOccurred())
		Expect(recs[0][1]).To(Equal("B1\t"))
		Expect(recs[0][2]).To(Equal("交易\t"))
		Expect(recs[0][5]).To(Equal("2024-05-20 10:00:00\t"))
		Expect(recs[0][12]).To(Equal("10.00\t"))
		Expect(recs[1][2]).To(Equal("退款\t"))
		Expect(recs[1][12]).To(Equal("-4.00\t"))
		Expect(recs[1][21]).To(Equal("b1\t"))
		Expect(lines[7]).To(ContainSubstring("业务明细列表结束"))
		Expect(files[hostsim.DefaultSellerID+"_20240520_业务明细(汇总).csv"]).To(ContainSubstring("合计,,1,1,10.00,6.00"))
	})

	It("gives a link that works for 30 seconds", func() {
		e.clock.Advance(24 * time.Hour)
		u := billURL("2024-05-20").str("bill_download_url")
		e.clock.Advance(30 * time.Second)
		resp, err := http.Get(u)
		Expect(err).NotTo(HaveOccurred())
		resp.Body.Close()
		Expect(resp.StatusCode).To(Equal(404))
	})

	It("answers a month bill, refuses bad dates and types, and has no fund bills", func() {
		e.clock.Advance(40 * 24 * time.Hour)
		Expect(billURL("2024-05").Code()).To(Equal("10000"))
		Expect(billURL("20240520").Code()).To(Equal("40004 isv.invalid_arguments"))
		Expect(e.cli.call(hostsim.MethodBill, map[string]any{"bill_type": "x", "bill_date": "2024-05-20"}).Code()).To(Equal("40004 isv.invalid_arguments"))
		Expect(e.cli.call(hostsim.MethodBill, map[string]any{"bill_type": "signcustomer", "bill_date": "2024-05-20"}).Code()).To(Equal("40004 isp.bill_not_exist"))
	})

	It("serves today's bill when SameDayBills is set", func() {
		e2 := newEnv(hostsim.Options{SameDayBills: true})
		Expect(e2.cli.call(hostsim.MethodBill, map[string]any{"bill_type": "trade", "bill_date": "2024-05-20"}).Code()).To(Equal("10000"))
		Expect(e2.cli.call(hostsim.MethodBill, map[string]any{"bill_type": "trade", "bill_date": "2024-05-21"}).Code()).To(Equal("40004 isv.invalid_arguments"))
	})
})
