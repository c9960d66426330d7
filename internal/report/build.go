package report

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"sort"
	"strings"
	"time"

	"github.com/ClickHouse/clickhouse-go/v2/lib/driver"

	"github.com/voc-analytics/voc/internal/catalog"
	"github.com/voc-analytics/voc/metrics"
)

// Options say which report to build.
type Options struct {
	Week Week
	Top  int    // top issues; default 10
	Lang string // zh | en; default zh
	// Now is the evaluation time of metrics that depend on it (FCR counts a
	// contact only once its repeat window has passed); zero: time.Now().
	Now      time.Time
	Emerging EmergingConfig    // zero: DefaultEmerging()
	Registry *metrics.Registry // nil: metrics.Default()
	Links    func(Quote) string
	Log      *slog.Logger
}

// The registry metrics the report reads. Headline figures missing from a
// registry are left out (and logged), so an older registry still works.
var (
	HeadlineMetrics = []string{"contacts", "fcr", "asa_p90", "csat", "nps", "negative_share", "ticket_sla_compliance"}
	// per top topic, by topic
	topicMetrics = []string{"sentiment_mean", "fcr", "repeat_rate", "negative_share"}
)

const (
	metricTopIssues = "top_issues"
	metricContacts  = "contacts"
	metricTerms     = "term_contacts"
	breakdownTop    = 3 // categories, models, channels per topic
	quotesPerTopic  = 3 // quotes per top issue
	examplesPerItem = 2 // quotes per emerging entry
	candidatesPer   = 300
	allRows         = 100000 // limit for ranked metrics when every row is wanted
)

// NoDataError says that the week has no contacts.
type NoDataError struct {
	Week   Week
	Latest string // latest week with contacts in the year before, "" if none
}

func (e *NoDataError) Error() string {
	msg := fmt.Sprintf("no contacts in week %s (%s to %s, %s): there is nothing to report", e.Week, e.Week.Start().Format(time.DateOnly),
		e.Week.End().AddDate(0, 0, -1).Format(time.DateOnly), e.Week.Zone)
	if e.Latest != "" {
		return msg + "; the latest week with data is " + e.Latest
	}
	return msg + "; no week of the year before has data either: has anything been ingested?"
}

// ErrNoData matches a *NoDataError with errors.Is.
var ErrNoData = errors.New("no data for the week")

// Is makes errors.Is(err, ErrNoData) true.
func (e *NoDataError) Is(target error) bool { return target == ErrNoData }

type builder struct {
	ctx  context.Context
	conn driver.Conn
	reg  *metrics.Registry
	opt  Options
	log  *slog.Logger
	now  time.Time
}

// Build computes the report of opt.Week from conn's database. A week without
// contacts is a *NoDataError.
func Build(ctx context.Context, conn driver.Conn, opt Options) (*Report, error) {
	if opt.Top <= 0 {
		opt.Top = 10
	}
	if opt.Lang == "" {
		opt.Lang = "zh"
	}
	if opt.Lang != "zh" && opt.Lang != "en" {
		return nil, fmt.Errorf("report language %q: choose zh or en", opt.Lang)
	}
	if opt.Emerging == (EmergingConfig{}) {
		opt.Emerging = DefaultEmerging()
	}
	if err := opt.Emerging.Validate(); err != nil {
		return nil, err
	}
	if opt.Registry == nil {
		opt.Registry = metrics.Default()
	}
	if opt.Log == nil {
		opt.Log = slog.New(slog.DiscardHandler)
	}
	if opt.Week.Zone == nil {
		return nil, errors.New("report: week without a time zone")
	}
	b := &builder{ctx: ctx, conn: conn, reg: opt.Registry, opt: opt, log: opt.Log, now: opt.Now}
	if b.now.IsZero() {
		b.now = time.Now()
	}
	return b.build()
}

