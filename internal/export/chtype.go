package export

import (
	"fmt"
	"strconv"
	"strings"
)

// chType is a parsed ClickHouse type name such as
// Array(LowCardinality(Nullable(String))) or DateTime64(3, 'Asia/Shanghai').
type chType struct {
	Name  string   // Array, LowCardinality, DateTime64, String, ...
	Args  []string // raw arguments as written, e.g. "3", "'Asia/Shanghai'"
	Elems []chType // parsed type arguments for type constructors
	Field string   // element name inside a named Tuple
}

// constructors take types as arguments.
var constructors = map[string]bool{
	"Nullable": true, "LowCardinality": true, "Array": true, "Map": true, "Tuple": true,
}

func parseType(s string) (chType, error) {
	s = strings.TrimSpace(s)
	open := strings.IndexByte(s, '(')
	if open < 0 {
		if s == "" {
			return chType{}, fmt.Errorf("empty ClickHouse type")
		}
		return chType{Name: s}, nil
	}
	if !strings.HasSuffix(s, ")") {
		return chType{}, fmt.Errorf("ClickHouse type %q: unbalanced parentheses", s)
	}
	t := chType{Name: strings.TrimSpace(s[:open])}
	t.Args = splitTopLevel(s[open+1 : len(s)-1])
	if constructors[t.Name] {
		for _, a := range t.Args {
			field := ""
			if t.Name == "Tuple" {
				field, a = tupleField(a)
			}
			e, err := parseType(a)
			if err != nil {
				return chType{}, err
			}
			e.Field = field
			t.Elems = append(t.Elems, e)
		}
	}
	return t, nil
}

// tupleField splits "name Type" (a named Tuple element) into its parts; an
// unnamed element is returned as is.
func tupleField(a string) (string, string) {
	a = strings.TrimSpace(a)
	if strings.HasPrefix(a, "`") {
		if end := strings.Index(a[1:], "`"); end >= 0 {
			return a[1 : end+1], strings.TrimSpace(a[end+2:])
		}
	}
	sp := strings.IndexByte(a, ' ')
	par := strings.IndexByte(a, '(')
	if sp > 0 && (par < 0 || sp < par) {
		return a[:sp], strings.TrimSpace(a[sp+1:])
	}
	return "", a
}

// splitTopLevel splits s at commas outside parentheses and quotes.
func splitTopLevel(s string) []string {
	var out []string
	depth, start := 0, 0
	inQuote := byte(0)
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case inQuote != 0:
			if c == '\\' {
				i++
			} else if c == inQuote {
				inQuote = 0
			}
		case c == '\'' || c == '`' || c == '"':
			inQuote = c
		case c == '(':
			depth++
		case c == ')':
			depth--
		case c == ',' && depth == 0:
			out = append(out, strings.TrimSpace(s[start:i]))
			start = i + 1
		}
	}
	if rest := strings.TrimSpace(s[start:]); rest != "" || len(out) > 0 {
		out = append(out, rest)
	}
	return out
}

func (t chType) String() string {
	if len(t.Args) == 0 && len(t.Elems) == 0 {
		return t.Name
	}
	args := t.Args
	if len(t.Elems) > 0 {
		args = make([]string, len(t.Elems))
		for i, e := range t.Elems {
			args[i] = e.String()
			if e.Field != "" {
				args[i] = "`" + strings.ReplaceAll(e.Field, "`", "\\`") + "` " + args[i]
			}
		}
	}
	return t.Name + "(" + strings.Join(args, ", ") + ")"
}

// portable rewrites t into the type the server should send so that its
// Arrow output keeps the meaning of the value:
//   - DateTime[(tz)] becomes DateTime64(0, tz) (ClickHouse sends DateTime as
//     a bare UInt32 but DateTime64 as an Arrow timestamp with its zone);
//     a missing zone is the server's (serverZone);
//   - Enum8/Enum16 become LowCardinality(String): the labels, as a dictionary;
//   - IPv4/IPv6, 128/256-bit integers, JSON, Object, Variant, Dynamic become
//     String (their Arrow forms are raw bytes or unsupported);
//   - BFloat16 becomes Float32.
//
// changed says whether anything was rewritten.
//
// minScale raises the precision of times below it (Parquet has no seconds
// unit: it would store them as milliseconds and lose the zone name).
func (t chType) portable(serverZone string, minScale int) (chType, bool) {
	quote := func(z string) string { return "'" + strings.ReplaceAll(z, "'", "\\'") + "'" }
	switch t.Name {
	case "DateTime":
		zone := quote(serverZone)
		if len(t.Args) == 1 {
			zone = t.Args[0]
		}
		return chType{Name: "DateTime64", Args: []string{strconv.Itoa(minScale), zone}, Field: t.Field}, true
	case "DateTime64":
		if len(t.Args) == 0 {
			return t, false
		}
		scale, err := strconv.Atoi(strings.TrimSpace(t.Args[0]))
		if err != nil {
			return t, false
		}
		zone := quote(serverZone)
		if len(t.Args) > 1 {
			zone = t.Args[1]
		}
		changed := len(t.Args) == 1 || scale < minScale
		return chType{Name: "DateTime64", Args: []string{strconv.Itoa(max(scale, minScale)), zone}, Field: t.Field}, changed
	case "Enum8", "Enum16", "Enum":
		return chType{Name: "LowCardinality", Elems: []chType{{Name: "String"}}, Field: t.Field}, true
	case "IPv4", "IPv6", "Int128", "UInt128", "Int256", "UInt256", "JSON", "Object", "Variant", "Dynamic":
		return chType{Name: "String", Field: t.Field}, true
	case "BFloat16":
		return chType{Name: "Float32", Field: t.Field}, true
	}
	if len(t.Elems) == 0 {
		return t, false
	}
	out := t
	out.Elems = make([]chType, len(t.Elems))
	changed := false
	for i, e := range t.Elems {
		var c bool
		out.Elems[i], c = e.portable(serverZone, minScale)
		changed = changed || c
	}
	// LowCardinality only wraps strings, numbers and dates; after a rewrite
	// (LowCardinality(Enum...) is not valid anyway) keep it single.
	if out.Name == "LowCardinality" && len(out.Elems) == 1 && out.Elems[0].Name == "LowCardinality" {
		out.Elems = out.Elems[0].Elems
	}
	if out.Name == "Nullable" && len(out.Elems) == 1 && out.Elems[0].Name == "LowCardinality" {
		// Nullable(Enum8) -> LowCardinality(Nullable(String)), the valid spelling.
		inner := out.Elems[0].Elems[0]
		return chType{Name: "LowCardinality", Elems: []chType{{Name: "Nullable", Elems: []chType{inner}}}, Field: t.Field}, true
	}
	return out, changed
}
