package metrics_test

import (
	"bufio"
	"context"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/voc-analytics/voc/internal/migrate"
	"github.com/voc-analytics/voc/internal/testenv"
	"github.com/voc-analytics/voc/metrics"
)

func TestMain(m *testing.M) { testenv.Main(m) }

// A fixture file (testdata/*.test), after Prometheus's promqltest:
//
//	# comments: the hand computation of every expected value
//	load
//	INSERT INTO contact_events (...) VALUES ...;   -- SQL, any number of statements
//
//	eval METRIC[,METRIC] from=2026-11-02 to=2026-11-09 [week=2026-W45] [by=DIM,DIM]
//	     [now=2026-11-20] [zone=Asia/Shanghai] [limit=N] [param.NAME=V] [filter.DIM=V1,V2]
//	channel | fcr | fcr_pending           <- expected columns
//	app     | 1/2 | 0                     <- expected rows, in order; fractions allowed, - for no value
//
// The seed is loaded, every eval checked, then the seed is loaded a second
// time (every event delivered twice) and every eval checked again: no result
// may change.
type fixture struct {
	file  string
	loads []string // SQL statements
	evals []eval
}

type eval struct {
	line    int
	spec    string
	query   metrics.Query
	quality string // a quality index config in testdata, or ""
	head    []string
	rows    [][]string
}

func parseFixture(path string) (*fixture, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	fx := &fixture{file: path}
	var sql strings.Builder
	var cur *eval
	mode := ""
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	flushSQL := func() {
		if sql.Len() > 0 {
			fx.loads = append(fx.loads, migrate.SplitStatements(sql.String())...)
			sql.Reset()
		}
	}
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		trimmed := strings.TrimSpace(line)
		switch {
		case strings.HasPrefix(trimmed, "#"):
			continue
		case trimmed == "load":
			mode, cur = "load", nil
			continue
		case strings.HasPrefix(trimmed, "eval "):
			flushSQL()
			q, quality, err := parseEval(strings.TrimPrefix(trimmed, "eval "))
			if err != nil {
				return nil, fmt.Errorf("%s:%d: %w", path, n, err)
			}
			fx.evals = append(fx.evals, eval{line: n, spec: trimmed, query: q, quality: quality})
			cur, mode = &fx.evals[len(fx.evals)-1], "expect"
			continue
		}
		switch mode {
		case "load":
			sql.WriteString(line + "\n")
		case "expect":
			if trimmed == "" {
				mode = ""
				continue
			}
			cells := splitCells(line)
			if cur.head == nil {
				cur.head = cells
			} else {
				if len(cells) != len(cur.head) {
					return nil, fmt.Errorf("%s:%d: %d cells, header has %d", path, n, len(cells), len(cur.head))
				}
				cur.rows = append(cur.rows, cells)
			}
		default:
			if trimmed != "" {
				return nil, fmt.Errorf("%s:%d: %q outside load/eval", path, n, trimmed)
			}
		}
	}
	flushSQL()
	return fx, sc.Err()
}

func splitCells(line string) []string {
	parts := strings.Split(line, "|")
	for i := range parts {
		parts[i] = strings.TrimSpace(parts[i])
	}
	return parts
}

func parseEval(spec string) (q metrics.Query, quality string, err error) {
	q, err = parseEvalQuery(spec, &quality)
	return q, quality, err
}

func parseEvalQuery(spec string, quality *string) (metrics.Query, error) {
	fields := strings.Fields(spec)
	q := metrics.Query{Metrics: strings.Split(fields[0], ","), Zone: metrics.DefaultZone}
	var from, to, week string
	for _, f := range fields[1:] {
		k, v, ok := strings.Cut(f, "=")
		if !ok {
			return q, fmt.Errorf("eval option %q: want key=value", f)
		}
		switch {
		case k == "from":
			from = v
		case k == "to":
			to = v
		case k == "week":
			week = v
		case k == "by":
			q.By = strings.Split(v, ",")
		case k == "zone":
			z, err := time.LoadLocation(v)
			if err != nil {
				return q, err
			}
			q.Zone = z
		case k == "now":
			t, err := metrics.ParseTime(v, q.Zone)
			if err != nil {
				return q, err
			}
			q.Now = t
		case k == "quality":
			*quality = filepath.Join("testdata", v)
		case k == "limit":
			n, err := strconv.Atoi(v)
			if err != nil {
				return q, err
			}
			q.Limit = n
		case strings.HasPrefix(k, "param."):
			if q.Params == nil {
				q.Params = map[string]string{}
			}
			q.Params[strings.TrimPrefix(k, "param.")] = v
		case strings.HasPrefix(k, "filter."):
			if q.Filters == nil {
				q.Filters = map[string][]string{}
			}
			q.Filters[strings.TrimPrefix(k, "filter.")] = strings.Split(v, ",")
		default:
			return q, fmt.Errorf("unknown eval option %q", k)
		}
	}
	var err error
	q.From, q.To, err = metrics.ParseRange(from, to, week, q.Zone)
	if q.Now.IsZero() {
		q.Now = q.To.AddDate(1, 0, 0) // every window elapsed, unless the eval says otherwise
	}
	return q, err
}

