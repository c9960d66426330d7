package report_test

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/voc-analytics/voc/internal/browser"
	"github.com/voc-analytics/voc/internal/generate"
	"github.com/voc-analytics/voc/internal/genload"
	"github.com/voc-analytics/voc/internal/report"
	"github.com/voc-analytics/voc/internal/testenv"
	"github.com/voc-analytics/voc/internal/testload"
	"github.com/voc-analytics/voc/pipeline"
)

var update = flag.Bool("update", false, "rewrite testdata/golden_*.json from the current report")

var shanghai, _ = time.LoadLocation("Asia/Shanghai")

// evalTime is after every generated week's repeat window, so FCR and repeat
// rate are final and the report does not depend on the wall clock.
var evalTime = time.Date(2027, 1, 1, 0, 0, 0, 0, shanghai)

func week(t *testing.T, s string) report.Week {
	t.Helper()
	w, err := report.ParseWeek(s, shanghai)
	if err != nil {
		t.Fatal(err)
	}
	return w
}

func build(t *testing.T, db *testenv.DB, w, lang string) *report.Report {
	t.Helper()
	r, err := report.Build(context.Background(), db.Conn, report.Options{Week: week(t, w), Lang: lang, Now: evalTime})
	if err != nil {
		t.Fatalf("build %s: %v", w, err)
	}
	return r
}

// goldenConfig is the seeded month the golden report is built from: five
// weeks from Monday 2026-10-26 (2026-W44 to W48), the planted issue on
// Redmi X55 from Wednesday 2026-11-11 (day 16, in W46).
func goldenConfig() generate.Config {
	cfg := generate.DefaultConfig()
	cfg.Days, cfg.ContactsPerDay, cfg.Seed = 35, 300, 7
	cfg.EmergingModel, cfg.EmergingFromDay = "Redmi X55", 16
	return cfg
}

// TestGeneratedMonth: one seeded month, loaded once; the report of its
// third week as golden JSON, in every format and language without personal
// data, and as HTML that Chromium renders without a console error.
func TestGeneratedMonth(t *testing.T) {
	db := loadGenerated(t, goldenConfig())
	r := build(t, db, "2026-W46", "en")

	t.Run("golden", func(t *testing.T) {
		var buf bytes.Buffer
		if err := report.RenderJSON(&buf, r); err != nil {
			t.Fatal(err)
		}
		golden := filepath.Join("testdata", "golden_2026-W46.json")
		if *update {
			if err := os.MkdirAll("testdata", 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(golden, buf.Bytes(), 0o644); err != nil {
				t.Fatal(err)
			}
			t.Logf("wrote %s", golden)
			return
		}
		want, err := os.ReadFile(golden)
		if err != nil {
			t.Fatalf("%v (run go test ./internal/report -run TestGeneratedMonth -update)", err)
		}
		if !bytes.Equal(buf.Bytes(), want) {
			t.Errorf("the report of 2026-W46 differs from %s (if the change is intended: -update):\n%s", golden, firstDiff(buf.String(), string(want)))
		}
	})

	t.Run("reads as a report", func(t *testing.T) {
		if len(r.Headline) < 6 || len(r.TopIssues) != 10 {
			t.Fatalf("headline %d figures, %d top issues", len(r.Headline), len(r.TopIssues))
		}
		for _, ti := range r.TopIssues {
			if len(ti.Weekly) != 4 || ti.Weekly[3].Contacts != ti.Contacts || len(ti.Quotes) == 0 || ti.FCR == nil || ti.RepeatRate == nil || ti.NegativeShare == nil || len(ti.Models) == 0 {
				t.Errorf("top issue %s is incomplete: %+v", ti.Topic, ti)
			}
		}
		if !hasModelRemote(r.Emerging, "Redmi X55") {
			t.Errorf("the planted Redmi X55 remote issue (from 2026-11-11) is not under Emerging in W46: %+v", r.Emerging)
		}
	})

	t.Run("no personal data", func(t *testing.T) {
		for _, lang := range report.Languages {
			rr := build(t, db, "2026-W46", lang)
			for _, f := range report.Formats {
				var buf bytes.Buffer
				if err := report.Render(&buf, rr, f); err != nil {
					t.Fatal(err)
				}
				if found := findPII(buf.String()); len(found) > 0 {
					t.Errorf("%s %s output contains personal data: %q", lang, f, found)
				}
			}
		}
	})

	t.Run("html in chromium", func(t *testing.T) {
		checkHTMLInChromium(t, r)
	})

	t.Run("no data", func(t *testing.T) {
		_, err := report.Build(context.Background(), db.Conn, report.Options{Week: week(t, "2026-W40"), Now: evalTime})
		var nd *report.NoDataError
		if !errors.As(err, &nd) || !errors.Is(err, report.ErrNoData) || nd.Latest != "2026-W48" {
			t.Errorf("week without data: err = %v, want a NoDataError naming 2026-W48 as the latest week", err)
		}
	})
}

func checkHTMLInChromium(t *testing.T, r *report.Report) {
	bin, err := browser.Find(os.Getenv)
	if err != nil {
		t.Fatalf("%v (CI installs Debian's chromium)", err)
	}
	path := filepath.Join(t.TempDir(), "report.html")
	var buf bytes.Buffer
	if err := report.RenderHTML(&buf, r); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, vp := range []browser.Options{{Width: 1280, Height: 900}, {Width: 390, Height: 844, Mobile: true, Scale: 2}} {
		vp.Eval = "document.documentElement.scrollWidth <= window.innerWidth + 1"
		res, err := browser.Load(context.Background(), bin, "file://"+path, vp)
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Errors) > 0 {
			t.Errorf("%dpx: console errors: %q", vp.Width, res.Errors)
		}
		if !strings.Contains(res.Title, r.Week) {
			t.Errorf("%dpx: page title %q", vp.Width, res.Title)
		}
		if string(res.Value) != "true" {
			t.Errorf("%dpx: the page is wider than the screen (horizontal scrolling)", vp.Width)
		}
	}
}