func (b *builder) build() (*Report, error) {
	w := b.opt.Week
	prev := w.Add(-1)
	base0 := w.Add(-b.opt.Emerging.BaselineWeeks)
	r := &Report{Week: w.String(), Lang: b.opt.Lang, Method: b.opt.Emerging, Links: b.opt.Links,
		Range:    Range{From: w.Start(), To: w.End(), Zone: w.Zone.String(), Previous: prev.String()},
		Headline: []Headline{}, TopIssues: []TopIssue{}, Emerging: []Emerging{}, Suggestions: []Suggestion{}}
	for i := b.opt.Emerging.BaselineWeeks; i >= 1; i-- {
		r.Range.Baseline = append(r.Range.Baseline, w.Add(-i).String())
	}
	exposure, err := b.total(metricContacts, w.Start(), w.End())
	if err != nil {
		return nil, err
	}
	if exposure == 0 {
		return nil, b.noData(w)
	}
	if r.Headline, err = b.headline(w, prev); err != nil {
		return nil, err
	}
	topics, err := b.topIssues(w)
	if err != nil {
		return nil, err
	}
	r.TopIssues = topics
	topicCands, err := b.candidates(groupTopic, w.Start(), w.End(), topicNames(topics))
	if err != nil {
		return nil, err
	}
	var background []Candidate
	for _, cs := range topicCands {
		background = append(background, cs...)
	}
	keywords := map[string][]string{}
	for i := range r.TopIssues {
		t := &r.TopIssues[i]
		t.Quotes = nonNil(SelectQuotes(topicCands[t.Topic], quotesPerTopic))
		keywords[t.Topic] = TopKeywords(topicCands[t.Topic], background, suggestionTopKeywords)
	}
	posts, err := b.posts(w)
	if err != nil {
		return nil, err
	}
	byTopic, used := MatchSuggestions(posts, keywords, topicNames(topics), 3)
	for i := range r.TopIssues {
		r.TopIssues[i].Suggestions = byTopic[r.TopIssues[i].Topic]
	}
	r.Suggestions = used
	baseExposure, err := b.total(metricContacts, base0.Start(), w.Start())
	if err != nil {
		return nil, err
	}
	items, err := b.emergingItems(w, base0)
	if err != nil {
		return nil, err
	}
	r.Emerging, r.Tested = Detect(items, exposure, baseExposure, b.opt.Emerging)
	if r.Emerging == nil {
		r.Emerging = []Emerging{}
	}
	if err := b.examples(w, r.Emerging); err != nil {
		return nil, err
	}
	return r, nil
}

func (b *builder) run(q metrics.Query) (*metrics.Result, error) {
	if q.Zone == nil {
		q.Zone = b.opt.Week.Zone
	}
	q.Now = b.now
	res, err := b.reg.Run(b.ctx, b.conn, q)
	if err != nil {
		return nil, fmt.Errorf("weekly report %s: metrics %s by %v: %w", b.opt.Week, strings.Join(q.Metrics, ", "), q.By, err)
	}
	return res, nil
}

func (b *builder) has(name string) bool {
	_, err := b.reg.Get(name)
	return err == nil
}

// total is a metric's value over [from, to) without dimensions (0 if none).
func (b *builder) total(metric string, from, to time.Time) (float64, error) {
	res, err := b.run(metrics.Query{Metrics: []string{metric}, From: from, To: to})
	if err != nil {
		return 0, err
	}
	if len(res.Rows) == 0 {
		return 0, nil
	}
	if v := num(res, res.Rows[0], metric); v != nil {
		return *v, nil
	}
	return 0, nil
}

func (b *builder) noData(w Week) error {
	e := &NoDataError{Week: w}
	res, err := b.run(metrics.Query{Metrics: []string{metricContacts}, From: w.Add(-52).Start(), To: w.Add(53).Start(), By: []string{"week"}})
	if err == nil {
		for _, row := range res.Rows {
			if v := num(res, row, metricContacts); v != nil && *v > 0 && row[0].(string) != w.String() {
				e.Latest = row[0].(string) // weeks come in order: the last one wins
			}
		}
	}
	return e
}

