package hostsim

import "strings"

// Gateway codes (the "code" member of every reply) and their msg texts, as
// the real gateway spells them. The leading space of MsgInProcess is real.
const (
	CodeSuccess      = "10000"
	CodeInProcess    = "10003"
	CodeUnknown      = "20000"
	CodeMissing      = "40001"
	CodeInvalid      = "40002"
	CodeBusiness     = "40004"
	CodeNoPermission = "40006"

	MsgSuccess      = "Success"
	MsgInProcess    = " order success pay inprocess"
	MsgUnknown      = "Service Currently Unavailable"
	MsgMissing      = "Missing Required Arguments"
	MsgInvalid      = "Invalid Arguments"
	MsgBusiness     = "Business Failed"
	MsgNoPermission = "Insufficient Permissions"
)

// Sub-codes the simulator answers. The isv.* ones are the gateway's own
// (public error codes); ACQ.* come from the trade service.
const (
	SubUnknownError = "isp.unknow-error" // sic: Alipay's spelling

	SubMissingMethod    = "isv.missing-method"
	SubMissingSignature = "isv.missing-signature"
	SubMissingSignType  = "isv.missing-signature-type"
	SubMissingAppID     = "isv.missing-app-id"
	SubMissingTimestamp = "isv.missing-timestamp"
	SubMissingVersion   = "isv.missing-version"
	SubInvalidParameter = "isv.invalid-parameter"
	SubInvalidMethod    = "isv.invalid-method"
	SubInvalidFormat    = "isv.invalid-format"
	SubInvalidSignType  = "isv.invalid-signature-type"
	SubInvalidSignature = "isv.invalid-signature"
	SubInvalidAppID     = "isv.invalid-app-id"
	SubInvalidTimestamp = "isv.invalid-timestamp"
	SubInvalidCharset   = "isv.invalid-charset"
	SubNoPermission     = "isv.insufficient-isv-permissions"

	SubSystemError          = "ACQ.SYSTEM_ERROR"
	SubInvalidBizParameter  = "ACQ.INVALID_PARAMETER"
	SubAccessForbidden      = "ACQ.ACCESS_FORBIDDEN"
	SubTotalFeeExceed       = "ACQ.TOTAL_FEE_EXCEED"
	SubAuthCodeInvalid      = "ACQ.PAYMENT_AUTH_CODE_INVALID"
	SubContextInconsistent  = "ACQ.CONTEXT_INCONSISTENT"
	SubTradeHasSuccess      = "ACQ.TRADE_HAS_SUCCESS"
	SubTradeHasClose        = "ACQ.TRADE_HAS_CLOSE"
	SubBalanceNotEnough     = "ACQ.BUYER_BALANCE_NOT_ENOUGH"
	SubBankcardNotEnough    = "ACQ.BUYER_BANKCARD_BALANCE_NOT_ENOUGH"
	SubPaymentFail          = "ACQ.PAYMENT_FAIL"
	SubRequestHasRisk       = "ACQ.PAYMENT_REQUEST_HAS_RISK"
	SubTradeNotExist        = "ACQ.TRADE_NOT_EXIST"
	SubTradeBuyerNotMatch   = "ACQ.TRADE_BUYER_NOT_MATCH"
	SubTradeStatusError     = "ACQ.TRADE_STATUS_ERROR"
	SubRefundAmountExceed   = "ACQ.REFUND_AMT_NOT_EQUAL_TOTAL"
	SubDiscordantRepeat     = "ACQ.DISCORDANT_REPEAT_REQUEST"
	SubTradeNotAllowRefund  = "ACQ.TRADE_NOT_ALLOW_REFUND"
	SubTradeCancelTimeOut   = "ACQ.TRADE_CANCEL_TIME_OUT"
	SubBillNotExist         = "isp.bill_not_exist"
	SubBillInvalidArguments = "isv.invalid_arguments"
)