func hasModelRemote(es []report.Emerging, model string) bool {
	for _, e := range es {
		if e.Model == model && (e.Topic == "remote" || e.Name == "remote-after-update") {
			return true
		}
	}
	return false
}

func emergingAbout(es []report.Emerging, model string) []report.Emerging {
	var out []report.Emerging
	for _, e := range es {
		if e.Name == "remote-after-update" || e.Model == model && e.Topic == "remote" {
			out = append(out, e)
		}
	}
	return out
}

// TestPlantedEmergingIssue: the generator's planted issue (a firmware update
// breaks one model's remote from day D, growing 30% a day) is under Emerging
// in the week D falls in and not in the week before; without the issue the
// same weeks raise no entry about that model's remote.
func TestPlantedEmergingIssue(t *testing.T) {
	cases := []struct {
		model      string
		fromDay    int    // 0-based from Monday 2026-10-26
		week, prev string // the week of fromDay and the one before
	}{
		{"E8N 65", 14, "2026-W46", "2026-W45"},    // a Monday: a full first week
		{"Redmi X55", 17, "2026-W46", "2026-W45"}, // a Thursday: four days of it
		{"P1 Pro", 22, "2026-W47", "2026-W46"},    // a Tuesday of the week after, a projector
	}
	for _, c := range cases {
		t.Run(fmt.Sprintf("%s from day %d", c.model, c.fromDay), func(t *testing.T) {
			cfg := generate.DefaultConfig()
			cfg.ContactsPerDay, cfg.Seed = 300, uint64(100+c.fromDay)
			cfg.EmergingModel, cfg.EmergingFromDay = c.model, c.fromDay
			cfg.Days = (c.fromDay/7 + 1) * 7 // to the end of the issue's first week
			db := loadGenerated(t, cfg)
			r := build(t, db, c.week, "en")
			got := emergingAbout(r.Emerging, c.model)
			if !hasModelRemote(r.Emerging, c.model) {
				t.Errorf("%s: the %s remote issue is not under Emerging: %+v", c.week, c.model, r.Emerging)
			}
			for _, e := range got {
				t.Logf("detected in %s: %s %s (model %q): count %d, baseline %.1f, ratio %v, score %.1f, q %.3g", c.week, e.Kind, e.Name, e.Model, e.Count, e.Baseline, ratio(e.Ratio), e.Score, e.QValue)
			}
			if before := emergingAbout(build(t, db, c.prev, "en").Emerging, c.model); len(before) > 0 {
				t.Errorf("%s, before the issue started: %+v", c.prev, before)
			}

			cfg.EmergingIssue = false
			db = loadGenerated(t, cfg)
			for _, w := range []string{c.prev, c.week} {
				if es := emergingAbout(build(t, db, w, "en").Emerging, c.model); len(es) > 0 {
					t.Errorf("--emerging-issue=false, %s: %+v", w, es)
				}
			}
		})
	}
}

func ratio(r *float64) string {
	if r == nil {
		return "new"
	}
	return fmt.Sprintf("%.2f", *r)
}

