package sentiment

import (
	"bufio"
	_ "embed"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/go-ego/gse"
)

// domainDict lists product and service words that gse must keep whole.
//
//go:embed dict/domain.txt
var domainDict string

var stopWords = map[string]bool{}

func init() {
	for _, w := range strings.Fields(`的 了 是 我 你 他 她 它 我们 你们 他们 这 那 这个 那个 就 都 也 还 在 有 和 与 及 吗 呢 吧 啊 呀 哦 嗯 喂 么 么 一个 一下 什么 怎么 怎么办 为什么 可以 能 会 要 想 给 让 把 被 对 从 到 跟 请问 请 您好 你好 谢谢 麻烦 就是 然后 但是 因为 所以 现在 已经 还是 不是 没有 一直 还有 之前 今天 昨天 时候 问题 一样 这样 那样 可能 应该 需要 知道 觉得 the a an and or to of in on for is are was were be been it this that my your i you we they me with at by from as not no but so if do does did have has had can could would should will just please hi hello after before about again all also any because being both down during each even ever every few get got here how into its last more most much now off once only other our out over own same she some still such than then there these those through too under until up very what when where which while who why yet am him her them their us ok okay thanks thank`) {
		stopWords[w] = true
	}
}

// keywordExtractor ranks words by TF-IDF with gse's embedded IDF table.
type keywordExtractor struct {
	seg     *gse.Segmenter
	idf     map[string]float64
	medianI float64
}

// gseTokens is a little more than the number of words in gse's zh_s
// dictionary plus the project's.
const gseTokens = 360000

func newKeywordExtractor() (*keywordExtractor, error) {
	// gse.NewEmbed("zh_s"), with the token slice allocated once for the
	// dictionary's ~350,000 words instead of grown (and copied) by append.
	seg := gse.Segmenter{}
	seg.Dict = gse.NewDict()
	seg.Dict.Tokens = make([]gse.Token, 0, gseTokens)
	seg.Init()
	if err := seg.LoadDictEmbed("zh_s"); err != nil {
		return nil, fmt.Errorf("load gse embedded dictionary: %w", err)
	}
	for i, line := range strings.Split(domainDict, "\n") {
		f := strings.Fields(line)
		if len(f) == 0 || strings.HasPrefix(f[0], "#") {
			continue
		}
		freq := 100000.0
		if len(f) > 1 {
			var err error
			if freq, err = strconv.ParseFloat(f[1], 64); err != nil {
				return nil, fmt.Errorf("dict/domain.txt line %d: %w", i+1, err)
			}
		}
		if err := seg.AddToken(strings.ToLower(f[0]), freq, "n"); err != nil {
			return nil, fmt.Errorf("dict/domain.txt line %d: add %q: %w", i+1, f[0], err)
		}
	}
	// gse's Chinese stop tokens, on top of stopWords.
	if err := seg.LoadStopEmbed(); err != nil {
		return nil, fmt.Errorf("load gse stop words: %w", err)
	}
	// Slice's shortest-path search needs the token distances recomputed
	// after adding words (once per process, ~0.6 s).
	seg.CalcToken()
	k := &keywordExtractor{seg: &seg, idf: make(map[string]float64, 350000)}
	var vals []float64
	sc := bufio.NewScanner(strings.NewReader(gse.ZhIdf))
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) < 2 {
			continue
		}
		v, err := strconv.ParseFloat(f[1], 64)
		if err != nil {
			continue
		}
		k.idf[f[0]] = v
		vals = append(vals, v)
	}
	sort.Float64s(vals)
	if len(vals) > 0 {
		k.medianI = vals[len(vals)/2]
	}
	return k, nil
}

// Extract returns up to n keywords of a normalised text, best first.
func (k *keywordExtractor) Extract(norm string, n int) []string {
	// gse's own shortest-path segmentation (Slice) is ~3× faster than its
	// jieba-style DAG (Cut with or without HMM) and segments these short
	// messages the same way with the domain words added: see bench_test.go.
	words := k.seg.Slice(norm)
	tf := map[string]int{}
	var order []string
	for _, w := range words {
		w = strings.TrimSpace(w)
		if !keywordCandidate(w) || k.seg.IsStop(w) {
			continue
		}
		if tf[w] == 0 {
			order = append(order, w)
		}
		tf[w]++
	}
	type scored struct {
		w string
		s float64
	}
	ranked := make([]scored, 0, len(order))
	for _, w := range order {
		idf, ok := k.idf[w]
		if !ok {
			idf = k.medianI
		}
		ranked = append(ranked, scored{w, float64(tf[w]) * idf})
	}
	sort.SliceStable(ranked, func(i, j int) bool { return ranked[i].s > ranked[j].s })
	out := make([]string, 0, n)
	for i := 0; i < len(ranked) && i < n; i++ {
		out = append(out, ranked[i].w)
	}
	return out
}

func keywordCandidate(w string) bool {
	if w == "" || stopWords[w] || strings.HasPrefix(w, "[") {
		return false
	}
	han, letters := 0, 0
	for _, r := range w {
		switch {
		case unicode.Is(unicode.Han, r):
			han++
		case unicode.IsLetter(r):
			letters++
		case unicode.IsDigit(r):
		default:
			return false
		}
	}
	return han >= 2 || letters >= 3 || han >= 1 && utf8.RuneCountInString(w) >= 2 && letters > 0
}
