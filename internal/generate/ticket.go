package generate

import (
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/voc-analytics/voc/pipeline"
)

// SLA deadlines: service tickets close within 5 days, complaints within 3.
const (
	ServiceSLAHours   = 5 * 24
	ComplaintSLAHours = 3 * 24
)

func ticketCategory(g *generator, topic string, m mood, emerging bool) string {
	switch topic {
	case "installation":
		return "installation"
	case "wait-time", "service-attitude", "repair-progress":
		return "complaint"
	case "refund-billing", "delivery":
		if g.chance(0.6) {
			return "complaint"
		}
		return "consultation"
	case "account", "app-casting", "other", "network-wifi":
		if m == moodAngry && g.chance(0.3) {
			return "complaint"
		}
		if g.chance(0.5) {
			return "consultation"
		}
		return "repair"
	}
	if m == moodAngry && !emerging && g.chance(0.12) {
		return "complaint"
	}
	return "repair"
}

// tkt builds one ticket's events.
type tkt struct {
	g  *generator
	id string
	n  int
	k  int // comments
}

func (t *tkt) add(at int64, e *pipeline.TicketEvent) {
	t.n++
	e.TicketID = t.id
	e.EventID = eventID(t.id, t.n)
	t.g.push(at, e)
}

// ticket writes a ticket's life from creation at `at`: assignment, progress,
// comments, escalations, resolution, maybe a reopen, and closure.
func (g *generator) ticket(id string, at int64, out *contact, cu customer, cat *Category, m mood, night bool, s *slots) {
	g.sum.Tickets++
	topic := cat.Topic
	emerging := cat.Slug == "remote-after-update"
	category := ticketCategory(g, topic, m, emerging)
	priority := "normal"
	switch {
	case category == "complaint" && cu.vip >= 2:
		priority = "urgent"
	case category == "complaint" || emerging || cu.vip > 0:
		priority = "high"
	case category == "consultation":
		priority = "low"
	}
	corp := corpora[out.lang]
	var title, text string
	if out.lang == "en" {
		title = capitalize(cat.SymptomsEn[0])
		text = "Customer reports: " + fill(g.r, cat.SymptomsEn[g.r.IntN(len(cat.SymptomsEn))], s, "en") + "."
		if deviceTopics[topic] {
			text = strings.TrimSpace(text + " " + corp.pick(g.r, "tried"))
		}
	} else {
		title = cat.Zh
		text = "客户反映" + s.model + fill(g.r, cat.SymptomsZh[g.r.IntN(len(cat.SymptomsZh))], s, "zh")
		if v := corp.pick(g.r, "tried"); v != "" && deviceTopics[topic] {
			text += "，" + v
		}
		if g.chance(0.05) {
			text += "，联系电话" + fakeMobile(g.r)
		}
		if g.chance(0.05) {
			text += "，上门地址" + fakeAddress(g.r)
		}
	}
	t := &tkt{g: g, id: id}
	created := at + 1
	t.add(created, &pipeline.TicketEvent{Envelope: pipeline.Envelope{Type: pipeline.TicketCreated}, Category: category, Priority: priority,
		ProductModel: cu.product.Model, CustomerID: cu.id, ContactID: out.id, Channel: out.channel, ServiceCategory: cat.Slug, Title: title, Text: text})

	team := Topics[topicIndex[topic]].team
	switch category {
	case "repair", "installation":
		team = "field-repair"
	case "complaint":
		team = "complaints"
	}
	assigned := created + int64(g.lognormal(40*60, 0.8))
	if night { // few people on duty: picked up in the morning
		morning := toTime(created)
		if morning.Hour() >= 22 {
			morning = morning.AddDate(0, 0, 1)
		}
		assigned = max(assigned, morningAt(morning)+int64(g.r.IntN(3600)))
	}
	t.add(assigned, &pipeline.TicketEvent{Envelope: pipeline.Envelope{Type: pipeline.TicketAssigned}, AgentID: g.agentID(team), Team: team})
	inProgress := assigned + g.between(120, 1800)
	t.add(inProgress, &pipeline.TicketEvent{Envelope: pipeline.Envelope{Type: pipeline.TicketStatusChanged}, FromStatus: "assigned", ToStatus: "in_progress"})

	var median, sigma float64
	switch category {
	case "complaint":
		median, sigma = 1.0*86400, 0.65
	case "consultation":
		median, sigma = 0.6*86400, 0.7
	default:
		median, sigma = 2.2*86400, 0.6
	}
	if emerging {
		median *= 1.3
	}
	slaHours := int64(ServiceSLAHours)
	if category == "complaint" {
		slaHours = ComplaintSLAHours
	}
	resolved := max(inProgress+600, created+int64(g.lognormal(median, sigma)))
	dur := resolved - created

	// Comments between progress and resolution.
	nComments := pickIndex(g.r, []float64{0.25, 0.3, 0.25, 0.12, 0.08})
	for range nComments {
		cAt := inProgress + 60 + g.r.Int64N(max(resolved-inProgress-120, 1))
		author := []string{"agent", "agent", "customer", "customer", "system"}[g.r.IntN(5)]
		sec := "tcomment_" + author
		lang := out.lang
		if author != "customer" {
			lang = "zh" // internal notes are in Chinese
		}
		s.count = 2 + g.r.IntN(3)
		t.comment(cAt, author, fill(g.r, corpora[lang].pick(g.r, sec), s, lang))
	}
	if float64(dur) > 0.8*float64(slaHours*3600) {
		t.comment(created+int64(0.8*float64(slaHours*3600)), "system", "SLA预警：距离超时还有"+strconv.Itoa(int(math.Round(0.2*float64(slaHours))))+"小时")
	}
	// Escalations: complaints go agent (24 h) → supervisor (48 h) → executive (major cases).
	if category == "complaint" {
		t.add(created+g.between(60, 600), &pipeline.TicketEvent{Envelope: pipeline.Envelope{Type: pipeline.TicketEscalated}, Level: 1, Reason: "complaint registered"})
		if dur > 24*3600 {
			t.add(created+24*3600, &pipeline.TicketEvent{Envelope: pipeline.Envelope{Type: pipeline.TicketEscalated}, Level: 2, Reason: "not resolved within 24 h"})
		}
		if dur > 72*3600 && (cu.vip > 0 || g.chance(0.4)) {
			t.add(created+72*3600, &pipeline.TicketEvent{Envelope: pipeline.Envelope{Type: pipeline.TicketEscalated}, Level: 3, Reason: "major case: open 72 h"})
		}
	} else if category != "consultation" {
		if dur > 48*3600 && g.chance(0.6) {
			t.add(created+48*3600, &pipeline.TicketEvent{Envelope: pipeline.Envelope{Type: pipeline.TicketEscalated}, Level: 1, Reason: "no visit within 48 h"})
		}
		if dur > 96*3600 && g.chance(0.5) {
			t.add(created+96*3600, &pipeline.TicketEvent{Envelope: pipeline.Envelope{Type: pipeline.TicketEscalated}, Level: 2, Reason: "customer chased repeatedly"})
		}
	}
	if g.chance(0.2) && resolved-inProgress > 4*3600 {
		w := inProgress + (resolved-inProgress)/3
		t.add(w, &pipeline.TicketEvent{Envelope: pipeline.Envelope{Type: pipeline.TicketStatusChanged}, FromStatus: "in_progress", ToStatus: "waiting_customer"})
		t.add(w+(resolved-w)/2, &pipeline.TicketEvent{Envelope: pipeline.Envelope{Type: pipeline.TicketStatusChanged}, FromStatus: "waiting_customer", ToStatus: "in_progress"})
	}
	resolution := fill(g.r, corp.pickTopic(g.r, "resolution", topic), s, out.lang)
	t.add(resolved, &pipeline.TicketEvent{Envelope: pipeline.Envelope{Type: pipeline.TicketResolved}, Text: resolution})
	reopened := false
	if g.chance(0.07) {
		reopened = true
		ro := resolved + int64(g.lognormal(86400, 0.6))
		t.add(ro, &pipeline.TicketEvent{Envelope: pipeline.Envelope{Type: pipeline.TicketReopened}, Reason: reopenReasons[g.r.IntN(len(reopenReasons))]})
		t.add(ro+g.between(600, 7200), &pipeline.TicketEvent{Envelope: pipeline.Envelope{Type: pipeline.TicketStatusChanged}, FromStatus: "reopened", ToStatus: "in_progress"})
		resolved = ro + 7200 + int64(g.lognormal(86400, 0.6))
		t.add(resolved, &pipeline.TicketEvent{Envelope: pipeline.Envelope{Type: pipeline.TicketResolved}, Text: fill(g.r, corp.pickTopic(g.r, "resolution", topic), s, out.lang)})
	}
	closed := resolved + int64(math.Min(3*86400, math.Max(3600, g.lognormal(10*3600, 0.6))))
	t.add(closed, &pipeline.TicketEvent{Envelope: pipeline.Envelope{Type: pipeline.TicketClosed}})
	g.ticketSurvey(id, cu.id, out, closed, closed-created > slaHours*3600, reopened)
}

var reopenReasons = []string{"problem came back", "customer not satisfied with the fix", "fee dispute", "wrong part replaced"}

func (t *tkt) comment(at int64, author, text string) {
	t.k++
	t.add(at, &pipeline.TicketEvent{Envelope: pipeline.Envelope{Type: pipeline.TicketCommented}, CommentID: "k" + strconv.Itoa(t.k), Author: author, Text: text})
}

// morningAt is 08:30 on t's day.
func morningAt(t time.Time) int64 {
	return time.Date(t.Year(), t.Month(), t.Day(), 8, 30, 0, 0, Shanghai).Unix()
}