// subCodes maps every sub_code the simulator knows to its code and sub_msg.
var subCodes = map[string]struct{ code, msg string }{
	SubUnknownError: {CodeUnknown, "系统繁忙"},

	SubMissingMethod:    {CodeMissing, "缺少方法名参数"},
	SubMissingSignature: {CodeMissing, "缺少签名参数"},
	SubMissingSignType:  {CodeMissing, "缺少签名类型参数"},
	SubMissingAppID:     {CodeMissing, "缺少appId参数"},
	SubMissingTimestamp: {CodeMissing, "缺少时间戳参数"},
	SubMissingVersion:   {CodeMissing, "缺少版本参数"},
	SubInvalidParameter: {CodeInvalid, "参数无效"},
	SubInvalidMethod:    {CodeInvalid, "不存在的方法名"},
	SubInvalidFormat:    {CodeInvalid, "无效的数据格式"},
	SubInvalidSignType:  {CodeInvalid, "无效的签名类型"},
	SubInvalidSignature: {CodeInvalid, "无效签名"},
	SubInvalidAppID:     {CodeInvalid, "无效的AppID参数"},
	SubInvalidTimestamp: {CodeInvalid, "非法的时间戳参数"},
	SubInvalidCharset:   {CodeInvalid, "字符集错误"},
	SubNoPermission:     {CodeNoPermission, "ISV权限不足，建议在开发者中心检查签约是否已经生效"},

	SubSystemError:          {CodeBusiness, "系统错误"},
	SubInvalidBizParameter:  {CodeBusiness, "参数无效"},
	SubAccessForbidden:      {CodeBusiness, "无权限使用接口"},
	SubTotalFeeExceed:       {CodeBusiness, "订单金额超过限额"},
	SubAuthCodeInvalid:      {CodeBusiness, "支付授权码无效"},
	SubContextInconsistent:  {CodeBusiness, "交易信息被篡改"},
	SubTradeHasSuccess:      {CodeBusiness, "交易已被支付"},
	SubTradeHasClose:        {CodeBusiness, "交易已经关闭"},
	SubBalanceNotEnough:     {CodeBusiness, "买家余额不足"},
	SubBankcardNotEnough:    {CodeBusiness, "用户银行卡余额不足"},
	SubPaymentFail:          {CodeBusiness, "支付失败"},
	SubRequestHasRisk:       {CodeBusiness, "支付有风险"},
	SubTradeNotExist:        {CodeBusiness, "交易不存在"},
	SubTradeBuyerNotMatch:   {CodeBusiness, "交易买家不匹配"},
	SubTradeStatusError:     {CodeBusiness, "交易状态不合法"},
	SubRefundAmountExceed:   {CodeBusiness, "退款金额超限"},
	SubDiscordantRepeat:     {CodeBusiness, "不一致的请求"},
	SubTradeNotAllowRefund:  {CodeBusiness, "当前交易不允许退款"},
	SubTradeCancelTimeOut:   {CodeBusiness, "超过撤销时间范围"},
	SubBillNotExist:         {CodeBusiness, "账单不存在"},
	SubBillInvalidArguments: {CodeBusiness, "参数不合法"},
}

// msgOf is the msg text of a code.
func msgOf(code string) string {
	switch code {
	case CodeSuccess:
		return MsgSuccess
	case CodeInProcess:
		return MsgInProcess
	case CodeUnknown:
		return MsgUnknown
	case CodeMissing:
		return MsgMissing
	case CodeInvalid:
		return MsgInvalid
	case CodeNoPermission:
		return MsgNoPermission
	}
	return MsgBusiness
}

// Result is the part every reply member starts with.
type Result struct {
	Code    string `json:"code"`
	Msg     string `json:"msg"`
	SubCode string `json:"sub_code,omitempty"`
	SubMsg  string `json:"sub_msg,omitempty"`
}

// IsSubCode reports whether the simulator knows sub, and with which code.
func IsSubCode(sub string) (code string, ok bool) {
	c, ok := subCodes[sub]
	return c.code, ok
}

// failure is a reply other than 10000/10003. detail, when set, is appended
// to the sub_msg, as the real gateway does for parameter errors.
func failure(sub string, detail ...string) *Result {
	c, ok := subCodes[sub]
	if !ok { // an injected sub_code the table does not know
		c.code, c.msg = CodeBusiness, sub
	}
	msg := c.msg
	if len(detail) > 0 && detail[0] != "" {
		msg += "：" + strings.Join(detail, " ")
	}
	return &Result{Code: c.code, Msg: msgOf(c.code), SubCode: sub, SubMsg: msg}
}

func (r *Result) Error() string { return r.Code + " " + r.SubCode + " " + r.SubMsg }

func ok() Result { return Result{Code: CodeSuccess, Msg: MsgSuccess} }