func (b *builder) headline(w, prev Week) ([]Headline, error) {
	var names []string
	for _, n := range HeadlineMetrics {
		if b.has(n) {
			names = append(names, n)
		} else {
			b.log.Warn("weekly report: headline metric not in the registry; left out", "metric", n)
		}
	}
	cur, err := b.run(metrics.Query{Metrics: names, From: w.Start(), To: w.End()})
	if err != nil {
		return nil, err
	}
	old, err := b.run(metrics.Query{Metrics: names, From: prev.Start(), To: prev.End()})
	if err != nil {
		return nil, err
	}
	out := []Headline{}
	for _, n := range names {
		m, _ := b.reg.Get(n)
		h := Headline{Metric: n, Title: metricTitle(m, b.opt.Lang), Unit: m.Unit, Direction: m.Direction, Target: m.Target}
		if len(cur.Rows) > 0 {
			h.Value = rounded(num(cur, cur.Rows[0], n), 4)
		}
		if len(old.Rows) > 0 {
			h.Previous = rounded(num(old, old.Rows[0], n), 4)
		}
		if p, ok := m.Param("repeat_window"); ok && h.Value == nil {
			// FCR-like figures wait until every contact's repeat window has passed.
			days := 7
			fmt.Sscan(p.Default, &days)
			if ready := w.End().AddDate(0, 0, days); ready.After(b.now) {
				h.PendingUntil = ready.Format(time.DateOnly)
			}
		}
		h.Change, h.ChangePct, h.Trend = change(h.Value, h.Previous, m.Unit)
		h.Change, h.ChangePct = rounded(h.Change, 4), rounded(h.ChangePct, 4)
		h.Verdict = verdict(h.Trend, m.Direction)
		out = append(out, h)
	}
	return out, nil
}

// flatBelow is the change under which a figure counts as unchanged: half a
// percentage point for ratios, 1% for counts and durations, half a point
// on 0-100 scales, 0.01 for scores.
func flat(change, prev float64, unit string) bool {
	switch unit {
	case "ratio":
		return math.Abs(change) < 0.005
	case "count", "seconds", "hours":
		return prev == 0 && change == 0 || prev != 0 && math.Abs(change/prev) < 0.01
	case "nps", "index":
		return math.Abs(change) < 0.5
	}
	return math.Abs(change) < 0.01
}

func change(v, prev *float64, unit string) (ch, pct *float64, trend string) {
	if v == nil || prev == nil {
		return nil, nil, "unknown"
	}
	c := *v - *prev
	ch = &c
	if *prev != 0 && (unit == "count" || unit == "seconds" || unit == "hours") {
		p := c / *prev
		pct = &p
	}
	switch {
	case flat(c, *prev, unit):
		trend = "flat"
	case c > 0:
		trend = "up"
	default:
		trend = "down"
	}
	return ch, pct, trend
}

func verdict(trend, direction string) string {
	switch {
	case trend == "up" && direction == "higher", trend == "down" && direction == "lower":
		return "good"
	case trend == "up" && direction == "lower", trend == "down" && direction == "higher":
		return "bad"
	}
	return "neutral"
}

