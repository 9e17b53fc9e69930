package hwcheck

import (
	"fmt"
	"os"
	"regexp"
	"strings"
)

// Languages the console speaks.
var Languages = []string{"en", "zh"}

// DefaultLang is zh when the environment's locale is Chinese, else en.
func DefaultLang() string {
	for _, v := range []string{"LC_ALL", "LC_MESSAGES", "LANG"} {
		if l := os.Getenv(v); l != "" {
			if strings.HasPrefix(l, "zh") {
				return "zh"
			}
			return "en"
		}
	}
	return "en"
}

// msg is one console message in every language.
type msg struct{ en, zh string }

var messages = map[string]msg{
	"serial":        {"Scan or type the unit's serial number (q to quit): ", "请扫描或输入序列号（q 退出）："},
	"bad serial":    {"Not a serial number: %s", "序列号无效：%s"},
	"unit":          {"Unit %s · plan %s · %s", "序列号 %s · 方案 %s · %s"},
	"check":         {"[%d/%d] %s · %s", "[%d/%d] %s · %s"},
	"pass":          {"PASS", "合格"},
	"fail":          {"FAIL", "不合格"},
	"skip":          {"SKIP", "跳过"},
	"error":         {"STATION ERROR", "工位错误"},
	"unit pass":     {"PASS  %s: all %d checks passed", "合格  %s：%d 项全部通过"},
	"unit fail":     {"FAIL  %s: %d of %d checks failed", "不合格  %s：%d/%d 项未通过"},
	"unit error":    {"The station could not run.", "工位无法运行。"},
	"record":        {"Record: %s", "记录：%s"},
	"next":          {"Next unit.", "下一台。"},
	"do":            {"Press Enter when done, n if it cannot be done", "完成后按回车，无法完成请输入 n"},
	"ask":           {"Answer y (yes) or n (no)", "请回答 y（是）或 n（否）"},
	"again":         {"Please answer y or n: ", "请输入 y 或 n："},
	"left":          {"%d s left", "剩余 %d 秒"},
	"no answer":     {"(no answer in %s)", "（%s 内未回答）"},
	"within":        {"(answer within %s)", "（请在 %s 内回答）"},
	"auto":          {"(answered by the emulator)", "（由模拟器自动完成）"},
	"internal":      {"internal", "内部"},
	"external":      {"external", "外观"},
	"interactive":   {"interactive", "交互"},
	"emulator":      {"emulator", "模拟器"},
	"measure":       {"%s = %s %s (limits %s)", "%s = %s %s（限值 %s）"},
	"noninter":      {"non-interactive: nobody at the station to %s", "非交互模式：工位无人执行：%s"},
	"reasons":       {"Why:", "原因："},
	"station error": {"Station error: %s", "工位错误：%s"},
}

// T is the message key in lang, formatted with args.
func T(lang, key string, args ...any) string {
	m, ok := messages[key]
	if !ok {
		return key
	}
	s := m.en
	if lang == "zh" && m.zh != "" {
		s = m.zh
	}
	if len(args) == 0 {
		return s
	}
	return fmt.Sprintf(s, args...)
}

// promptTranslations turn the harness's English prompts into Chinese; a
// prompt not listed is shown as it is.
var promptTranslations = []struct {
	re *regexp.Regexp
	zh string
}{
	{regexp.MustCompile(`^Press on the terminal's keypad: (.*)$`), "请在终端键盘上按：$1"},
	{regexp.MustCompile(`^Scan the code (.*) with the terminal's scanner$`), "请用终端扫描头扫描测试码 $1"},
	{regexp.MustCompile(`^Is every pixel of the operator screen (\w+), with no dot of another colour\?$`), "操作员屏幕是否每个像素都是${1}色、没有其他颜色的点？"},
	{regexp.MustCompile(`^Does the operator screen show (.*)\?$`), "操作员屏幕是否显示 $1？"},
	{regexp.MustCompile(`^Does the customer display show (.*)\?$`), "客显是否显示 $1？"},
	{regexp.MustCompile(`^Does the receipt show (.*)\?$`), "小票上是否有 $1？"},
	{regexp.MustCompile(`^Tear off the printed paper$`), "请撕下已打印的纸"},
	{regexp.MustCompile(`^Take the paper roll out of the printer`), "请取出打印机纸卷"},
}

var colourZh = map[string]string{"black": "黑", "white": "白", "red": "红", "green": "绿", "blue": "蓝",
	"yellow": "黄", "cyan": "青", "magenta": "品红", "gray": "灰"}

// translatePrompt is the prompt in lang.
func translatePrompt(lang, s string) string {
	if lang != "zh" {
		return s
	}
	for _, t := range promptTranslations {
		if m := t.re.FindStringSubmatchIndex(s); m != nil {
			out := string(t.re.ExpandString(nil, t.zh, s, m))
			for en, zh := range colourZh {
				out = strings.Replace(out, "是"+en+"色", "是"+zh+"色", 1)
			}
			return out
		}
	}
	return s
}
