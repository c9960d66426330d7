// Package testevents builds small, valid, deterministic event sets for
// ingestion tests: every event type of the four streams, with known totals
// to compare ClickHouse against. (voc generate builds realistic data; this
// builds checkable data.)
package testevents

import (
	"fmt"
	"time"

	kafkago "github.com/segmentio/kafka-go"

	"github.com/voc-analytics/voc/pipeline"
	chsink "github.com/voc-analytics/voc/pipeline/clickhouse"
)

// Set is a batch of events with the totals analysts should see.
type Set struct {
	Events    []pipeline.Event
	Contacts  int // rows in the contacts view
	Transfers int // sum(transfers) over contacts
	Messages  int
	Tickets   int
	Surveys   int // answered surveys
	CSATSum   int
	Posts     int
	Votes     int
}

// Base is the time of the first event.
var Base = time.Date(2026, 11, 2, 9, 0, 0, 0, time.FixedZone("CST", 8*3600))

// Build returns n contacts with their ticket, survey and suggestion events.
func Build(n int) Set {
	var s Set
	bt := func(b bool) *bool { return &b }
	ip := func(i int) *int { return &i }
	for i := range n {
		t0 := Base.Add(time.Duration(i) * 10 * time.Second)
		cid, tid, sid, pid := fmt.Sprintf("c-%06d", i), fmt.Sprintf("t-%06d", i), fmt.Sprintf("s-%06d", i), fmt.Sprintf("p-%06d", i)
		env := func(k int, typ string, d time.Duration) pipeline.Envelope {
			return pipeline.Envelope{EventID: fmt.Sprintf("%s-%d", cid, k), Type: typ, Version: 1, OccurredAt: t0.Add(d)}
		}
		transfers := i % 3
		chat := []*pipeline.ChatEvent{
			{Envelope: env(1, pipeline.ContactStarted, 0), ContactID: cid, Channel: pipeline.Channels[i%len(pipeline.Channels)], CustomerID: fmt.Sprintf("u-%d", i%97), ProductModel: "E8N 65"},
			{Envelope: env(2, pipeline.ContactQueued, time.Second), ContactID: cid, Queue: "tv"},
			{Envelope: env(3, pipeline.ContactAgentAnswered, time.Duration(30+i%300)*time.Second), ContactID: cid, AgentID: fmt.Sprintf("a-%d", i%20)},
			{Envelope: env(4, pipeline.ContactMessage, 400*time.Second), ContactID: cid, MessageID: "m1", Sender: pipeline.SenderCustomer, Text: "遥控器没反应，电话13812345678"},
			{Envelope: env(5, pipeline.ContactMessage, 410*time.Second), ContactID: cid, MessageID: "m2", Sender: pipeline.SenderAgent, Text: "请重新配对遥控器"},
		}
		for k := range transfers {
			chat = append(chat, &pipeline.ChatEvent{Envelope: env(10+k, pipeline.ContactTransferred, time.Duration(420+k)*time.Second), ContactID: cid, ToTeam: "repair"})
		}
		chat = append(chat, &pipeline.ChatEvent{Envelope: env(6, pipeline.ContactEnded, 600*time.Second), ContactID: cid, Resolved: bt(i%2 == 0), ServiceCategory: "remote-no-response", TicketID: tid})
		for _, e := range chat {
			s.Events = append(s.Events, e)
		}
		tenv := func(k int, typ string, d time.Duration) pipeline.Envelope {
			return pipeline.Envelope{EventID: fmt.Sprintf("%s-%d", tid, k), Type: typ, Version: 1, OccurredAt: t0.Add(d)}
		}
		s.Events = append(s.Events,
			&pipeline.TicketEvent{Envelope: tenv(1, pipeline.TicketCreated, 601*time.Second), TicketID: tid, Category: "repair", Priority: "normal", CustomerID: fmt.Sprintf("u-%d", i%97), Title: "遥控器失灵", Text: "升级后遥控器无响应"},
			&pipeline.TicketEvent{Envelope: tenv(2, pipeline.TicketAssigned, time.Hour), TicketID: tid, AgentID: "a-9"},
			&pipeline.TicketEvent{Envelope: tenv(3, pipeline.TicketStatusChanged, 2*time.Hour), TicketID: tid, FromStatus: "assigned", ToStatus: "in_progress"},
			&pipeline.TicketEvent{Envelope: tenv(4, pipeline.TicketEscalated, 3*time.Hour), TicketID: tid, Level: 1 + i%3},
			&pipeline.TicketEvent{Envelope: tenv(5, pipeline.TicketCommented, 4*time.Hour), TicketID: tid, CommentID: "k1", Author: "customer", Text: "师傅什么时候上门？"},
			&pipeline.TicketEvent{Envelope: tenv(6, pipeline.TicketResolved, 30*time.Hour), TicketID: tid},
			&pipeline.TicketEvent{Envelope: tenv(7, pipeline.TicketReopened, 31*time.Hour), TicketID: tid},
			&pipeline.TicketEvent{Envelope: tenv(8, pipeline.TicketClosed, 40*time.Hour), TicketID: tid},
		)
		senv := func(k int, typ string, d time.Duration) pipeline.Envelope {
			return pipeline.Envelope{EventID: fmt.Sprintf("%s-%d", sid, k), Type: typ, Version: 1, OccurredAt: t0.Add(d)}
		}
		csat := 1 + i%5
		s.Events = append(s.Events,
			&pipeline.SurveyEvent{Envelope: senv(1, pipeline.SurveySent, 11*time.Minute), SurveyID: sid, ContactID: cid, CustomerID: "u"},
			&pipeline.SurveyEvent{Envelope: senv(2, pipeline.SurveyAnswered, 20*time.Minute), SurveyID: sid, CSAT: ip(csat), Likes32: ip(1), NPS: ip(i % 11), Solved: bt(i%2 == 0), Comment: "还行"},
		)
		penv := func(k int, typ string, d time.Duration) pipeline.Envelope {
			return pipeline.Envelope{EventID: fmt.Sprintf("%s-%d", pid, k), Type: typ, Version: 1, OccurredAt: t0.Add(d)}
		}
		s.Events = append(s.Events,
			&pipeline.SuggestionEvent{Envelope: penv(1, pipeline.SuggestionPosted, time.Hour), PostID: pid, AuthorID: "e-1", Title: "减少转接", Text: "建议直接路由"},
			&pipeline.SuggestionEvent{Envelope: penv(2, pipeline.SuggestionEndorsed, 2*time.Hour), PostID: pid, VoterID: "e-2"},
			&pipeline.SuggestionEvent{Envelope: penv(3, pipeline.SuggestionCommented, 3*time.Hour), PostID: pid, CommentID: "k", AuthorID: "e-3", Text: "同意"},
			&pipeline.SuggestionEvent{Envelope: penv(4, pipeline.SuggestionStatusChanged, 4*time.Hour), PostID: pid, ToStatus: "adopted"},
		)
		s.Contacts++
		s.Transfers += transfers
		s.Messages += 2
		s.Tickets++
		s.Surveys++
		s.CSATSum += csat
		s.Posts++
		s.Votes++
	}
	return s
}

