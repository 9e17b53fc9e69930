package hostsim

import (
	"archive/zip"
	"bytes"
	"crypto/rand"
	"encoding/csv"
	"encoding/hex"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/simplifiedchinese"
)

// BillPath is where bill_download_url points (the real host is
// dwbillcenter.alipay.com; the path and query keys are the same).
const BillPath = "/downloadBillFile.resource"

type billLink struct {
	seller  string
	from    time.Time // first instant covered (China time)
	to      time.Time // first instant not covered
	label   string    // 20160405 or 201604
	expires time.Time
}

type billBiz struct {
	BillType string `json:"bill_type"`
	BillDate string `json:"bill_date"`
}

type billResponse struct {
	Result
	BillDownloadURL string `json:"bill_download_url,omitempty"`
}

func (s *Simulator) billURL(c *call) any {
	var b billBiz
	if res := decodeBiz(c.req.BizContent, &b); res != nil {
		return res
	}
	switch b.BillType {
	case "trade":
	case "signcustomer":
		// The simulator keeps no account ledger: a fund bill never exists.
		return failure(SubBillNotExist)
	default:
		return failure(SubBillInvalidArguments, "bill_type 只能为 trade 或 signcustomer："+b.BillType)
	}
	now := c.now.In(CST)
	link := &billLink{seller: c.app.SellerID, expires: c.now.Add(s.opts.BillURLLife)}
	if d, err := time.ParseInLocation("2006-01-02", b.BillDate, CST); err == nil {
		link.from, link.to, link.label = d, d.AddDate(0, 0, 1), d.Format("20060102")
	} else if m, err := time.ParseInLocation("2006-01", b.BillDate, CST); err == nil {
		link.from, link.to, link.label = m, m.AddDate(0, 1, 0), m.Format("200601")
	} else {
		return failure(SubBillInvalidArguments, "bill_date 格式为 yyyy-MM-dd 或 yyyy-MM："+b.BillDate)
	}
	if link.to.After(now) && !(s.opts.SameDayBills && !link.from.After(now)) {
		return failure(SubBillInvalidArguments, "bill_date 只能是已经结束的日期或月份："+b.BillDate)
	}
	token := make([]byte, 16)
	rand.Read(token) //nolint:errcheck // crypto/rand does not fail
	key := hex.EncodeToString(token)
	s.bills[key] = link
	name := fmt.Sprintf("%s_%s.csv.zip", link.seller, link.label)
	q := url.Values{
		"bizType": {"trade"}, "userId": {link.seller}, "fileType": {"csv.zip"},
		"bizDates": {link.label}, "downloadFileName": {name},
		"timestamp": {strconv.FormatInt(c.now.UnixMilli(), 10)}, "token": {key},
	}
	return billResponse{Result: ok(), BillDownloadURL: c.baseURL + BillPath + "?" + q.Encode()}
}

