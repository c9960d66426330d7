package sentiment

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestRedact(t *testing.T) {
	tests := []struct {
		name, in, want string
		kinds          []string
	}{
		{"mobile", "我的电话13812345678，尽快联系", "我的电话[PHONE]，尽快联系", []string{"PHONE"}},
		{"mobile with spaces", "打138 1234 5678找我", "打[PHONE]找我", []string{"PHONE"}},
		{"mobile with +86", "call +86 139-1234-5678 please", "call [PHONE] please", []string{"PHONE"}},
		{"landline", "座机010-62345678", "座机[PHONE]", []string{"PHONE"}},
		{"valid id", "身份证440305199011113002已提交", "身份证[ID]已提交", []string{"ID"}},
		{"invalid id checksum kept", "编号440305199011113003", "编号440305199011113003", nil},
		{"email", "发到 li.wei+tv@example.com 吧", "发到 [EMAIL] 吧", []string{"EMAIL"}},
		{"bank card luhn", "卡号6222020200112233446退款", "卡号[CARD]退款", []string{"CARD"}},
		{"card number failing luhn kept", "编码6222020200112233445", "编码6222020200112233445", nil},
		{"address", "地址是北京市海淀区中关村大街27号3单元502室，麻烦上门", "地址是[ADDRESS]，麻烦上门", []string{"ADDRESS"}},
		{"order number kept", "订单号2026110212345678903查一下", "订单号2026110212345678903查一下", nil},
		{"model names kept", "E8N 65和Redmi X55都黑屏", "E8N 65和Redmi X55都黑屏", nil},
		{"date kept", "2026-11-02买的，¥3999", "2026-11-02买的，¥3999", nil},
		{"short numbers kept", "等了30分钟，第3次", "等了30分钟，第3次", nil},
		{"landline without dash", "座机01062345678", "座机[PHONE]", []string{"PHONE"}},
		{"landline with space", "或者0755-8888 6666", "或者[PHONE]", []string{"PHONE"}},
		{"400 hotline kept", "客服热线400-800-1234打不通", "客服热线400-800-1234打不通", nil},
		{"id with X", "身份证号码11010519491231002X", "身份证号码[ID]", []string{"ID"}},
		{"card with spaces", "卡号 6222 0202 0011 2233 446", "卡号 [CARD]", []string{"CARD"}},
		{"address with building and room", "住址：广州市天河区天河路385号太古汇1座2001室", "住址：[ADDRESS]", []string{"ADDRESS"}},
		{"residential compound", "我住在幸福小区5栋2单元301", "我住在[ADDRESS]", []string{"ADDRESS"}},
		{"price with decimals kept", "价格3999.00元，优惠后¥2899", "价格3999.00元，优惠后¥2899", nil},
		{"chinese date and time kept", "2026年11月2日18:30下单", "2026年11月2日18:30下单", nil},
		{"datetime kept", "2026-11-02 10:30:00", "2026-11-02 10:30:00", nil},
		{"model with size kept", "65E8N和55寸的区别，X55 Pro 2024款", "65E8N和55寸的区别，X55 Pro 2024款", nil},
		{"serial number (Luhn-valid) kept after 序列号", "序列号4111111111111111", "序列号4111111111111111", nil},
		{"invalid UTF-8 replaced", "a\xffb", "a\uFFFDb", nil},
		{"several kinds", "电话13912345678 邮箱a@b.cn", "电话[PHONE] 邮箱[EMAIL]", []string{"EMAIL", "PHONE"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, kinds := Redact(tc.in)
			if got != tc.want {
				t.Fatalf("Redact(%q) = %q, want %q", tc.in, got, tc.want)
			}
			if tc.kinds != nil && strings.Join(kinds, ",") != strings.Join(tc.kinds, ",") {
				t.Fatalf("kinds %v, want %v", kinds, tc.kinds)
			}
		})
	}
}

func TestValidCardIsRedacted(t *testing.T) {
	// 4111111111111111 is Luhn-valid.
	got, kinds := Redact("card 4111 1111 1111 1111 thanks")
	if got != "card [CARD] thanks" || len(kinds) != 1 || kinds[0] != PIICard {
		t.Fatalf("got %q %v", got, kinds)
	}
}

func TestNormalize(t *testing.T) {
	tests := []struct{ in, want string }{
		{"ＡＢＣ１２３，ｏｋ", "abc123,ok"},
		{"太慢了！！！！", "太慢了!"},
		{"为什么？？？", "为什么?"},
		{"好评👍👍", "好评👍👍"},
		{"  Hello　World  ", "hello world"},
	}
	for _, tc := range tests {
		if got := Normalize(tc.in); got != tc.want {
			t.Errorf("Normalize(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestDetectLang(t *testing.T) {
	tests := []struct{ in, want string }{
		{"电视黑屏了", LangZH},
		{"E8N 65 电视黑屏了", LangZH},
		{"My TV keeps rebooting", LangEN},
		{"app一直crash，太烦了", LangMixed},
		{"", ""},
		{"12345", ""},
	}
	for _, tc := range tests {
		if got := DetectLang(tc.in); got != tc.want {
			t.Errorf("DetectLang(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func FuzzRedact(f *testing.F) {
	for _, s := range []string{"电话13812345678", "440305199011113002", "a@b.cn", "北京市海淀区中关村大街27号", "\xff\xfe", "4111 1111 1111 1111",
		"订单号2026110212345678903", "E8N 65", "+86 139-1234-5678", "010-62345678", "地址是上海市浦东新区世纪大道100号2栋3单元", "[PHONE]13812345678"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		out, kinds := Redact(s)
		if !utf8.ValidString(out) {
			t.Fatalf("Redact(%q) = %q: invalid UTF-8", s, out)
		}
		for _, k := range kinds {
			if !strings.Contains(out, "["+k+"]") {
				t.Fatalf("Redact(%q) = %q reports %s without its placeholder", s, out, k)
			}
		}
		if len(kinds) == 0 && utf8.ValidString(s) && out != s {
			t.Fatalf("Redact(%q) changed the text to %q but found nothing", s, out)
		}
	})
}

func FuzzNormalize(f *testing.F) {
	for _, s := range []string{"ＡＢＣ！！", "太慢了！！！", "\xff", "😡😡", "　全角　空格　", "ⅫİK", "a\u0301"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		out := Normalize(s)
		if !utf8.ValidString(out) {
			t.Fatalf("Normalize(%q) = %q: invalid UTF-8", s, out)
		}
		if again := Normalize(out); again != out {
			t.Fatalf("Normalize is not idempotent: %q -> %q -> %q", s, out, again)
		}
	})
}
