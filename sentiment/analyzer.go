package sentiment

import (
	"fmt"
	"regexp"
	"runtime/debug"
	"strings"
	"sync"

	"github.com/voc-analytics/voc/sentiment/linear"
)

// placeholders are the redaction markers after normalisation ([phone] ...).
var placeholders = regexp.MustCompile(`\[(?:phone|id|card|email|address)\]`)

// Result is the analysis of one text.
type Result struct {
	Text     string   `json:"text"`
	Redacted string   `json:"redacted"`
	Lang     string   `json:"lang"`
	Score    float32  `json:"score"`
	Label    string   `json:"label"`
	Keywords []string `json:"keywords"`
	Topics   []string `json:"topics"`
	PII      []string `json:"pii,omitempty"`
}

// Analyzer runs the whole analysis. It is safe for concurrent use.
type Analyzer struct {
	lex      *Lexicon
	model    *linear.Model
	taxonomy *Taxonomy
	keywords *keywordExtractor
}

var (
	defaultOnce     sync.Once
	defaultAnalyzer *Analyzer
	defaultErr      error

	keywordsOnce sync.Once
	keywords     *keywordExtractor
	keywordsErr  error
)

// New returns the process-wide Analyzer with the embedded model, loading
// dictionaries once.
func New() (*Analyzer, error) {
	defaultOnce.Do(func() { defaultAnalyzer, defaultErr = NewWithModel(modelWeights) })
	return defaultAnalyzer, defaultErr
}

// NewWithModel returns an Analyzer that scores with the given model (as
// written by `voc sentiment train`) instead of the embedded one, e.g. to
// evaluate a retrained model before rebuilding. The segmenter and its
// dictionaries are still loaded only once per process.
func NewWithModel(model []byte) (*Analyzer, error) {
	a := &Analyzer{}
	var err error
	if a.lex, err = LoadLexicon(); err != nil {
		return nil, err
	}
	if a.model, err = LoadModel(model); err != nil {
		return nil, err
	}
	if a.taxonomy, err = LoadTaxonomy(nil); err != nil {
		return nil, err
	}
	keywordsOnce.Do(func() {
		// Collect more often while loading, which lowers the peak RSS.
		defer debug.SetGCPercent(debug.SetGCPercent(25))
		keywords, keywordsErr = newKeywordExtractor()
		// Parsing gse's embedded dictionary and IDF table leaves ~250 MB of
		// garbage; return it to the OS now rather than carry it as RSS.
		debug.FreeOSMemory()
	})
	if keywordsErr != nil {
		return nil, fmt.Errorf("load segmenter: %w", keywordsErr)
	}
	a.keywords = keywords
	return a, nil
}

// Analyze redacts, normalises and analyses text. Redaction runs first, so
// keywords and topics never contain personal data.
func (a *Analyzer) Analyze(text string) Result {
	redacted, pii := Redact(text)
	norm := Normalize(redacted)
	score, label := a.sentiment(norm, ScorerCombined)
	kwText := norm
	if strings.IndexByte(norm, '[') >= 0 { // the regexp would copy every text
		kwText = placeholders.ReplaceAllString(norm, " ")
	}
	return Result{
		Text: text, Redacted: redacted, Lang: DetectLang(norm), PII: pii,
		Score: score, Label: label,
		Keywords: a.keywords.Extract(kwText, 5),
		Topics:   a.taxonomy.Match(norm),
	}
}

// Scorer chooses how Sentiment scores a text.
type Scorer int

const (
	// ScorerCombined is the trained linear model over character/word
	// n-grams and the lexicon/rule score: what Analyze uses.
	ScorerCombined Scorer = iota
	// ScorerLexicon is the lexicon and rules alone, for comparison.
	ScorerLexicon
)

// ParseScorer reads "combined" or "lexicon".
func ParseScorer(s string) (Scorer, error) {
	switch s {
	case "combined", "":
		return ScorerCombined, nil
	case "lexicon":
		return ScorerLexicon, nil
	}
	return 0, fmt.Errorf("scorer %q: want combined or lexicon", s)
}

// Sentiment scores one raw text (redacted and normalised first, as in
// Analyze) without keywords and topics.
func (a *Analyzer) Sentiment(text string, s Scorer) (score float32, label string) {
	return a.sentiment(prepare(text), s)
}

// sentiment scores a normalised text. The combined score is the expected
// polarity P(pos) - P(neg), in [-1, 1]; the label is the most probable class.
func (a *Analyzer) sentiment(norm string, s Scorer) (float32, string) {
	if norm == "" {
		return 0, "neu"
	}
	if s == ScorerLexicon {
		v := a.lex.Score(norm)
		return float32(v), Label(v)
	}
	buf := featureBufs.Get().(*featureBuf)
	x := featurizer{a.lex}.features(norm, buf)
	var p [3]float32
	a.model.Probabilities(x, p[:])
	featureBufs.Put(buf)
	best := 0
	for i := range p {
		if p[i] > p[best] {
			best = i
		}
	}
	return p[2] - p[0], Labels[best]
}