// TestPlantedPII: contacts whose every customer message carries a phone
// number, an ID number, a bank card or an e-mail address go through the
// pipeline's enrichment; the report quotes them (placeholders show it did)
// and no format shows the numbers themselves.
func TestPlantedPII(t *testing.T) {
	db := testenv.NewDB(t)
	ctx := context.Background()
	sink := genload.NewSink(ctx, db.Conn, testload.Enricher(t), genload.Options{})
	planted := map[string]string{
		"PHONE": "13912345678", "ID": idNumber("11010519900307123"), "CARD": luhn("622202123456789"), "EMAIL": "li.wei88@163.com",
	}
	texts := []string{
		"遥控器按了没反应，我电话" + planted["PHONE"] + "，快点处理",
		"升级以后遥控器就没反应了，身份证号" + planted["ID"],
		"遥控器坏了要退款，退到我的银行卡，卡号" + planted["CARD"],
		"remote stopped working after the update, email me at " + planted["EMAIL"],
	}
	n := 0
	for wk, perWeek := range []int{4, 4, 4, 4, 24} { // W42..W45 baseline, W46 the report week
		for i := range perWeek {
			n++
			id := fmt.Sprintf("c-pii-%03d", n)
			at := week(t, "2026-W42").Add(wk).Start().Add(time.Duration(10+i%10) * time.Hour).Add(time.Duration(i) * 7 * time.Minute)
			evs := []pipeline.Event{
				&pipeline.ChatEvent{Envelope: pipeline.Envelope{EventID: id + "-1", Type: pipeline.ContactStarted}, ContactID: id, Channel: "app", CustomerID: fmt.Sprintf("u-pii-%d", n), ProductModel: "E8N 65", Language: "zh"},
				&pipeline.ChatEvent{Envelope: pipeline.Envelope{EventID: id + "-2", Type: pipeline.ContactMessage}, ContactID: id, MessageID: "m1", Sender: "customer", Text: texts[n%len(texts)]},
				&pipeline.ChatEvent{Envelope: pipeline.Envelope{EventID: id + "-3", Type: pipeline.ContactAgentAnswered}, ContactID: id, AgentID: "a1", Team: "tv-support"},
				&pipeline.ChatEvent{Envelope: pipeline.Envelope{EventID: id + "-4", Type: pipeline.ContactEnded}, ContactID: id, Resolved: ptr(false), ServiceCategory: "remote-after-update"},
			}
			for j, ev := range evs {
				env := ev.Env()
				env.Version = pipeline.SchemaVersion
				env.OccurredAt = at.Add(time.Duration(j) * time.Minute)
				b, err := pipeline.Encode(ev)
				if err != nil {
					t.Fatal(err)
				}
				if err := sink.Write(ctx, ev.Topic(), []byte(ev.Key()), b); err != nil {
					t.Fatal(err)
				}
			}
		}
	}
	if err := sink.Close(); err != nil {
		t.Fatal(err)
	}
	if err := genload.Optimize(ctx, db.Conn); err != nil {
		t.Fatal(err)
	}
	for _, lang := range report.Languages {
		r := build(t, db, "2026-W46", lang)
		for _, f := range report.Formats {
			var buf bytes.Buffer
			if err := report.Render(&buf, r, f); err != nil {
				t.Fatal(err)
			}
			out := buf.String()
			for kind, v := range planted {
				if strings.Contains(out, v) {
					t.Errorf("%s %s: planted %s %s is in the report", lang, f, kind, v)
				}
			}
			if found := findPII(out); len(found) > 0 {
				t.Errorf("%s %s: personal data in the report: %q", lang, f, found)
			}
			plain := strings.ReplaceAll(out, `\`, "") // Markdown escapes the brackets
			if !strings.Contains(plain, "[PHONE]") && !strings.Contains(plain, "[ID]") && !strings.Contains(plain, "[CARD]") && !strings.Contains(plain, "[EMAIL]") {
				t.Errorf("%s %s: no redacted quote in the report, so the probe proves nothing", lang, f)
			}
		}
	}
}

func ptr[T any](v T) *T { return &v }

// idNumber appends the GB 11643 check character to 17 digits: a resident ID
// number that passes the checksum, as real ones do.
func idNumber(first17 string) string {
	weights := []int{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}
	sum := 0
	for i, w := range weights {
		sum += int(first17[i]-'0') * w
	}
	return first17 + string("10X98765432"[sum%11])
}

// luhn appends the Luhn check digit, so the number is a valid card number.
func luhn(s string) string {
	sum := 0
	for i := len(s) - 1; i >= 0; i-- {
		d := int(s[i] - '0')
		if (len(s)-1-i)%2 == 0 {
			d *= 2
			if d > 9 {
				d -= 9
			}
		}
		sum += d
	}
	return s + string(rune('0'+(10-sum%10)%10))
}

var (
	mobileRe = regexp.MustCompile(`(^|[^0-9])1[3-9][0-9]{9}([^0-9]|$)`)
	idRe     = regexp.MustCompile(`(^|[^0-9])[1-9][0-9]{5}(19|20)[0-9]{2}(0[1-9]|1[0-2])[0-3][0-9]{4}[0-9Xx]?([^0-9]|$)`)
	cardRe   = regexp.MustCompile(`(^|[^0-9])(62|4[0-9]|5[1-5])[0-9]{14,17}([^0-9]|$)`)
	emailRe  = regexp.MustCompile(`[A-Za-z0-9._%+\-]+@[A-Za-z0-9.\-]+\.[A-Za-z]{2,}`)
)

// findPII returns the phone numbers, ID numbers, card numbers and e-mail
// addresses in s.
func findPII(s string) []string {
	var out []string
	for _, re := range []*regexp.Regexp{mobileRe, idRe, cardRe, emailRe} {
		out = append(out, re.FindAllString(s, 5)...)
	}
	return out
}

func firstDiff(got, want string) string {
	g, w := strings.Split(got, "\n"), strings.Split(want, "\n")
	for i := 0; i < len(g) || i < len(w); i++ {
		var gl, wl string
		if i < len(g) {
			gl = g[i]
		}
		if i < len(w) {
			wl = w[i]
		}
		if gl != wl {
			return fmt.Sprintf("line %d:\n  got:  %s\n  want: %s", i+1, gl, wl)
		}
	}
	return ""
}
