package sentiment

// NearCopyThreshold is the similarity at or above which a training text
// counts as a copy of an evaluation text: the Jaccard index of the two texts'
// sets of character trigrams (over TextKey, so case, spacing and punctuation
// do not matter). At 0.6 "想问一下以旧换新怎么操作" and
// "我想问一下以旧换新怎么操作" (0.91) are the same text, while two
// different complaints about one product share too few trigrams to match.
const NearCopyThreshold = 0.6

// NearCopyIndex finds, for a text, the indexed text it nearly copies. It is
// built once over the evaluation texts and asked about every training text;
// an inverted index from trigram to texts keeps that linear in the input.
type NearCopyIndex struct {
	texts    []string
	sizes    []int
	postings map[string][]int32
}

// NewNearCopyIndex indexes texts.
func NewNearCopyIndex(texts []string) *NearCopyIndex {
	ix := &NearCopyIndex{texts: texts, sizes: make([]int, len(texts)), postings: map[string][]int32{}}
	for i, t := range texts {
		grams := trigrams(TextKey(t))
		ix.sizes[i] = len(grams)
		for g := range grams {
			ix.postings[g] = append(ix.postings[g], int32(i))
		}
	}
	return ix
}

// Match returns the indexed text most similar to text and the similarity,
// with ok set when that similarity reaches NearCopyThreshold.
func (ix *NearCopyIndex) Match(text string) (match string, similarity float64, ok bool) {
	grams := trigrams(TextKey(text))
	if len(grams) == 0 {
		return "", 0, false
	}
	shared := map[int32]int{}
	for g := range grams {
		for _, i := range ix.postings[g] {
			shared[i]++
		}
	}
	best := int32(-1)
	for i, n := range shared {
		sim := float64(n) / float64(len(grams)+ix.sizes[i]-n)
		if sim > similarity || (sim == similarity && i < best) {
			best, similarity = i, sim
		}
	}
	if best < 0 {
		return "", 0, false
	}
	return ix.texts[best], similarity, similarity >= NearCopyThreshold
}

// trigrams is the set of three-rune substrings of key; a key shorter than
// three runes is its own single gram, so short texts match only exactly.
func trigrams(key string) map[string]struct{} {
	r := []rune(key)
	set := make(map[string]struct{}, len(r))
	if len(r) == 0 {
		return set
	}
	if len(r) < 3 {
		set[key] = struct{}{}
		return set
	}
	for i := 0; i+3 <= len(r); i++ {
		set[string(r[i:i+3])] = struct{}{}
	}
	return set
}