// expectValue parses an expected cell: a number, a fraction a/b, or - (no value).
func expectValue(s string) (float64, bool, error) {
	if s == "-" || s == "NULL" {
		return 0, false, nil
	}
	if a, b, ok := strings.Cut(s, "/"); ok {
		x, err1 := strconv.ParseFloat(strings.TrimSpace(a), 64)
		y, err2 := strconv.ParseFloat(strings.TrimSpace(b), 64)
		if err1 != nil || err2 != nil || y == 0 {
			return 0, false, fmt.Errorf("bad fraction %q", s)
		}
		return x / y, true, nil
	}
	f, err := strconv.ParseFloat(s, 64)
	return f, true, err
}

func checkEval(t *testing.T, reg *metrics.Registry, db *testenv.DB, fx *fixture, e eval, pass string) {
	t.Helper()
	if e.quality != "" {
		c, err := metrics.LoadQualityConfig(e.quality)
		if err == nil {
			reg, err = reg.WithQuality(c)
		}
		if err != nil {
			t.Fatalf("%s:%d: %v", fx.file, e.line, err)
		}
	}
	res, err := reg.Run(context.Background(), db.Conn, e.query)
	if err != nil {
		t.Errorf("%s:%d (%s) %s: %v", fx.file, e.line, pass, e.spec, err)
		return
	}
	var got []string
	for _, c := range res.Columns {
		got = append(got, c.Name)
	}
	if strings.Join(got, "|") != strings.Join(e.head, "|") {
		t.Errorf("%s:%d (%s) %s: columns %v, want %v", fx.file, e.line, pass, e.spec, got, e.head)
		return
	}
	render := func() string {
		var b strings.Builder
		for _, row := range res.Rows {
			for i, v := range row {
				if i > 0 {
					b.WriteString(" | ")
				}
				if v == nil {
					b.WriteString("-")
				} else {
					fmt.Fprint(&b, v)
				}
			}
			b.WriteString("\n")
		}
		return b.String()
	}
	if len(res.Rows) != len(e.rows) {
		t.Errorf("%s:%d (%s) %s: %d rows, want %d; got:\n%s", fx.file, e.line, pass, e.spec, len(res.Rows), len(e.rows), render())
		return
	}
	for i, want := range e.rows {
		for j, cell := range want {
			gotv := res.Rows[i][j]
			if res.Columns[j].Kind == "dimension" {
				if fmt.Sprint(gotv) != cell && !(cell == `""` && gotv == "") {
					t.Errorf("%s:%d (%s) %s: row %d %s = %q, want %q; got:\n%s", fx.file, e.line, pass, e.spec, i+1, res.Columns[j].Name, gotv, cell, render())
				}
				continue
			}
			w, has, err := expectValue(cell)
			if err != nil {
				t.Fatalf("%s:%d: %v", fx.file, e.line, err)
			}
			g, gotHas := gotv.(float64)
			if has != gotHas || (has && math.Abs(g-w) > 1e-9*math.Max(1, math.Abs(w))) {
				t.Errorf("%s:%d (%s) %s: row %d %s = %v, want %s; got:\n%s", fx.file, e.line, pass, e.spec, i+1, res.Columns[j].Name, gotv, cell, render())
			}
		}
	}
}

func TestFixtures(t *testing.T) {
	files, err := filepath.Glob("testdata/*.test")
	if err != nil || len(files) == 0 {
		t.Fatalf("no fixtures in testdata: %v", err)
	}
	reg := metrics.Default()
	for _, f := range files {
		fx, err := parseFixture(f)
		if err != nil {
			t.Fatal(err)
		}
		t.Run(strings.TrimSuffix(filepath.Base(f), ".test"), func(t *testing.T) {
			db := testenv.NewDB(t)
			for _, pass := range []string{"delivered once", "every event delivered twice"} {
				for _, stmt := range fx.loads {
					if err := db.Conn.Exec(context.Background(), stmt); err != nil {
						t.Fatalf("%s: load: %v\n%s", f, err, stmt)
					}
				}
				for _, e := range fx.evals {
					checkEval(t, reg, db, fx, e, pass)
				}
			}
		})
	}
}

// TestEveryMetricHasAFixture: each registry metric is evaluated by name in
// some fixture.
func TestEveryMetricHasAFixture(t *testing.T) {
	files, _ := filepath.Glob("testdata/*.test")
	covered := map[string]bool{}
	for _, f := range files {
		fx, err := parseFixture(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range fx.evals {
			for _, m := range e.query.Metrics {
				covered[m] = true
			}
		}
	}
	var missing []string
	for _, m := range metrics.Default().Names() {
		if !covered[m] {
			missing = append(missing, m)
		}
	}
	sort.Strings(missing)
	if len(missing) > 0 {
		t.Errorf("metrics without a fixture in testdata/*.test: %s", strings.Join(missing, ", "))
	}
}
