package generate

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"time"

	"github.com/voc-analytics/voc/pipeline"
)

var departments = []string{"hotline", "online-service", "after-sales", "field-repair", "quality", "product-tv", "logistics", "training"}

// employees on the suggestion board.
const employees = 800

// suggestions writes the day's posts on the internal board and their later
// endorsements, comments and status changes. Some posts are about the top
// issues of the past week, some about the planted emerging issue.
func (g *generator) suggestions(dayStart int64) {
	base := max(1, g.cfg.ContactsPerDay/1500)
	n := base + g.r.IntN(base/2+1) - base/4
	for range n {
		g.post(dayStart + 9*3600 + g.r.Int64N(11*3600))
	}
}

// topTopics are the most frequent topics of the last 7 days, most frequent first.
func (g *generator) topTopics(k int) []int {
	counts := make([]int, len(Topics))
	for d := max(0, g.day-7); d < g.day; d++ {
		for i, c := range g.topicDays[d] {
			counts[i] += c
		}
	}
	idx := make([]int, len(Topics))
	for i := range idx {
		idx[i] = i
	}
	slices.SortStableFunc(idx, func(a, b int) int { return counts[b] - counts[a] })
	return idx[:k]
}

func (g *generator) post(at int64) {
	g.sum.Posts++
	g.postSeq++
	id := fmt.Sprintf("p-%06d", g.postSeq)
	lang := "zh"
	if g.chance(0.08) {
		lang = "en"
	}
	corp := corpora[lang]
	s := &slots{model: g.cfg.EmergingModel, count: 3 + g.r.IntN(25)}
	kind := "general"
	var tags []string
	popularity := 1.0
	switch x := g.r.Float64(); {
	case g.cfg.EmergingIssue && g.day >= g.cfg.EmergingFromDay+2 && x < 0.35:
		kind, popularity = "emerging", 3
		tags = []string{"remote", "update-firmware", "emerging"}
	case x < 0.8:
		var t Topic
		if g.day > 0 && g.chance(0.7) {
			t = Topics[g.topTopics(3)[g.r.IntN(3)]]
			popularity = 1.6
		} else {
			t = Topics[g.r.IntN(len(Topics))]
		}
		kind, s.topicZh, s.topicEn = "topic", t.Zh, t.En
		tags = []string{t.Name}
	default:
		tags = []string{"process"}
	}
	t := &postBuilder{g: g, id: id}
	author := g.r.IntN(employees)
	t.add(at, &pipeline.SuggestionEvent{Envelope: pipeline.Envelope{Type: pipeline.SuggestionPosted},
		AuthorID: employeeID(author), Department: departments[g.r.IntN(len(departments))],
		Title: fill(g.r, corp.pick(g.r, "post_title:"+kind), s, lang), Text: fill(g.r, corp.pick(g.r, "post_body:"+kind), s, lang), Tags: tags})

	votes := int(math.Min(120, g.lognormal(3.5*popularity, 0.9)))
	voters := map[int]bool{author: true}
	for range votes {
		v := g.r.IntN(employees)
		if voters[v] {
			continue
		}
		voters[v] = true
		t.add(officeHours(g.r, at+60+int64(g.r.ExpFloat64()*1.5*86400), 8, 23), &pipeline.SuggestionEvent{Envelope: pipeline.Envelope{Type: pipeline.SuggestionEndorsed}, VoterID: employeeID(v)})
	}
	for range pickIndex(g.r, []float64{0.3, 0.25, 0.2, 0.12, 0.08, 0.05}) {
		t.k++
		t.add(officeHours(g.r, at+120+int64(g.r.ExpFloat64()*86400), 8, 23), &pipeline.SuggestionEvent{Envelope: pipeline.Envelope{Type: pipeline.SuggestionCommented},
			CommentID: "k" + strconv.Itoa(t.k), AuthorID: employeeID(g.r.IntN(employees)), Text: corpora[lang].pick(g.r, "post_comment")})
	}
	if len(voters)-1 >= 8 {
		review := officeHours(g.r, at+g.between(2*86400, 5*86400), 9, 18)
		t.add(review, &pipeline.SuggestionEvent{Envelope: pipeline.Envelope{Type: pipeline.SuggestionStatusChanged}, FromStatus: "open", ToStatus: "under_review"})
		decided := officeHours(g.r, review+g.between(3*86400, 7*86400), 9, 18)
		adopt := 0.5
		if kind == "emerging" {
			adopt = 0.9
		}
		if g.chance(adopt) {
			t.add(decided, &pipeline.SuggestionEvent{Envelope: pipeline.Envelope{Type: pipeline.SuggestionStatusChanged}, FromStatus: "under_review", ToStatus: "adopted"})
			t.add(officeHours(g.r, decided+g.between(10*86400, 20*86400), 9, 18), &pipeline.SuggestionEvent{Envelope: pipeline.Envelope{Type: pipeline.SuggestionStatusChanged}, FromStatus: "adopted", ToStatus: "implemented"})
		} else {
			t.add(decided, &pipeline.SuggestionEvent{Envelope: pipeline.Envelope{Type: pipeline.SuggestionStatusChanged}, FromStatus: "under_review", ToStatus: "rejected"})
		}
	}
}

// officeHours moves t into the board's working day: status changes happen
// 09:00-18:00, votes and comments 08:00-23:00 (night ones next morning).
func officeHours(r interface{ Int64N(int64) int64 }, t int64, from, to int) int64 {
	d := toTime(t)
	if h := d.Hour(); h >= from && h < to {
		return t
	}
	day := time.Date(d.Year(), d.Month(), d.Day(), from, 0, 0, 0, Shanghai)
	if d.Hour() >= to {
		day = day.AddDate(0, 0, 1)
	}
	return day.Unix() + r.Int64N(2*3600)
}

func employeeID(n int) string { return fmt.Sprintf("e-%04d", n) }

type postBuilder struct {
	g  *generator
	id string
	n  int
	k  int
}

func (p *postBuilder) add(at int64, e *pipeline.SuggestionEvent) {
	p.n++
	e.PostID = p.id
	e.EventID = eventID(p.id, p.n)
	p.g.push(at, e)
}
