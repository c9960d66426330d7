package generate

import (
	"math"

	"github.com/voc-analytics/voc/pipeline"
)

// SurveyResponseRate is the share of sent surveys that get an answer.
const SurveyResponseRate = 0.30

func clampInt(v float64, lo, hi int) int {
	return int(math.Max(float64(lo), math.Min(float64(hi), math.Round(v))))
}

// contactSurvey: most ended contacts get a survey; ~30% answer, with scores
// that follow the outcome, the wait and the transfers.
func (g *generator) contactSurvey(out *contact) {
	if !g.chance(0.9) {
		return
	}
	score := 5.1 + g.r.NormFloat64()*0.75
	switch {
	case out.ticketID != "":
		score -= 0.7
	case !out.trulyResolved:
		score -= 1.8
	}
	score -= 0.35*float64(out.crossTeam) + 0.08*float64(out.transfers)
	if out.waitSec > 5*60 {
		score -= 0.35
	}
	if out.waitSec > 15*60 {
		score -= 0.5
	}
	switch out.mood {
	case moodAngry:
		score -= 0.3
	case moodPolite:
		score += 0.2
	}
	solved := out.trulyResolved != g.chance(0.06)
	g.survey(out.endAt+g.between(60, 600), out.id, "", out.customer, out.channel, out.lang, score, solved, out.waitSec)
}

func (g *generator) ticketSurvey(ticketID, customerID string, out *contact, closed int64, slaMissed, reopened bool) {
	if !g.chance(0.8) {
		return
	}
	score := 4.2 + g.r.NormFloat64()*0.8
	if slaMissed {
		score -= 1.0
	}
	if reopened {
		score -= 0.8
	}
	g.survey(closed+g.between(1800, 7200), "", ticketID, customerID, out.channel, out.lang, score, !reopened && g.chance(0.9), 0)
}

func (g *generator) survey(sent int64, contactID, ticketID, customerID, channel, lang string, score float64, solved bool, waitSec int64) {
	id := g.nextID("s", sent)
	g.push(sent, &pipeline.SurveyEvent{Envelope: pipeline.Envelope{Type: pipeline.SurveySent, EventID: eventID(id, 1)},
		SurveyID: id, ContactID: contactID, TicketID: ticketID, CustomerID: customerID, Channel: channel})
	g.sum.SurveysSent++
	if !g.chance(SurveyResponseRate) {
		return
	}
	g.sum.SurveysAnswered++
	ans := &pipeline.SurveyEvent{Envelope: pipeline.Envelope{Type: pipeline.SurveyAnswered, EventID: eventID(id, 2)}, SurveyID: id}
	csat := clampInt(score, 1, 5)
	ans.CSAT = ptr(csat)
	if channel == pipeline.ChannelApp || channel == pipeline.ChannelWeChat || channel == pipeline.ChannelWeb || g.chance(0.3) {
		var likes int
		switch {
		case csat == 5 && g.chance(0.7):
			likes = 32
		case csat >= 4:
			likes = 1
		case csat == 3:
			likes = 0
		default:
			likes = -1
		}
		ans.Likes32 = ptr(likes)
	}
	if g.chance(0.5) {
		ans.NPS = ptr(clampInt(2*score-0.5+g.r.NormFloat64()*1.2, 0, 10))
	}
	if g.chance(0.85) {
		ans.Solved = ptr(solved)
	}
	if g.chance(0.45) {
		band := "survey:neu"
		switch {
		case csat >= 4:
			band = "survey:pos"
		case csat <= 2:
			band = "survey:neg"
		}
		s := &slots{}
		text := fill(g.r, corpora[lang].pick(g.r, band), s, lang)
		if waitSec > 10*60 && band == "survey:neg" && g.chance(0.5) {
			text = fill(g.r, corpora[lang].pick(g.r, band), s, lang)
		}
		if lang == "zh" {
			m := moodNeutral
			switch band {
			case "survey:pos":
				m = moodPolite
			case "survey:neg":
				m = moodAngry
			}
			text = colloquial(g.r, text, m)
		}
		ans.Comment = text
	}
	g.push(sent+int64(math.Min(3*86400, g.lognormal(40*60, 1.2)))+30, ans)
}
