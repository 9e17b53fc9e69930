package payment

// subCodeMessages are what the till shows for the platform's sub_codes:
// short enough for a 16-column CJK line, with the English beside it.
var subCodeMessages = map[string]Message{
	"ACQ.SYSTEM_ERROR":                           {"系统繁忙，请查询", "System busy; query the trade"},
	"ACQ.PAYMENT_AUTH_CODE_INVALID":              {"付款码无效，请刷新", "Payment code invalid; refresh it"},
	"ACQ.TRADE_HAS_SUCCESS":                      {"交易已支付", "Trade already paid"},
	"ACQ.TRADE_HAS_CLOSE":                        {"交易已关闭", "Trade already closed"},
	"ACQ.CONTEXT_INCONSISTENT":                   {"订单号重复，信息不符", "Order no. reused with other details"},
	"ACQ.BUYER_BALANCE_NOT_ENOUGH":               {"买家余额不足", "Buyer balance too low"},
	"ACQ.BUYER_BANKCARD_BALANCE_NOT_ENOUGH":      {"买家银行卡余额不足", "Buyer bank card balance too low"},
	"ACQ.TOTAL_FEE_EXCEED":                       {"金额超出限额", "Amount over the limit"},
	"ACQ.PAYMENT_FAIL":                           {"支付失败，请重试", "Payment failed; try again"},
	"ACQ.PAYMENT_REQUEST_HAS_RISK":               {"支付有风险，请换方式", "Risk refused; use another method"},
	"ACQ.INVALID_PARAMETER":                      {"参数无效", "Invalid parameter"},
	"ACQ.ACCESS_FORBIDDEN":                       {"无权限使用此接口", "Not permitted for this merchant"},
	"ACQ.TRADE_NOT_EXIST":                        {"交易不存在", "Trade not found"},
	"ACQ.BUYER_PAYMENT_AMOUNT_DAY_LIMIT_ERROR":   {"超出买家当日限额", "Buyer daily limit exceeded"},
	"ACQ.BUYER_PAYMENT_AMOUNT_MONTH_LIMIT_ERROR": {"超出买家当月限额", "Buyer monthly limit exceeded"},
	"ACQ.BUYER_SELLER_EQUAL":                     {"买卖家不能相同", "Buyer and seller are the same"},
	"ACQ.ERROR_BUYER_CERTIFY_LEVEL_LIMIT":        {"买家未实名认证", "Buyer not identity-verified"},
	"ACQ.PAYMENT_AUTH_CODE_EXPIRED":              {"付款码已过期", "Payment code expired"},
	"ACQ.TRADE_STATUS_ERROR":                     {"交易状态不允许", "Trade state does not allow this"},
	"ACQ.SELLER_BALANCE_NOT_ENOUGH":              {"商户余额不足", "Merchant balance too low"},
	"ACQ.REFUND_AMT_NOT_EQUAL_TOTAL":             {"退款金额超限", "Refund exceeds what was paid"},
	"ACQ.REFUND_FEE_ERROR":                       {"退款金额无效", "Refund amount invalid"},
	"ACQ.REASON_TRADE_BEEN_FREEZEN":              {"交易已冻结", "Trade frozen"},
	"ACQ.REASON_TRADE_REFUND_FEE_ERR":            {"退款金额无效", "Refund amount invalid"},
	"isv.invalid-signature":                      {"签名无效，请检查密钥", "Invalid signature; check the keys"},
	"isv.invalid-app-id":                         {"应用ID无效", "Invalid app id"},
	"isp.unknow-error":                           {"结果未知，请查询", "Result unknown; query the trade"},
	"TRADE_CLOSED":                               {"买家未付款，交易关闭", "Buyer did not pay; trade closed"},
}

// codeMessages cover a code without a known sub_code.
var codeMessages = map[string]Message{
	CodeUnknown:      {"结果未知，请查询", "Result unknown; query the trade"},
	CodeMissing:      {"缺少必选参数", "Missing parameter"},
	CodeInvalid:      {"参数无效", "Invalid arguments"},
	CodeBusiness:     {"业务处理失败", "Business failure"},
	CodeNoPermission: {"权限不足", "Insufficient permissions"},
}

// OperatorMessage is the short text the till shows for a platform answer.
func OperatorMessage(code, subCode string) Message {
	if m, ok := subCodeMessages[subCode]; ok {
		return m
	}
	if m, ok := codeMessages[code]; ok {
		if subCode != "" {
			m.EN += " (" + subCode + ")"
		}
		return m
	}
	return Message{"支付失败（" + code + "）", "Declined (" + code + " " + subCode + ")"}
}
