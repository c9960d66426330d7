package report

import (
	"math"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Candidate is a redacted text that could be quoted, with its keywords (from
// the text analytics at ingestion).
type Candidate struct {
	Quote
	Keywords []string
}

// Quote selection, stated in the report's footnote and docs/report.md:
//
//  1. Candidates are the group's redacted customer texts of the week
//     (opening customer messages of chats and calls, ticket descriptions,
//     survey comments), 8 to 280 characters long.
//  2. Exact duplicates after normalisation (case, spaces, punctuation,
//     digits and emoji removed) count once.
//  3. The group's keyword centroid is the share of distinct texts that carry
//     each keyword; a text's typicality is the cosine similarity between its
//     keyword set and the centroid.
//  4. Texts are taken by typicality (texts carrying a redaction placeholder
//     such as [PHONE] only when too few others remain), skipping any whose
//     keywords overlap an already chosen quote's by a Jaccard index of 0.5 or
//     more, so the quotes say different things. Ties go to the earlier text.
const (
	quoteMinRunes   = 8
	quoteMaxRunes   = 280
	quoteMaxJaccard = 0.5
)

// SelectQuotes picks up to n typical, mutually different quotes from cands.
func SelectQuotes(cands []Candidate, n int) []Quote {
	if n <= 0 {
		return nil
	}
	seen := map[string]bool{}
	var pool []Candidate
	for _, c := range cands {
		l := utf8.RuneCountInString(c.Text)
		if l < quoteMinRunes || l > quoteMaxRunes {
			continue
		}
		key := normaliseText(c.Text)
		if key == "" || seen[key] {
			continue
		}
		seen[key] = true
		pool = append(pool, c)
	}
	if len(pool) == 0 {
		return nil
	}
	centroid := map[string]float64{}
	for _, c := range pool {
		for _, k := range uniqueStrings(c.Keywords) {
			centroid[k]++
		}
	}
	// Sum in key order: float addition in map order would differ in the last
	// bit from run to run and could reorder texts of equal typicality.
	keys := make([]string, 0, len(centroid))
	for k := range centroid {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	norm := 0.0
	for _, k := range keys {
		v := centroid[k] / float64(len(pool))
		centroid[k] = v
		norm += v * v
	}
	norm = math.Sqrt(norm)
	type scored struct {
		c     Candidate
		kw    map[string]bool
		typ   float64
		redac bool
	}
	ss := make([]scored, len(pool))
	for i, c := range pool {
		kw := map[string]bool{}
		dot := 0.0
		ks := uniqueStrings(c.Keywords)
		sort.Strings(ks)
		for _, k := range ks {
			kw[k] = true
			dot += centroid[k]
		}
		typ := 0.0
		if len(kw) > 0 && norm > 0 {
			// Rounded so that texts that are equally typical tie exactly
			// (whatever order their keywords were summed in) and the tie
			// rule below decides.
			typ = math.Round(dot/(norm*math.Sqrt(float64(len(kw))))*1e9) / 1e9
		}
		ss[i] = scored{c: c, kw: kw, typ: typ, redac: hasPlaceholder(c.Text)}
	}
	sort.SliceStable(ss, func(a, b int) bool {
		if ss[a].redac != ss[b].redac {
			return !ss[a].redac
		}
		if ss[a].typ != ss[b].typ {
			return ss[a].typ > ss[b].typ
		}
		if !ss[a].c.At.Equal(ss[b].c.At) {
			return ss[a].c.At.Before(ss[b].c.At)
		}
		return ss[a].c.ID < ss[b].c.ID
	})
	var picked []scored
	for _, s := range ss {
		if len(picked) == n {
			break
		}
		similar := false
		for _, p := range picked {
			if jaccard(s.kw, p.kw) >= quoteMaxJaccard {
				similar = true
				break
			}
		}
		if !similar {
			picked = append(picked, s)
		}
	}
	out := make([]Quote, len(picked))
	for i, p := range picked {
		q := p.c.Quote
		q.Typicality = math.Round(p.typ*1000) / 1000
		out[i] = q
	}
	return out
}

// TopKeywords returns the k keywords that best distinguish cands from
// background (texts of all groups): among keywords at least twice as
// frequent in cands as in background, those with the highest
// df * log(lift), where df is the number of texts of cands carrying the
// keyword and lift its share in cands over its share in background. Words
// every group uses ("客服", "麻烦") are thereby left out. Ties by name.
func TopKeywords(cands, background []Candidate, k int) []string {
	df, bg := docFreq(cands), docFreq(background)
	n, nb := float64(len(cands)), float64(len(background))
	score := map[string]float64{}
	var words []string
	for w, d := range df {
		lift := (float64(d) / n) / ((float64(bg[w]) + 1) / (nb + 1))
		if d < 2 || lift < 2 {
			continue
		}
		score[w] = float64(d) * math.Log(lift)
		words = append(words, w)
	}
	sort.Slice(words, func(a, b int) bool {
		if score[words[a]] != score[words[b]] {
			return score[words[a]] > score[words[b]]
		}
		return words[a] < words[b]
	})
	if len(words) > k {
		words = words[:k]
	}
	return words
}

func docFreq(cands []Candidate) map[string]int {
	df := map[string]int{}
	for _, c := range cands {
		for _, w := range uniqueStrings(c.Keywords) {
			df[w]++
		}
	}
	return df
}

func jaccard(a, b map[string]bool) float64 {
	if len(a) == 0 && len(b) == 0 {
		return 0
	}
	inter := 0
	for k := range a {
		if b[k] {
			inter++
		}
	}
	return float64(inter) / float64(len(a)+len(b)-inter)
}

// normaliseText keeps letters only, lower-cased: two texts that differ in
// punctuation, spacing, numbers or emoji are the same quote.
func normaliseText(s string) string {
	var b strings.Builder
	for _, r := range s {
		if unicode.IsLetter(r) {
			b.WriteRune(unicode.ToLower(r))
		}
	}
	return b.String()
}

var placeholders = []string{"[PHONE]", "[ID]", "[CARD]", "[EMAIL]", "[ADDRESS]"}

func hasPlaceholder(s string) bool {
	for _, p := range placeholders {
		if strings.Contains(s, p) {
			return true
		}
	}
	return false
}

func uniqueStrings(xs []string) []string {
	seen := make(map[string]bool, len(xs))
	out := xs[:0:0]
	for _, x := range xs {
		if x != "" && !seen[x] {
			seen[x] = true
			out = append(out, x)
		}
	}
	return out
}
