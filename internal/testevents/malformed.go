package testevents

import (
	"bufio"
	"fmt"
	"os"
	"strings"
)

// Malformed is one bad input with the reject it must produce.
type Malformed struct {
	Name, Topic, Key, Reason, Field string
	Payload                         []byte
}

// LoadMalformed reads a table of bad inputs (pipeline/testdata/malformed.txt):
// `name | topic | key | reason | field | payload` per line. In payloads,
// `\xff\xfe` stands for those invalid UTF-8 bytes and @LONG@ for 1200 bytes
// of Chinese text.
func LoadMalformed(path string) ([]Malformed, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var out []Malformed
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		if strings.HasPrefix(line, "#") || strings.TrimSpace(line) == "" {
			continue
		}
		p := strings.SplitN(line, " | ", 6)
		if len(p) != 6 {
			return nil, fmt.Errorf("%s:%d: want 6 fields separated by ' | '", path, n)
		}
		payload := strings.ReplaceAll(p[5], `\xff\xfe`, "\xff\xfe")
		payload = strings.ReplaceAll(payload, "@LONG@", strings.Repeat("长", 400))
		out = append(out, Malformed{Name: p[0], Topic: p[1], Key: strings.TrimSpace(p[2]), Reason: p[3], Field: strings.TrimSpace(p[4]), Payload: []byte(payload)})
	}
	return out, sc.Err()
}
