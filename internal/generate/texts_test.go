package generate

import (
	"bufio"
	"math/rand/v2"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

func newTestRand(seed uint64) *rand.Rand { return rand.New(rand.NewPCG(seed, seed)) }

func TestIDChecksum(t *testing.T) {
	// testdata/id_numbers.txt: published example numbers with their validity.
	f, err := os.Open(filepath.Join("testdata", "id_numbers.txt"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		id, want, _ := strings.Cut(line, " ")
		t.Run(id, func(t *testing.T) {
			got := idChecksum([]byte(id[:17])) == id[17]
			if got != (want == "valid") {
				t.Errorf("checksum valid = %v, want %s", got, want)
			}
		})
	}
	r := newTestRand(1)
	for range 1000 {
		id := fakeIDNumber(r)
		if len(id) != 18 || idChecksum([]byte(id)) != id[17] {
			t.Fatalf("fake ID number %s has a bad checksum", id)
		}
	}
}

func TestFakePII(t *testing.T) {
	r := newTestRand(2)
	mobile := regexp.MustCompile(`^1[3-9]\d{9}$`)
	email := regexp.MustCompile(`^[a-z0-9._]+@[a-z0-9.]+\.com$`)
	for range 1000 {
		if m := fakeMobile(r); !mobile.MatchString(m) {
			t.Fatalf("mobile %q", m)
		}
		if e := fakeEmail(r); !email.MatchString(e) {
			t.Fatalf("email %q", e)
		}
	}
}

// TestPhrasingVariety: customers describe each topic in hundreds of ways.
func TestPhrasingVariety(t *testing.T) {
	r := newTestRand(3)
	for _, lang := range []string{"zh", "en"} {
		for _, topic := range Topics {
			seen := map[string]bool{}
			for i := range Categories {
				c := &Categories[i]
				if c.Topic != topic.Name {
					continue
				}
				for range 400 {
					s := &slots{model: "E8N 65"}
					seen[customerOpening(r, lang, c, s, mood(r.IntN(3)), r.IntN(3) == 0)] = true
				}
			}
			min := 300
			if lang == "en" {
				min = 100
			}
			if len(seen) < min {
				t.Errorf("%s %s: %d distinct openings, want at least %d", lang, topic.Name, len(seen), min)
			}
		}
	}
}

func TestCatalog(t *testing.T) {
	if len(Categories) != 115 {
		t.Errorf("%d service categories, want 115", len(Categories))
	}
	seen := map[string]bool{}
	for _, c := range Categories {
		if seen[c.Slug] {
			t.Errorf("duplicate category %s", c.Slug)
		}
		seen[c.Slug] = true
		if _, ok := topicIndex[c.Topic]; !ok {
			t.Errorf("category %s has unknown topic %s", c.Slug, c.Topic)
		}
		if len(c.SymptomsZh) == 0 || len(c.SymptomsEn) == 0 {
			t.Errorf("category %s lacks symptoms", c.Slug)
		}
	}
	for _, lang := range []string{"zh", "en"} {
		for _, topic := range Topics {
			for _, kind := range []string{"tip", "solution", "resolution"} {
				if len(corpora[lang][kind+":"+topic.Name]) == 0 {
					t.Errorf("%s: no %s texts for topic %s", lang, kind, topic.Name)
				}
			}
		}
	}
}
