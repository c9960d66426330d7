package sentiment

import "unicode"

// Languages returned by DetectLang.
const (
	LangZH    = "zh"
	LangEN    = "en"
	LangMixed = "mixed"
)

// DetectLang says whether s is Chinese, English or a mix: Han characters
// against Latin words (runs of two or more letters without digits, so model
// names like E8N or X55 do not count).
func DetectLang(s string) string {
	han, words, run, digitInRun := 0, 0, 0, false
	flush := func() {
		if run >= 2 && !digitInRun {
			words++
		}
		run, digitInRun = 0, false
	}
	for _, r := range s {
		switch {
		case unicode.Is(unicode.Han, r):
			han++
			flush()
		case r < 128 && unicode.IsLetter(r):
			run++
		case r < 128 && unicode.IsDigit(r):
			if run > 0 {
				digitInRun = true
			}
		default:
			flush()
		}
	}
	flush()
	switch {
	case han == 0 && words == 0:
		return ""
	case han == 0:
		return LangEN
	case words == 0:
		return LangZH
	case words >= 3 && han < 4*words:
		return LangMixed
	case words >= 1 && han <= 6:
		return LangMixed
	}
	return LangZH
}
