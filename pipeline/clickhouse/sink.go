package clickhouse

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/ClickHouse/clickhouse-go/v2/lib/driver"
	"golang.org/x/sync/errgroup"

	"github.com/voc-analytics/voc/pipeline"
)

// Sink writes batches to one database.
type Sink struct {
	conn driver.Conn
}

// NewSink uses conn, which must point at a migrated voc database.
func NewSink(conn driver.Conn) *Sink { return &Sink{conn: conn} }

type table struct {
	name string
	cols string
	rows [][]any
}

// Write inserts the batch: events by table, rejects into rejects. Tables are
// written in parallel; any failure fails the whole call (the runner retries
// it, and re-inserted rows collapse by event_id).
func (s *Sink) Write(ctx context.Context, batch []pipeline.Record) error {
	tables := map[string]*table{} // by name and columns
	add := func(name, cols string, row []any) {
		t := tables[name+"("+cols]
		if t == nil {
			t = &table{name: name, cols: cols}
			tables[name+"("+cols] = t
		}
		t.rows = append(t.rows, row)
	}
	for i := range batch {
		rec := &batch[i]
		if rec.Reject != nil {
			if rec.Msg.File != "" {
				// Backfilled from a file: where in it (migration 0023's columns).
				add("rejects", rejectCols+", source_file, source_line", append(rejectRow(rec), rec.Msg.File, uint64(rec.Msg.Offset)))
			} else {
				add("rejects", rejectCols, rejectRow(rec))
			}
			continue
		}
		switch ev := rec.Event.(type) {
		case *pipeline.ChatEvent:
			if ev.Type == pipeline.ContactMessage {
				add("messages", messageCols, messageRow(ev, rec))
			} else {
				add("contact_events", contactCols, contactRow(ev, rec))
			}
		case *pipeline.TicketEvent:
			add("ticket_events", ticketCols, ticketRow(ev, rec))
		case *pipeline.SurveyEvent:
			add("survey_events", surveyCols, surveyRow(ev, rec))
		case *pipeline.SuggestionEvent:
			add("suggestion_events", suggestionCols, suggestionRow(ev, rec))
		}
	}
	g, gctx := errgroup.WithContext(ctx)
	for _, t := range tables {
		g.Go(func() error { return s.insert(gctx, t) })
	}
	return g.Wait()
}

func (s *Sink) insert(ctx context.Context, t *table) error {
	b, err := s.conn.PrepareBatch(ctx, "INSERT INTO "+t.name+" ("+t.cols+")")
	if err != nil {
		return fmt.Errorf("prepare insert into %s: %w", t.name, err)
	}
	for _, row := range t.rows {
		if err := b.Append(row...); err != nil {
			b.Abort()
			return fmt.Errorf("append row to %s: %w", t.name, err)
		}
	}
	if err := b.Send(); err != nil {
		return fmt.Errorf("insert %d rows into %s: %w", len(t.rows), t.name, err)
	}
	return nil
}

const envCols = "event_id, event_type, schema_version, occurred_at"
const provCols = "kafka_partition, kafka_offset"
const enrichCols = "pii_kinds, lang, sentiment_score, sentiment_label, keywords, topics"

func envRow(e *pipeline.Envelope) []any {
	return []any{e.EventID, e.Type, uint8(e.Version), e.OccurredAt}
}

func provRow(rec *pipeline.Record) []any {
	return []any{int32(rec.Msg.Partition), rec.Msg.Offset}
}

func enrichRow(en pipeline.Enrichment) []any {
	return []any{nz(en.PII), en.Lang, en.Score, en.Label, nz(en.Keywords), nz(en.Topics)}
}

