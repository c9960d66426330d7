package sentiment

import (
	_ "embed"
	"fmt"
	"regexp"
	"strings"

	"gopkg.in/yaml.v3"
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
}

// LoadTaxonomy parses a taxonomy YAML document (nil: the embedded one).
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
		for j, k := range tp.Keywords {
			tp.Keywords[j] = strings.ToLower(k)
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

// Match returns the ids of the topics a normalised text is about.
func (t *Taxonomy) Match(norm string) []string {
	var out []string
	for i := range t.Topics {
		tp := &t.Topics[i]
		hit := false
		for _, k := range tp.Keywords {
			if strings.Contains(norm, k) {
				hit = true
				break
			}
		}
		for _, re := range tp.patterns {
			if !hit && re.MatchString(norm) {
				hit = true
			}
		}
		if hit {
			out = append(out, tp.ID)
		}
	}
	return out
}
