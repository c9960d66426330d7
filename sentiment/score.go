package sentiment

import (
	"math"
	"strings"
	"unicode"
	"unicode/utf8"
)

var (
	// emojiWeight: negative and positive emoji.
	emojiWeight = map[rune]float64{
		'😡': -0.6, '😠': -0.6, '🤬': -0.6, '💢': -0.6, '👎': -0.6, '😤': -0.6, '😭': -0.6,
		'😢': -0.6, '😞': -0.6, '😒': -0.6, '🙄': -0.6, '😑': -0.6, '😩': -0.6, '😫': -0.6,
		'👍': 0.6, '😊': 0.6, '😀': 0.6, '😄': 0.6, '❤': 0.6, '👏': 0.6, '🎉': 0.6,
		'😁': 0.6, '🥰': 0.6, '💯': 0.6, '🌹': 0.6, '😃': 0.6,
	}
	// Rhetorical or pressing questions that signal annoyance.
	pressing = []string{"难道", "怎么还", "到底什么时候", "还要等多久", "有没有人", "怎么回事", "什么情况", "为什么还", "how long", "is anyone", "seriously"}
)

// Score returns the sentiment of a normalised text in [-1, 1].
func (l *Lexicon) Score(norm string) float64 {
	before, after, found := l.splitContrast(norm)
	return l.scoreSplit(norm, before, after, found)
}

// scoreSplit is Score with norm already split at its last contrast word
// (splitContrast), for callers that need the split too.
func (l *Lexicon) scoreSplit(norm, before, after string, found bool) float64 {
	if norm == "" {
		return 0
	}
	// Contrast: the clause after the last contrast word dominates.
	var sum float64
	if found && strings.TrimSpace(before) != "" && strings.TrimSpace(after) != "" {
		sum = 0.5*l.clause(before) + 1.5*l.clause(after)
	} else {
		sum = l.clause(norm)
	}
	for _, r := range norm {
		if r >= 0x2600 && !unicode.Is(unicode.Han, r) {
			sum += emojiWeight[r]
		}
	}
	for _, p := range pressing {
		if strings.Contains(norm, p) {
			sum -= 0.5
		}
	}
	if strings.ContainsAny(norm, "!") && sum != 0 {
		sum *= 1.2
	}
	return math.Tanh(sum)
}

// Label maps a score to neg, neu or pos.
func Label(score float64) string {
	switch {
	case score >= 0.3:
		return "pos"
	case score <= -0.3:
		return "neg"
	}
	return "neu"
}

func (l *Lexicon) splitContrast(s string) (before, after string, found bool) {
	best := -1
	bestLen := 0
	for _, c := range l.Contrast {
		i := strings.LastIndex(s, c)
		if i <= 0 {
			continue
		}
		if isASCIIWord(c) && !wordBoundary(s, i, len(c)) {
			continue
		}
		if i > best {
			best, bestLen = i, len(c)
		}
	}
	if best < 0 {
		return s, "", false
	}
	return s[:best], s[best+bestLen:], true
}

func isASCIIWord(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 128 {
			return false
		}
	}
	return true
}

func wordBoundary(s string, i, n int) bool {
	isLetter := func(b byte) bool { return b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' }
	return (i == 0 || !isLetter(s[i-1])) && (i+n >= len(s) || !isLetter(s[i+n]))
}

// clause sums the weights of lexicon matches, with negation and degree.
func (l *Lexicon) clause(s string) float64 {
	return l.zh(s) + l.en(s)
}

// zh scans Chinese text with longest-match lookup. It works on byte offsets
// of runes so that lookups slice the string instead of allocating.
func (l *Lexicon) zh(s string) float64 {
	var stack [128]int
	off := stack[:0]
	for i := range s {
		off = append(off, i)
	}
	n := len(off)
	off = append(off, len(s))
	var sum float64
	for i := 0; i < n; {
		r, _ := utf8.DecodeRuneInString(s[off[i]:])
		if !unicode.Is(unicode.Han, r) && !unicode.IsDigit(r) {
			i++
			continue
		}
		matched := 0
		var w float64
		for k := min(l.maxZHRune, n-i); k >= 1; k-- {
			if v, ok := l.ZH[s[off[i]:off[i+k]]]; ok {
				matched, w = k, v
				break
			}
		}
		if matched == 0 {
			i++
			continue
		}
		w *= l.modifiers(s, off, i)
		sum += w
		i += matched
	}
	return sum
}

// modifiers looks at up to 4 runes before rune i (off holds rune offsets
// into s) for a negator and a degree word (in either order: 不太好, 太不好).
func (l *Lexicon) modifiers(s string, off []int, i int) float64 {
	lo := max(0, i-4)
	// Stop at clause punctuation.
	for k := i - 1; k >= lo; k-- {
		if r, _ := utf8.DecodeRuneInString(s[off[k]:]); unicode.IsPunct(r) || unicode.IsSpace(r) {
			lo = k + 1
			break
		}
	}
	negated, degree := false, 1.0
	for start := lo; start < i; start++ {
		for end := i; end > start; end-- {
			w := s[off[start]:off[end]]
			if l.Negation[w] {
				negated = true
			} else if d, ok := l.Degree[w]; ok && end >= i-1 {
				degree = max(degree, d)
			}
		}
	}
	m := 1.0
	if negated {
		m = -0.7
	}
	return m * degree
}

// en scores English words.
func (l *Lexicon) en(s string) float64 {
	words := strings.FieldsFunc(s, func(r rune) bool { return !(r < 128 && (unicode.IsLetter(r) || r == '\'')) })
	var sum float64
	for i := 0; i < len(words); i++ {
		w, start := words[i], i
		v, ok := l.EN[w]
		if n := l.enPhrase[w]; n > 1 {
			// Longest multi-word entry first; the phrase's words are
			// consumed so that "hung up" is not also scored as "up".
			for k := min(n, len(words)-i); k > 1; k-- {
				var buf [64]byte
				key := append(buf[:0], words[i]...)
				for _, w := range words[i+1 : i+k] {
					key = append(append(key, ' '), w...)
				}
				// string(key) in a map index does not allocate.
				if pv, pok := l.EN[string(key)]; pok {
					v, ok = pv, true
					i += k - 1
					break
				}
			}
		}
		if !ok {
			continue
		}
		for k := max(0, start-3); k < start; k++ {
			p := words[k]
			if l.Negation[p] || strings.HasSuffix(p, "n't") {
				v *= -0.7
				break
			}
		}
		if start > 0 {
			if d, ok := l.Degree[words[start-1]]; ok {
				v *= d
			}
		}
		sum += v
	}
	return sum
}
