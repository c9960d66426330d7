package report

import (
	"sort"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/voc-analytics/voc/internal/catalog"
)

// Post is an employee suggestion post as of the end of the report's week.
type Post struct {
	ID, Title, Body, Department, Status string
	Tags, Topics, Keywords              []string
	PostedAt                            time.Time
	Endorsements, Comments              int64
}

// Suggestion matching, stated in docs/report.md: a post matches a topic when
// the topic is among the topics its author tagged it with, or, if its tags
// name no topic, among its text-analytics topics ("topic"); or else, for a
// post that names no topic either way, when at least two of the
// topic's ten most distinctive keywords this week (TopKeywords) are among the post's keywords or appear in its title or body ("keywords").
// Rejected posts are left out. Per topic the report lists up to three
// matches: topic matches first, then by endorsements, newest first.
const (
	suggestionTopKeywords  = 10
	suggestionMinKeywords  = 2
	suggestionExcerptRunes = 120
)

// MatchSuggestions returns, per topic, the ids of its matching posts and the
// posts matched, in the order they are first listed.
func MatchSuggestions(posts []Post, topicKeywords map[string][]string, topics []string, perTopic int) (map[string][]string, []Suggestion) {
	type match struct {
		p        *Post
		strength int
	}
	byTopic := map[string][]string{}
	used := map[string]*Suggestion{}
	var order []string
	for _, topic := range topics {
		kws := topicKeywords[topic]
		if len(kws) > suggestionTopKeywords {
			kws = kws[:suggestionTopKeywords]
		}
		var ms []match
		for i := range posts {
			p := &posts[i]
			if p.Status == "rejected" {
				continue
			}
			if contains(postTopics(p), topic) {
				ms = append(ms, match{p, 2})
				continue
			}
			if len(postTopics(p)) > 0 {
				continue // the author or the text analytics said what it is about: another topic
			}
			text := strings.ToLower(p.Title + "\n" + p.Body)
			n := 0
			for _, k := range kws {
				if contains(p.Keywords, k) || strings.Contains(text, strings.ToLower(k)) {
					n++
				}
			}
			if n >= suggestionMinKeywords {
				ms = append(ms, match{p, 1})
			}
		}
		sort.SliceStable(ms, func(a, b int) bool {
			x, y := ms[a], ms[b]
			if x.strength != y.strength {
				return x.strength > y.strength
			}
			if x.p.Endorsements != y.p.Endorsements {
				return x.p.Endorsements > y.p.Endorsements
			}
			if !x.p.PostedAt.Equal(y.p.PostedAt) {
				return x.p.PostedAt.After(y.p.PostedAt)
			}
			return x.p.ID < y.p.ID
		})
		if len(ms) > perTopic {
			ms = ms[:perTopic]
		}
		ids := []string{}
		for _, m := range ms {
			ids = append(ids, m.p.ID)
			s := used[m.p.ID]
			if s == nil {
				s = &Suggestion{ID: m.p.ID, Title: m.p.Title, Excerpt: excerpt(m.p.Body, suggestionExcerptRunes), Department: m.p.Department,
					PostedAt: m.p.PostedAt, Endorsements: m.p.Endorsements, Comments: m.p.Comments, Status: m.p.Status, Topics: []string{}, Match: "keywords"}
				used[m.p.ID] = s
				order = append(order, m.p.ID)
			}
			s.Topics = append(s.Topics, topic)
			if m.strength == 2 {
				s.Match = "topic"
			}
		}
		byTopic[topic] = ids
	}
	out := make([]Suggestion, 0, len(order))
	for _, id := range order {
		out = append(out, *used[id])
	}
	return byTopic, out
}

// postTopics is what a post is about: the issue topics its author tagged
// it with, or, when the tags name none, its text-analytics topics. The
// author's tags win because text analytics reads a post's proposal as well
// as its subject ("put the WiFi tickets in one group ... so customers stop
// calling back" is about WiFi, not repair progress).
func postTopics(p *Post) []string {
	var tagged, analysed []string
	for _, t := range p.Tags {
		if _, ok := catalog.TopicByID(t); ok {
			tagged = append(tagged, t)
		}
	}
	if len(tagged) > 0 {
		return tagged
	}
	for _, t := range p.Topics {
		if _, ok := catalog.TopicByID(t); ok {
			analysed = append(analysed, t)
		}
	}
	return analysed
}

func contains(xs []string, x string) bool {
	for _, v := range xs {
		if v == x {
			return true
		}
	}
	return false
}

func excerpt(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return strings.TrimSpace(string(r[:n])) + "…"
}
