package sentiment

import (
	"bufio"
	"embed"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"
)

//go:embed lexicon/*.tsv lexicon/*.txt
var lexiconFS embed.FS

// Lexicon holds the polarity words and rule words.
type Lexicon struct {
	ZH, EN    map[string]float64 // word → weight in [-1, 1]
	Degree    map[string]float64 // word → multiplier
	Negation  map[string]bool
	Contrast  []string
	maxZHRune int
	// enPhrase marks the first words of multi-word English entries
	// ("on hold", "hung up", "dead on arrival") with their longest length
	// in words.
	enPhrase map[string]int
}

// LoadLexicon reads the embedded lexicon files.
func LoadLexicon() (*Lexicon, error) {
	l := &Lexicon{}
	var err error
	if l.ZH, err = readWeights("lexicon/zh.tsv"); err != nil {
		return nil, err
	}
	if l.EN, err = readWeights("lexicon/en.tsv"); err != nil {
		return nil, err
	}
	if l.Degree, err = readWeights("lexicon/degree.tsv"); err != nil {
		return nil, err
	}
	neg, err := readList("lexicon/negation.txt")
	if err != nil {
		return nil, err
	}
	l.Negation = map[string]bool{}
	for _, w := range neg {
		l.Negation[w] = true
	}
	if l.Contrast, err = readList("lexicon/contrast.txt"); err != nil {
		return nil, err
	}
	for w := range l.ZH {
		l.maxZHRune = max(l.maxZHRune, utf8.RuneCountInString(w))
	}
	l.enPhrase = map[string]int{}
	for w := range l.EN {
		if f := strings.Fields(w); len(f) > 1 {
			l.enPhrase[f[0]] = max(l.enPhrase[f[0]], len(f))
		}
	}
	return l, nil
}

func readWeights(name string) (map[string]float64, error) {
	lines, err := readList(name)
	if err != nil {
		return nil, err
	}
	m := make(map[string]float64, len(lines))
	for i, line := range lines {
		w, v, ok := strings.Cut(line, "\t")
		f, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
		if !ok || err != nil {
			return nil, fmt.Errorf("%s line %d: want word<TAB>number, got %q", name, i+1, line)
		}
		m[strings.ToLower(w)] = f
	}
	return m, nil
}

func readList(name string) ([]string, error) {
	f, err := lexiconFS.Open(name)
	if err != nil {
		return nil, fmt.Errorf("open lexicon %s: %w", name, err)
	}
	defer f.Close()
	var out []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if line := strings.TrimSpace(sc.Text()); line != "" && !strings.HasPrefix(line, "#") {
			out = append(out, line)
		}
	}
	return out, sc.Err()
}