func (s *Simulator) serveBill(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	s.mu.Lock()
	link := s.bills[r.URL.Query().Get("token")]
	now := s.clock.Now()
	if link != nil && !now.Before(link.expires) {
		delete(s.bills, r.URL.Query().Get("token"))
		link = nil
	}
	var trades []Trade
	if link != nil {
		for _, t := range s.st.sorted() {
			s.settle(t, now)
			if app := s.apps[t.AppID]; app != nil && app.SellerID == link.seller {
				trades = append(trades, t.clone())
			}
		}
		s.commit() //nolint:errcheck // logged; the bill reads memory
	}
	s.mu.Unlock()
	if link == nil {
		http.Error(w, "bill link unknown or expired (a bill_download_url works for 30 seconds)", http.StatusNotFound)
		return
	}
	data, err := buildBill(link, trades, now)
	if err != nil {
		http.Error(w, "building the bill: "+err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/zip")
	w.Header().Set("Content-Disposition", fmt.Sprintf("attachment; filename=%s_%s.csv.zip", link.seller, link.label))
	w.Write(data) //nolint:errcheck // the client went away
}

// BillDetailHeader is the column row of the detail file (业务明细).
var BillDetailHeader = []string{"支付宝交易号", "商户订单号", "业务类型", "商品名称", "创建时间", "完成时间", "门店编号", "门店名称", "操作员", "终端号", "对方账户", "订单金额（元）", "商家实收（元）", "支付宝红包（元）", "集分宝（元）", "支付宝优惠（元）", "商家优惠（元）", "券核销金额（元）", "券名称", "商家红包消费金额（元）", "卡消费金额（元）", "退款批次号/请求号", "服务费（元）", "分润（元）", "备注"}

// BillSummaryHeader is the column row of the summary file (业务明细(汇总)).
var BillSummaryHeader = []string{"门店编号", "门店名称", "交易订单总笔数", "退款订单总笔数", "订单金额（元）", "商家实收（元）", "支付宝优惠（元）", "商家优惠（元）", "卡消费金额（元）", "服务费（元）", "分润（元）", "实收净额（元）"}

type storeSum struct {
	pays, refunds     int
	ordered, received int64
}

// buildBill writes the zip: a detail file with one row per payment and
// per refund in the period, and a summary per store, both GBK CSV.
func buildBill(link *billLink, trades []Trade, now time.Time) ([]byte, error) {
	in := func(t time.Time) bool { return !t.IsZero() && !t.Before(link.from) && t.Before(link.to) }
	cell := func(s string) string { return s + "\t" } // keeps spreadsheets from mangling long numbers
	var rows [][]string
	var pays, refunds int
	var paid, refunded int64
	sums := map[string]*storeSum{}
	var stores []string
	sum := func(store string) *storeSum {
		if sums[store] == nil {
			sums[store] = &storeSum{}
			stores = append(stores, store)
		}
		return sums[store]
	}
	row := func(t *Trade, kind string, at time.Time, received int64, reqNo string) []string {
		return []string{cell(t.TradeNo), cell(t.OutTradeNo), cell(kind), cell(t.Subject),
			cell(wireTime(t.Created)), cell(wireTime(at)), cell(t.StoreID), cell(""), cell(t.OperatorID),
			cell(t.TerminalID), cell(t.BuyerLogonID), cell(Yuan(t.Total)), cell(Yuan(received)),
			cell("0.00"), cell("0.00"), cell("0.00"), cell("0.00"), cell("0.00"), cell(""), cell("0.00"),
			cell("0.00"), cell(reqNo), cell("0.00"), cell("0.00"), cell("")}
	}
	for i := range trades {
		t := &trades[i]
		if in(t.Paid) {
			rows = append(rows, row(t, "交易", t.Paid, t.Total, ""))
			pays++
			paid += t.Total
			ss := sum(t.StoreID)
			ss.pays++
			ss.ordered += t.Total
			ss.received += t.Total
		}
		for _, r := range t.Refunds {
			if in(r.At) {
				rows = append(rows, row(t, "退款", r.At, -r.Amount, r.OutRequestNo))
				refunds++
				refunded += r.Amount
				ss := sum(t.StoreID)
				ss.refunds++
				ss.received -= r.Amount
			}
		}
	}
	period := fmt.Sprintf("#起始日期：[%s]   终止日期：[%s]", chinaDate(link.from), chinaDate(link.to))
	account := fmt.Sprintf("#账号：[%s]", link.seller)
	detail, err := gbkCSV(
		[]string{"#支付宝业务明细查询", account, period, "#-----------------------------------------业务明细列表----------------------------------------"},
		append([][]string{BillDetailHeader}, rows...),
		[]string{"#-----------------------------------------业务明细列表结束------------------------------------",
			fmt.Sprintf("#交易合计：%d笔，商家实收共%s元，商家优惠共0.00元", pays, Yuan(paid)),
			fmt.Sprintf("#退款合计：%d笔，商家实收退款共%s元，商家优惠退款共0.00元", refunds, Yuan(-refunded)),
			"#导出时间：[" + chinaDate(now) + "]"})
	if err != nil {
		return nil, err
	}
	summary := [][]string{BillSummaryHeader}
	var total storeSum
	for _, st := range stores {
		ss := sums[st]
		summary = append(summary, []string{st, "", strconv.Itoa(ss.pays), strconv.Itoa(ss.refunds), Yuan(ss.ordered), Yuan(ss.received), "0.00", "0.00", "0.00", "0.00", "0.00", Yuan(ss.received)})
		total.pays += ss.pays
		total.refunds += ss.refunds
		total.ordered += ss.ordered
		total.received += ss.received
	}
	summary = append(summary, []string{"合计", "", strconv.Itoa(total.pays), strconv.Itoa(total.refunds), Yuan(total.ordered), Yuan(total.received), "0.00", "0.00", "0.00", "0.00", "0.00", Yuan(total.received)})
	sumFile, err := gbkCSV(
		[]string{"#支付宝业务汇总查询", account, period, "#-----------------------------------------业务汇总列表----------------------------------------"},
		summary,
		[]string{"#-----------------------------------------业务汇总列表结束------------------------------------",
			"#导出时间：[" + chinaDate(now) + "]"})
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	base := link.seller + "_" + link.label
	for _, f := range []struct {
		name string
		data []byte
	}{{base + "_业务明细.csv", detail}, {base + "_业务明细(汇总).csv", sumFile}} {
		fw, err := zw.CreateHeader(&zip.FileHeader{Name: f.name, Method: zip.Deflate, Modified: now.In(CST)})
		if err != nil {
			return nil, err
		}
		if _, err := fw.Write(f.data); err != nil {
			return nil, err
		}
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

func chinaDate(t time.Time) string { return t.In(CST).Format("2006年01月02日 15:04:05") }

// gbkCSV writes comment lines, CSV records and more comment lines with
// CRLF line ends, encoded in GBK.
func gbkCSV(head []string, records [][]string, tail []string) ([]byte, error) {
	var b bytes.Buffer
	for _, l := range head {
		b.WriteString(l + "\r\n")
	}
	cw := csv.NewWriter(&b)
	cw.UseCRLF = true
	if err := cw.WriteAll(records); err != nil {
		return nil, err
	}
	for _, l := range tail {
		b.WriteString(l + "\r\n")
	}
	return encoding.ReplaceUnsupported(simplifiedchinese.GBK.NewEncoder()).Bytes(b.Bytes())
}
