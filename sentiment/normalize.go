package sentiment

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Normalize folds full-width forms to half-width, lower-cases letters,
// collapses runs of the same punctuation mark to one, and trims spaces.
// Emoji and all other characters are kept. Invalid UTF-8 bytes are dropped.
func Normalize(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	var prev rune = -1
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		i += size
		if r == utf8.RuneError && size <= 1 {
			continue
		}
		switch {
		case r == 0x3000:
			r = ' '
		case r >= 0xFF01 && r <= 0xFF5E:
			r -= 0xFEE0
		}
		r = unicode.ToLower(r)
		if r == prev && (unicode.IsPunct(r) || unicode.IsSpace(r) || r == '~') {
			continue
		}
		b.WriteRune(r)
		prev = r
	}
	return strings.TrimSpace(b.String())
}
