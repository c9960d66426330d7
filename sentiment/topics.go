package sentiment

import (
	_ "embed"
	"fmt"
	"regexp"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/voc-analytics/voc/internal/catalog"
)

//go:embed taxonomy.yaml
var taxonomyYAML []byte

// Topic is one issue topic of the taxonomy.
type Topic struct {
	ID       string   `yaml:"id"`
	ZH       string   `yaml:"zh"`
	EN       string   `yaml:"en"`
	Keywords []string `yaml:"keywords"`
	Patterns []string `yaml:"patterns"`
	patterns []*regexp.Regexp
}

// Taxonomy is the list of issue topics.
type Taxonomy struct {
	Topics []Topic `yaml:"topics"`
	// byFirst indexes keywords by their first byte, so Match scans the text
	// once instead of searching for every keyword.
	byFirst [256][]keywordRef
}

type keywordRef struct {
	kw    string
	topic int
}

// LoadTaxonomy parses a taxonomy YAML document (nil: the embedded one). A
// topic without zh/en names takes them from internal/catalog, whose topic
// ids the embedded taxonomy uses.
func LoadTaxonomy(doc []byte) (*Taxonomy, error) {
	if doc == nil {
		doc = taxonomyYAML
	}
	var t Taxonomy
	if err := yaml.Unmarshal(doc, &t); err != nil {
		return nil, fmt.Errorf("parse taxonomy: %w", err)
	}
	seen := map[string]bool{}
	for i := range t.Topics {
		tp := &t.Topics[i]
		if tp.ID == "" || seen[tp.ID] {
			return nil, fmt.Errorf("taxonomy topic %d: missing or duplicate id %q", i, tp.ID)
		}
		seen[tp.ID] = true
		if ct, ok := catalog.TopicByID(tp.ID); ok {
			if tp.ZH == "" {
				tp.ZH = ct.Zh
			}
			if tp.EN == "" {
				tp.EN = ct.En
			}
		}
		for j, k := range tp.Keywords {
			k = strings.ToLower(k)
			if k == "" {
				return nil, fmt.Errorf("taxonomy topic %s: empty keyword", tp.ID)
			}
			tp.Keywords[j] = k
			t.byFirst[k[0]] = append(t.byFirst[k[0]], keywordRef{k, i})
		}
		for _, p := range tp.Patterns {
			re, err := regexp.Compile(p)
			if err != nil {
				return nil, fmt.Errorf("taxonomy topic %s: pattern %q: %w", tp.ID, p, err)
			}
			tp.patterns = append(tp.patterns, re)
		}
	}
	return &t, nil
}

// Match returns the ids of the topics a normalised text is about, in
// taxonomy order.
func (t *Taxonomy) Match(norm string) []string {
	var hit [64]bool
	if len(t.Topics) > len(hit) {
		return t.matchSlow(norm)
	}
	for i := 0; i < len(norm); i++ {
		for _, ref := range t.byFirst[norm[i]] {
			if !hit[ref.topic] && strings.HasPrefix(norm[i:], ref.kw) {
				hit[ref.topic] = true
			}
		}
	}
	out := []string{} // [] rather than null in JSON
	for i := range t.Topics {
		if !hit[i] {
			for _, re := range t.Topics[i].patterns {
				if re.MatchString(norm) {
					hit[i] = true
					break
				}
			}
		}
		if hit[i] {
			out = append(out, t.Topics[i].ID)
		}
	}
	return out
}

// matchSlow is Match for taxonomies with more topics than Match's array.
func (t *Taxonomy) matchSlow(norm string) []string {
	out := []string{}
	for i := range t.Topics {
		tp := &t.Topics[i]
		hit := false
		for _, k := range tp.Keywords {
			hit = hit || strings.Contains(norm, k)
		}
		for _, re := range tp.patterns {
			hit = hit || re.MatchString(norm)
		}
		if hit {
			out = append(out, tp.ID)
		}
	}
	return out
}