func (b *builder) topIssues(w Week) ([]TopIssue, error) {
	all, err := b.run(metrics.Query{Metrics: []string{metricTopIssues}, From: w.Start(), To: w.End(), By: []string{"topic"}, Limit: allRows})
	if err != nil {
		return nil, err
	}
	total := 0.0
	for _, row := range all.Rows {
		if v := num(all, row, metricTopIssues); v != nil {
			total += *v
		}
	}
	out := []TopIssue{}
	for i, row := range all.Rows {
		if i == b.opt.Top {
			break
		}
		topic := row[0].(string)
		t := TopIssue{Rank: i + 1, Topic: topic, Title: topicTitle(topic, b.opt.Lang), Categories: []Count{}, Models: []Count{}, Channels: []Count{}, Quotes: []Quote{}, Suggestions: []string{}}
		t.Contacts = val(num(all, row, metricTopIssues))
		t.Previous = val(num(all, row, "previous"))
		t.Change = t.Contacts - t.Previous
		if t.Previous > 0 {
			p := round(t.Change/t.Previous, 4)
			t.ChangePct = &p
		}
		if total > 0 {
			t.Share = round(t.Contacts/total, 4)
		}
		out = append(out, t)
	}
	if len(out) == 0 {
		return out, nil
	}
	names := topicNames(out)
	// 4-week sparkline: the same metric, one week at a time.
	for k := 3; k >= 0; k-- {
		wk := w.Add(-k)
		res, err := b.run(metrics.Query{Metrics: []string{metricTopIssues}, From: wk.Start(), To: wk.End(), By: []string{"topic"}, Limit: allRows})
		if err != nil {
			return nil, err
		}
		counts := map[string]float64{}
		for _, row := range res.Rows {
			counts[row[0].(string)] = val(num(res, row, metricTopIssues))
		}
		for i := range out {
			out[i].Weekly = append(out[i].Weekly, WeekCount{Week: wk.String(), Contacts: counts[out[i].Topic]})
		}
	}
	var ms []string
	for _, n := range topicMetrics {
		if b.has(n) {
			ms = append(ms, n)
		} else {
			b.log.Warn("weekly report: per-topic metric not in the registry; left out", "metric", n)
		}
	}
	if len(ms) > 0 {
		res, err := b.run(metrics.Query{Metrics: ms, From: w.Start(), To: w.End(), By: []string{"topic"}, Filters: map[string][]string{"topic": names}})
		if err != nil {
			return nil, err
		}
		for _, row := range res.Rows {
			for i := range out {
				if out[i].Topic != row[0].(string) {
					continue
				}
				t := &out[i]
				t.Sentiment = rounded(num(res, row, "sentiment_mean"), 3)
				t.FCR = rounded(num(res, row, "fcr"), 4)
				t.RepeatRate = rounded(num(res, row, "repeat_rate"), 4)
				t.NegativeShare = rounded(num(res, row, "negative_share"), 4)
			}
		}
	}
	for _, dim := range []string{"service_category", "product_model", "channel"} {
		res, err := b.run(metrics.Query{Metrics: []string{metricContacts}, From: w.Start(), To: w.End(), By: []string{"topic", dim}, Filters: map[string][]string{"topic": names}})
		if err != nil {
			return nil, err
		}
		for i := range out {
			t := &out[i]
			var cs []Count
			sum := 0.0
			for _, row := range res.Rows {
				if row[0].(string) != t.Topic || row[1].(string) == "" {
					continue
				}
				v := val(num(res, row, metricContacts))
				sum += v
				cs = append(cs, Count{Name: row[1].(string), Title: dimTitle(dim, row[1].(string), b.opt.Lang), Contacts: v})
			}
			sort.SliceStable(cs, func(a, b int) bool {
				if cs[a].Contacts != cs[b].Contacts {
					return cs[a].Contacts > cs[b].Contacts
				}
				return cs[a].Name < cs[b].Name
			})
			if len(cs) > breakdownTop {
				cs = cs[:breakdownTop]
			}
			for j := range cs {
				cs[j].Share = round(cs[j].Contacts/sum, 4)
			}
			switch dim {
			case "service_category":
				t.Categories = nonNil(cs)
			case "product_model":
				t.Models = nonNil(cs)
			default:
				t.Channels = nonNil(cs)
			}
		}
	}
	return out, nil
}

