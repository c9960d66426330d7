package export

import "testing"

func TestPortableTypes(t *testing.T) {
	cases := []struct {
		in, want string
		minScale int
	}{
		{"String", "String", 0},
		{"DateTime", "DateTime64(0, 'Asia/Shanghai')", 0},
		{"DateTime('UTC')", "DateTime64(0, 'UTC')", 0},
		{"DateTime('UTC')", "DateTime64(3, 'UTC')", 3},
		{"DateTime64(3)", "DateTime64(3, 'Asia/Shanghai')", 0},
		{"DateTime64(6, 'Europe/Berlin')", "DateTime64(6, 'Europe/Berlin')", 3},
		{"Nullable(DateTime)", "Nullable(DateTime64(0, 'Asia/Shanghai'))", 0},
		{"Array(DateTime('UTC'))", "Array(DateTime64(0, 'UTC'))", 0},
		{"Enum8('a' = 1, 'b,c' = 2)", "LowCardinality(String)", 0},
		{"Nullable(Enum16('x' = 1))", "LowCardinality(Nullable(String))", 0},
		{"Array(Enum8('a' = 1))", "Array(LowCardinality(String))", 0},
		{"Map(String, IPv4)", "Map(String, String)", 0},
		{"Tuple(a DateTime, b UInt8)", "Tuple(`a` DateTime64(0, 'Asia/Shanghai'), `b` UInt8)", 0},
		{"LowCardinality(Nullable(String))", "LowCardinality(Nullable(String))", 0},
		{"Int128", "String", 0},
		{"Decimal(18, 2)", "Decimal(18, 2)", 0},
	}
	for _, tc := range cases {
		pt, err := parseType(tc.in)
		if err != nil {
			t.Errorf("%s: %v", tc.in, err)
			continue
		}
		got, changed := pt.portable("Asia/Shanghai", tc.minScale)
		if got.String() != tc.want {
			t.Errorf("portable(%s) = %s, want %s", tc.in, got, tc.want)
		}
		if changed != (tc.want != tc.in) {
			t.Errorf("portable(%s): changed = %v", tc.in, changed)
		}
	}
	if _, err := parseType("Array(String"); err == nil {
		t.Error("unbalanced type accepted")
	}
}
