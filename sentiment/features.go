package sentiment

import (
	"math"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/voc-analytics/voc/sentiment/linear"
)

// The trained model sees a text as hashed n-grams of units (one unit per Han
// character, Latin word, digit run, emoji or punctuation mark; n = 1..3) in
// hashBuckets buckets, followed by dense features that carry the lexicon and
// rule score, so the model learns how far to trust the rules.
const (
	// featureSet names this feature set; a model trained on another one is
	// refused. Change it whenever features change.
	featureSet  = "voc-sentiment-features-v2: units 1-3grams, after-contrast, latin 4grams+affixes, rule score"
	hashBits    = 18
	hashBuckets = 1 << hashBits
)

// Dense feature indices, after the hash buckets.
const (
	denseLexScore = hashBuckets + iota // lexicon/rule score in [-1, 1]
	denseLexBin0                       // one-hot bins of the rule score, see lexBin
	denseLexBin1
	denseLexBin2
	denseLexBin3
	denseLexBin4
	denseLexBin5
	denseLexBin6
	denseContrast // a contrast word splits the text
	denseQuestion // ends with a question
	denseExclaim  // has an exclamation mark
	denseLong     // longer than 60 characters (reviews rather than chat lines)
	numFeatures
)

// Seeds that keep n-gram orders and the clause after a contrast word apart.
const (
	saltUni   = 0x9e3779b97f4a7c15
	saltBi    = 0xc2b2ae3d27d4eb4f
	saltTri   = 0x165667b19e3779f9
	saltAfter = 0x27d4eb2f165667c5
	saltSub   = 0x85ebca77c2b2ae63
)

// appendSubwords adds character 4-grams of Latin words longer than 4
// letters (with word-boundary marks), so that disappointed, disappointing
// and misspellings share features.
func appendSubwords(x []linear.Feature, s string) []linear.Feature {
	for i := 0; i < len(s); {
		if !isASCIILetter(s[i]) {
			i++
			continue
		}
		j := i
		for j < len(s) && isASCIILetter(s[j]) {
			j++
		}
		if j-i > 4 {
			w := s[i:j]
			x = append(x, hashed(fnv(w[:3])^saltSub^1), hashed(fnv(w[len(w)-3:])^saltSub^2))
			for k := 0; k+4 <= len(w); k++ {
				x = append(x, hashed(fnv(w[k:k+4])^saltSub))
			}
		}
		i = j
	}
	return x
}

// featurizer turns normalised texts into model features.
type featurizer struct{ lex *Lexicon }

type featureBuf struct {
	units []uint64
	x     []linear.Feature
}

var featureBufs = sync.Pool{New: func() any { return &featureBuf{units: make([]uint64, 0, 64), x: make([]linear.Feature, 0, 256)} }}

// features appends the features of norm to buf.x (reset first) and returns them.
func (f featurizer) features(norm string, buf *featureBuf) []linear.Feature {
	buf.units = appendUnits(buf.units[:0], norm)
	x := buf.x[:0]
	u := buf.units
	before, afterText, found := f.lex.splitContrast(norm)
	after := contrastUnit(before, afterText, found, u)
	for i := range u {
		x = append(x, hashed(u[i]^saltUni))
		if i >= 1 {
			x = append(x, hashed(mix(u[i-1], u[i])^saltBi))
		}
		if i >= 2 {
			x = append(x, hashed(mix(mix(u[i-2], u[i-1]), u[i])^saltTri))
		}
		if after >= 0 && i >= after {
			x = append(x, hashed(u[i]^saltAfter))
			if i > after {
				x = append(x, hashed(mix(u[i-1], u[i])^saltAfter))
			}
		}
	}
	x = appendSubwords(x, norm)
	if len(x) > 0 {
		v := float32(1 / math.Sqrt(float64(len(x))))
		for i := range x {
			x[i].Value = v
		}
	}
	s := f.lex.scoreSplit(norm, before, afterText, found)
	x = append(x, linear.Feature{Index: denseLexScore, Value: float32(s)}, linear.Feature{Index: uint32(denseLexBin0 + lexBin(s)), Value: 1})
	if after >= 0 {
		x = append(x, linear.Feature{Index: denseContrast, Value: 1})
	}
	if strings.HasSuffix(norm, "?") || strings.HasSuffix(norm, "吗") || strings.HasSuffix(norm, "呢") {
		x = append(x, linear.Feature{Index: denseQuestion, Value: 1})
	}
	if strings.Contains(norm, "!") {
		x = append(x, linear.Feature{Index: denseExclaim, Value: 1})
	}
	if utf8.RuneCountInString(norm) > 60 {
		x = append(x, linear.Feature{Index: denseLong, Value: 1})
	}
	buf.x = x
	return x
}

// lexBin puts a rule score into one of 7 bins.
func lexBin(s float64) int {
	for i, edge := range [...]float64{-0.6, -0.3, -0.1, 0.1, 0.3, 0.6} {
		if s < edge {
			return i
		}
	}
	return 6
}

func hashed(h uint64) linear.Feature {
	h ^= h >> 33
	h *= 0xff51afd7ed558ccd
	h ^= h >> 33
	return linear.Feature{Index: uint32(h & (hashBuckets - 1))}
}

func mix(a, b uint64) uint64 {
	return (a*0x100000001b3 ^ b) * 0x9e3779b97f4a7c15
}

// appendUnits splits a normalised text into units and appends their hashes.
// Placeholders such as [phone] are one unit; spaces only separate.
func appendUnits(dst []uint64, s string) []uint64 {
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r < 128 && (unicode.IsLetter(r) || r == '\''):
			j := i
			for j < len(s) && s[j] < 128 && (isASCIILetter(s[j]) || s[j] == '\'') {
				j++
			}
			dst = append(dst, fnv(s[i:j]))
			i = j
		case r < 128 && unicode.IsDigit(r):
			for i < len(s) && s[i] >= '0' && s[i] <= '9' {
				i++
			}
			dst = append(dst, fnv("0"))
		case r == '[':
			if j := strings.IndexByte(s[i:], ']'); j > 0 && j < 10 {
				dst = append(dst, fnv(s[i:i+j+1]))
				i += j + 1
				continue
			}
			i += size
		case unicode.IsSpace(r) || r == utf8.RuneError:
			i += size
		default: // Han characters, emoji, punctuation, other scripts
			dst = append(dst, fnv(s[i:i+size]))
			i += size
		}
	}
	return dst
}

func isASCIILetter(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }

func fnv(s string) uint64 {
	h := uint64(14695981039346656037)
	for i := 0; i < len(s); i++ {
		h ^= uint64(s[i])
		h *= 1099511628211
	}
	return h
}

// contrastUnit returns the index of the first of units (the units of the
// whole text) that belongs to after, the clause after the last contrast word
// (splitContrast), or -1.
func contrastUnit(before, after string, found bool, units []uint64) int {
	if !found || strings.TrimSpace(before) == "" || strings.TrimSpace(after) == "" {
		return -1
	}
	// Count the clause's units in the spare capacity of units: no allocation
	// for short texts, and units itself is unchanged.
	n := len(appendUnits(units[len(units):len(units)], after))
	if n == 0 || n >= len(units) {
		return -1
	}
	return len(units) - n
}
