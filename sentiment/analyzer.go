package sentiment

import (
	"regexp"
	"sync"
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
	taxonomy *Taxonomy
	keywords *keywordExtractor
}

var (
	defaultOnce     sync.Once
	defaultAnalyzer *Analyzer
	defaultErr      error
)

// New returns the process-wide Analyzer, loading dictionaries once.
func New() (*Analyzer, error) {
	defaultOnce.Do(func() {
		a := &Analyzer{}
		if a.lex, defaultErr = LoadLexicon(); defaultErr != nil {
			return
		}
		if a.taxonomy, defaultErr = LoadTaxonomy(nil); defaultErr != nil {
			return
		}
		if a.keywords, defaultErr = newKeywordExtractor(); defaultErr != nil {
			return
		}
		defaultAnalyzer = a
	})
	return defaultAnalyzer, defaultErr
}

// Analyze redacts, normalises and analyses text. Redaction runs first, so
// keywords and topics never contain personal data.
func (a *Analyzer) Analyze(text string) Result {
	redacted, pii := Redact(text)
	norm := Normalize(redacted)
	score := a.lex.Score(norm)
	return Result{
		Text: text, Redacted: redacted, Lang: DetectLang(norm), PII: pii,
		Score: float32(score), Label: Label(score),
		Keywords: a.keywords.Extract(placeholders.ReplaceAllString(norm, " "), 5),
		Topics:   a.taxonomy.Match(norm),
	}
}

// ContactSentiment summarises a contact's customer messages.
type ContactSentiment struct {
	First, Last, Min, Shift float32
}

// Aggregate summarises customer-message scores given in time order.
func Aggregate(scores []float32) ContactSentiment {
	if len(scores) == 0 {
		return ContactSentiment{}
	}
	c := ContactSentiment{First: scores[0], Last: scores[len(scores)-1], Min: scores[0]}
	for _, s := range scores {
		c.Min = min(c.Min, s)
	}
	c.Shift = c.Last - c.First
	return c
}