// Messages encodes events as Kafka messages keyed by their stable key.
func Messages(evs []pipeline.Event) []kafkago.Message {
	out := make([]kafkago.Message, len(evs))
	for i, ev := range evs {
		b, err := pipeline.Encode(ev)
		if err != nil {
			panic(err)
		}
		out[i] = kafkago.Message{Topic: ev.Topic(), Key: []byte(ev.Key()), Value: b}
	}
	return out
}

// Check is a query over the analyst views with the value it must return
// when every event of a Set is in ClickHouse exactly once.
type Check struct {
	Query string
	Want  uint64
}

// ExactChecks lists what analysts must see for s, however often its events
// were delivered.
func (s Set) ExactChecks() []Check {
	return []Check{
		{"SELECT count() FROM contacts", uint64(s.Contacts)},
		{"SELECT sum(transfers) FROM contacts", uint64(s.Transfers)},
		{"SELECT sum(customer_messages + agent_messages) FROM contacts", uint64(s.Messages)},
		{"SELECT count() FROM messages FINAL", uint64(s.Messages)},
		{"SELECT count() FROM tickets", uint64(s.Tickets)},
		{"SELECT sum(reopens) FROM tickets", uint64(s.Tickets)},
		{"SELECT count() FROM survey_answers", uint64(s.Surveys)},
		{"SELECT sum(csat) FROM survey_answers", uint64(s.CSATSum)},
		{"SELECT count() FROM suggestion_posts", uint64(s.Posts)},
		{"SELECT sum(endorsements) FROM suggestion_posts", uint64(s.Votes)},
		{chsink.CountQuery(chsink.EventTables, true), uint64(len(s.Events))},
		{"SELECT count() FROM rejects", 0},
	}
}