// emergingItems counts every topic, category, model × topic and term this
// week and over the baseline weeks [base0, w).
func (b *builder) emergingItems(w, base0 Week) ([]Item, error) {
	type key struct{ kind, a, b string }
	cur, base := map[key]int64{}, map[key]int64{}
	count := func(dst map[key]int64, from, to time.Time) error {
		res, err := b.run(metrics.Query{Metrics: []string{metricTopIssues}, From: from, To: to, By: []string{"topic"}, Limit: allRows})
		if err != nil {
			return err
		}
		for _, row := range res.Rows {
			dst[key{KindTopic, row[0].(string), ""}] += int64(val(num(res, row, metricTopIssues)))
		}
		res, err = b.run(metrics.Query{Metrics: []string{metricContacts}, From: from, To: to, By: []string{"service_category"}})
		if err != nil {
			return err
		}
		for _, row := range res.Rows {
			if c := row[0].(string); c != "" {
				dst[key{KindCategory, c, ""}] += int64(val(num(res, row, metricContacts)))
			}
		}
		res, err = b.run(metrics.Query{Metrics: []string{metricContacts}, From: from, To: to, By: []string{"product_model", "topic"}})
		if err != nil {
			return err
		}
		for _, row := range res.Rows {
			if row[0].(string) != "" && row[1].(string) != "" {
				dst[key{KindModel, row[0].(string), row[1].(string)}] += int64(val(num(res, row, metricContacts)))
			}
		}
		if !b.has(metricTerms) {
			b.log.Warn("weekly report: no per-term metric in the registry; terms left out of the emerging test", "metric", metricTerms)
			return nil
		}
		res, err = b.run(metrics.Query{Metrics: []string{metricTerms}, From: from, To: to, By: []string{"term"}})
		if err != nil {
			return err
		}
		for _, row := range res.Rows {
			if t := row[0].(string); t != "" {
				dst[key{KindTerm, t, ""}] += int64(val(num(res, row, metricTerms)))
			}
		}
		return nil
	}
	if err := count(cur, w.Start(), w.End()); err != nil {
		return nil, err
	}
	if err := count(base, base0.Start(), w.Start()); err != nil {
		return nil, err
	}
	// A category whose contacts this week are mostly one model names it.
	catModel := map[string]string{}
	res, err := b.run(metrics.Query{Metrics: []string{metricContacts}, From: w.Start(), To: w.End(), By: []string{"service_category", "product_model"}})
	if err != nil {
		return nil, err
	}
	for _, row := range res.Rows {
		c, m := row[0].(string), row[1].(string)
		if n := int64(val(num(res, row, metricContacts))); m != "" && 2*n > cur[key{KindCategory, c, ""}] {
			catModel[c] = m
		}
	}
	items := make([]Item, 0, len(cur))
	for k, n := range cur {
		it := Item{Kind: k.kind, Name: k.a, Count: n, BaselineCount: base[k]}
		lang := b.opt.Lang
		switch k.kind {
		case KindTopic:
			it.Title = topicTitle(k.a, lang)
		case KindCategory:
			it.Title = categoryTitle(k.a, lang)
			it.Topic = catalog.TopicOf(k.a)
			it.Model = catModel[k.a]
		case KindModel:
			it.Name, it.Model, it.Topic = k.a+"/"+k.b, k.a, k.b
			it.Title = k.a + " × " + topicTitle(k.b, lang)
		case KindTerm:
			it.Title = k.a
		}
		items = append(items, it)
	}
	sort.Slice(items, func(i, j int) bool {
		if items[i].Kind != items[j].Kind {
			return kindOrder[items[i].Kind] < kindOrder[items[j].Kind]
		}
		return items[i].Name < items[j].Name
	})
	return items, nil
}

// examples adds two quotes to each emerging entry the report shows.
func (b *builder) examples(w Week, es []Emerging) error {
	groups := map[string][]string{}
	for i := range es {
		if i == maxEmergingShown {
			break
		}
		groups[es[i].Kind] = append(groups[es[i].Kind], groupKey(es[i]))
	}
	cands := map[string]map[string][]Candidate{}
	for _, kind := range []string{KindTopic, KindCategory, KindModel, KindTerm} {
		if len(groups[kind]) == 0 {
			continue
		}
		c, err := b.candidates(kind, w.Start(), w.End(), groups[kind])
		if err != nil {
			return err
		}
		cands[kind] = c
	}
	for i := range es {
		es[i].Examples = []Quote{}
		if i < maxEmergingShown {
			es[i].Examples = nonNil(SelectQuotes(cands[es[i].Kind][groupKey(es[i])], examplesPerItem))
		}
	}
	return nil
}

func groupKey(e Emerging) string {
	if e.Kind == KindModel {
		return e.Model + "|" + e.Topic
	}
	return e.Name
}

func topicNames(ts []TopIssue) []string {
	out := make([]string, len(ts))
	for i, t := range ts {
		out[i] = t.Topic
	}
	return out
}

// num is the value of column col in row (nil: no value or no such column).
func num(res *metrics.Result, row []any, col string) *float64 {
	for i, c := range res.Columns {
		if c.Name == col {
			if f, ok := row[i].(float64); ok && !math.IsNaN(f) {
				return &f
			}
			return nil
		}
	}
	return nil
}

func val(p *float64) float64 {
	if p == nil {
		return 0
	}
	return *p
}

func rounded(p *float64, digits int) *float64 {
	if p == nil {
		return nil
	}
	v := round(*p, digits)
	return &v
}

func nonNil[T any](xs []T) []T {
	if xs == nil {
		return []T{}
	}
	return xs
}
