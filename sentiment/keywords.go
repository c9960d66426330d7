package sentiment

import (
	"bufio"
	"sort"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/go-ego/gse"
)

// domainWords are added to gse's dictionary so that product and service
// terms stay whole.
var domainWords = []string{"遥控器", "投屏", "售后", "上门", "工单", "黑屏", "花屏", "闪屏", "维修进度", "转人工", "客服", "师傅",
	"路由器", "固件", "升级包", "开不了机", "连不上", "没声音", "音画不同步", "蓝牙", "壁挂", "退款", "价保", "踢皮球", "等了半天", "没人理"}

var stopWords = map[string]bool{}

func init() {
	for _, w := range strings.Fields(`的 了 是 我 你 他 她 它 我们 你们 他们 这 那 这个 那个 就 都 也 还 在 有 和 与 及 吗 呢 吧 啊 呀 哦 嗯 喂 么 么 一个 一下 什么 怎么 怎么办 为什么 可以 能 会 要 想 给 让 把 被 对 从 到 跟 请问 请 您好 你好 谢谢 麻烦 就是 然后 但是 因为 所以 现在 已经 还是 不是 没有 一直 还有 之前 今天 昨天 时候 问题 一样 这样 那样 可能 应该 需要 知道 觉得 the a an and or to of in on for is are was were be been it this that my your i you we they me with at by from as not no but so if do does did have has had can could would should will just please hi hello`) {
		stopWords[w] = true
	}
}

// keywordExtractor ranks words by TF-IDF with gse's embedded IDF table.
type keywordExtractor struct {
	seg     *gse.Segmenter
	idf     map[string]float64
	medianI float64
}

func newKeywordExtractor() (*keywordExtractor, error) {
	seg, err := gse.NewEmbed("zh_s")
	if err != nil {
		return nil, err
	}
	for _, w := range domainWords {
		seg.AddToken(w, 100000, "n")
	}
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
	words := k.seg.Cut(norm, false)
	tf := map[string]int{}
	var order []string
	for _, w := range words {
		w = strings.TrimSpace(w)
		if !keywordCandidate(w) {
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
