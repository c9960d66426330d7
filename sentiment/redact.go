package sentiment

import (
	"regexp"
	"strings"
)

// PII kinds, also the placeholder texts ([PHONE] ...).
const (
	PIIPhone   = "PHONE"
	PIIID      = "ID"
	PIICard    = "CARD"
	PIIEmail   = "EMAIL"
	PIIAddress = "ADDRESS"
)

var (
	emailRe = regexp.MustCompile(`[A-Za-z0-9._%+\-]+@[A-Za-z0-9.\-]+\.[A-Za-z]{2,}`)
	// Runs of digits with optional single spaces/dashes inside, optionally
	// ending in X (ID numbers), optionally starting with +.
	numberRe = regexp.MustCompile(`\+?\d(?:[\d]|[ \-]\d){6,24}[\dXx]?`)
	// Street addresses: optional province/city/district parts, a road, a
	// house number, optional building/unit/room.
	addressRe = regexp.MustCompile(`(?:\p{Han}{2,7}(?:省|市|区|县|镇))*\p{Han}{1,10}(?:路|街|大道|巷|弄|道)\d+号(?:\p{Han}{0,6}\d+(?:栋|幢|座|号楼|单元|楼|层|室))*(?:\d+)?` +
		// or a residential compound with building and unit: 幸福小区5栋2单元301
		`|\p{Han}{2,8}(?:小区|花园|公寓|大厦|家园|新村|苑)\d+(?:栋|幢|座|号楼)(?:\d+(?:单元|楼|层|室))*(?:\d+)?`)
	addressLeadIns = []string{"地址是", "地址为", "地址", "住址是", "住址", "住在", "家在", "送到", "寄到", "搬到"}
	keepContext    = []string{"订单", "单号", "运单", "工单", "order", "tracking", "sn", "序列号"}
)

// Redact replaces personal data in s with typed placeholders and returns the
// kinds it found (each once, in order of first appearance). Invalid UTF-8 is
// replaced by U+FFFD, so the result is always valid UTF-8.
func Redact(s string) (string, []string) {
	s = strings.ToValidUTF8(s, "\uFFFD")
	var kinds []string
	add := func(k string) {
		for _, x := range kinds {
			if x == k {
				return
			}
		}
		kinds = append(kinds, k)
	}
	// The regexps are the slow part of Analyze: skip those that cannot match.
	if strings.IndexByte(s, '@') >= 0 {
		s = emailRe.ReplaceAllStringFunc(s, func(string) string { add(PIIEmail); return "[" + PIIEmail + "]" })
	}
	if !strings.Contains(s, "号") && !strings.Contains(s, "栋") && !strings.Contains(s, "幢") && !strings.Contains(s, "座") {
		s = redactNumbers(s, add)
		return s, kinds
	}
	s = addressRe.ReplaceAllStringFunc(s, func(m string) string {
		add(PIIAddress)
		// The regexp cannot tell where the address starts after a lead-in
		// such as 地址是: keep the lead-in.
		lead := ""
		for _, p := range addressLeadIns {
			if i := strings.LastIndex(m, p); i >= 0 && len(m[:i+len(p)]) > len(lead) {
				lead = m[:i+len(p)]
			}
		}
		return lead + "[" + PIIAddress + "]"
	})
	s = redactNumbers(s, add)
	return s, kinds
}

// redactNumbers replaces phone, ID and card numbers.
func redactNumbers(s string, add func(kind string)) string {
	if !hasDigitRun(s, 7) {
		return s
	}
	locs := numberRe.FindAllStringIndex(s, -1)
	if len(locs) == 0 {
		return s
	}
	var b strings.Builder
	last := 0
	for _, loc := range locs {
		start, end := loc[0], loc[1]
		// Part of a longer alphanumeric token (model names like X55, E8N 65) stays.
		if start > 0 && isASCIIAlnum(s[start-1]) || end < len(s) && isASCIIAlnum(s[end]) {
			continue
		}
		kind := classifyNumber(s[start:end])
		if kind == "" || kind != PIIID && kind != PIIPhone && orderContext(s[:start]) {
			continue
		}
		b.WriteString(s[last:start])
		b.WriteString("[" + kind + "]")
		last = end
		add(kind)
	}
	b.WriteString(s[last:])
	return b.String()
}

// hasDigitRun reports whether s has n digits with at most one space or dash
// between neighbours, the least that numberRe needs.
func hasDigitRun(s string, n int) bool {
	run, gap := 0, false
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c >= '0' && c <= '9':
			run++
			gap = false
			if run >= n {
				return true
			}
		case (c == ' ' || c == '-') && run > 0 && !gap:
			gap = true
		default:
			run, gap = 0, false
		}
	}
	return false
}

func isASCIIAlnum(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}

// orderContext reports whether the text before a number names it as an
// order/ticket/serial number, which analysts need and which is not personal.
func orderContext(before string) bool {
	if len(before) > 24 {
		before = before[len(before)-24:]
	}
	before = strings.ToLower(before)
	for _, k := range keepContext {
		if strings.Contains(before, k) {
			return true
		}
	}
	return false
}

// classifyNumber returns the PII kind of a digit run, or "".
func classifyNumber(raw string) string {
	hasDash := strings.Contains(raw, "-")
	var d []byte
	for i := 0; i < len(raw); i++ {
		c := raw[i]
		if c >= '0' && c <= '9' || c == 'X' || c == 'x' {
			d = append(d, c)
		}
	}
	digits := string(d)
	n := len(digits)
	switch {
	case n == 18 && validID(digits):
		return PIIID
	case n == 11 && digits[0] == '1' && digits[1] >= '3' && digits[1] <= '9' && allDigits(digits):
		return PIIPhone
	case n == 13 && strings.HasPrefix(digits, "861") && digits[3] >= '3' && digits[3] <= '9' && allDigits(digits):
		return PIIPhone
	case n >= 10 && n <= 12 && digits[0] == '0' && hasDash && allDigits(digits):
		return PIIPhone // landline 0xx-xxxxxxxx
	case (n == 11 || n == 12) && digits[0] == '0' && digits[1] != '0' && allDigits(digits):
		return PIIPhone // landline without a dash: 01062345678, 075588886666
	case n >= 16 && n <= 19 && allDigits(digits) && luhn(digits):
		return PIICard
	}
	return ""
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// validID checks the GB 11643 checksum of an 18-character ID number.
func validID(s string) bool {
	weights := [17]int{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}
	const check = "10X98765432"
	sum := 0
	for i := 0; i < 17; i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
		sum += int(s[i]-'0') * weights[i]
	}
	last := s[17]
	if last == 'x' {
		last = 'X'
	}
	// Birth date plausibility: year 19xx/20xx, month 01-12.
	if !(s[6] == '1' && s[7] == '9' || s[6] == '2' && s[7] == '0') || s[10] > '1' || s[10] == '1' && s[11] > '2' || s[10] == '0' && s[11] == '0' {
		return false
	}
	return check[sum%11] == last
}

// luhn checks the Luhn checksum of bank-card numbers.
func luhn(s string) bool {
	sum, double := 0, false
	for i := len(s) - 1; i >= 0; i-- {
		d := int(s[i] - '0')
		if double {
			d *= 2
			if d > 9 {
				d -= 9
			}
		}
		sum += d
		double = !double
	}
	return sum%10 == 0
}