func nz(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

func row(parts ...[]any) []any {
	var out []any
	for _, p := range parts {
		out = append(out, p...)
	}
	return out
}

var contactCols = envCols + ", contact_id, customer_id, channel, customer_tags, vip_level, product_model, purchase_date, language, queue, agent_id, team, from_team, to_team, reason, stage, resolved, service_category, ticket_id, " + provCols

func contactRow(ev *pipeline.ChatEvent, rec *pipeline.Record) []any {
	var purchase *time.Time
	if t, err := time.Parse(time.DateOnly, ev.PurchaseDate); err == nil {
		purchase = &t
	}
	return row(envRow(&ev.Envelope), []any{ev.ContactID, ev.CustomerID, ev.Channel, nz(ev.CustomerTags), uint8(ev.VIPLevel), ev.ProductModel, purchase,
		ev.Language, ev.Queue, ev.AgentID, ev.Team, ev.FromTeam, ev.ToTeam, ev.Reason, ev.Stage, ev.Resolved, ev.ServiceCategory, ev.TicketID}, provRow(rec))
}

var messageCols = "event_id, message_id, contact_id, occurred_at, sender, agent_id, channel, text, " + enrichCols + ", " + provCols

func messageRow(ev *pipeline.ChatEvent, rec *pipeline.Record) []any {
	return row([]any{ev.EventID, ev.MessageID, ev.ContactID, ev.OccurredAt, ev.Sender, ev.AgentID, ev.Channel, ev.Text}, enrichRow(rec.Enrichment), provRow(rec))
}

var ticketCols = envCols + ", ticket_id, category, priority, product_model, customer_id, contact_id, channel, service_category, title, text, agent_id, team, from_status, to_status, level, reason, comment_id, author, " + enrichCols + ", " + provCols

func ticketRow(ev *pipeline.TicketEvent, rec *pipeline.Record) []any {
	return row(envRow(&ev.Envelope), []any{ev.TicketID, ev.Category, ev.Priority, ev.ProductModel, ev.CustomerID, ev.ContactID, ev.Channel, ev.ServiceCategory,
		ev.Title, ev.Text, ev.AgentID, ev.Team, ev.FromStatus, ev.ToStatus, uint8(ev.Level), ev.Reason, ev.CommentID, ev.Author}, enrichRow(rec.Enrichment), provRow(rec))
}

var surveyCols = envCols + ", survey_id, contact_id, ticket_id, customer_id, channel, csat, likes32, nps, solved, comment, " + enrichCols + ", " + provCols

func surveyRow(ev *pipeline.SurveyEvent, rec *pipeline.Record) []any {
	return row(envRow(&ev.Envelope), []any{ev.SurveyID, ev.ContactID, ev.TicketID, ev.CustomerID, ev.Channel,
		u8(ev.CSAT), i8(ev.Likes32), u8(ev.NPS), ev.Solved, ev.Comment}, enrichRow(rec.Enrichment), provRow(rec))
}

var suggestionCols = envCols + ", post_id, author_id, department, title, text, tags, voter_id, comment_id, from_status, to_status, " + enrichCols + ", " + provCols

func suggestionRow(ev *pipeline.SuggestionEvent, rec *pipeline.Record) []any {
	return row(envRow(&ev.Envelope), []any{ev.PostID, ev.AuthorID, ev.Department, ev.Title, ev.Text, nz(ev.Tags), ev.VoterID, ev.CommentID,
		ev.FromStatus, ev.ToStatus}, enrichRow(rec.Enrichment), provRow(rec))
}

const rejectCols = "topic, kafka_partition, kafka_offset, message_key, reason, field, detail, payload, event_id"

func rejectRow(rec *pipeline.Record) []any {
	var probe struct {
		EventID string `json:"event_id"`
	}
	_ = json.Unmarshal(rec.Msg.Value, &probe) // best effort, for analysts
	return []any{rec.Msg.Topic, int32(rec.Msg.Partition), rec.Msg.Offset, string(rec.Msg.Key), string(rec.Reject.Reason),
		rec.Reject.Field, rec.Reject.Detail, string(rec.Msg.Value), probe.EventID}
}

func u8(p *int) *uint8 {
	if p == nil {
		return nil
	}
	v := uint8(*p)
	return &v
}

func i8(p *int) *int8 {
	if p == nil {
		return nil
	}
	v := int8(*p)
	return &v
}
