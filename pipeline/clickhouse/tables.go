package clickhouse

import (
	"encoding/json"
	"strings"
	"time"

	"github.com/voc-analytics/voc/pipeline"
)

// Table describes one table the sink writes: its name, its columns in
// insert order, and how a record becomes a row. Each column is named where
// its value is taken, so names and values cannot drift apart. Tests and
// tools (counts, schema checks) read the same descriptors.
type Table struct {
	Name    string
	Columns []string
	insert  string
	fill    func(b *rowBuilder, rec *pipeline.Record)
}

// Row returns rec's values in Columns order.
func (t *Table) Row(rec *pipeline.Record) []any {
	b := rowBuilder{vals: make([]any, 0, len(t.Columns))}
	t.fill(&b, rec)
	return b.vals
}

// rowBuilder collects a row's values, and once per table the column names.
type rowBuilder struct {
	naming bool
	names  []string
	vals   []any
}

func (b *rowBuilder) col(name string, v any) {
	if b.naming {
		b.names = append(b.names, name)
	}
	b.vals = append(b.vals, v)
}

// newTable names the columns by filling one row from sample.
func newTable(name string, sample pipeline.Record, fill func(*rowBuilder, *pipeline.Record)) *Table {
	b := rowBuilder{naming: true}
	fill(&b, &sample)
	return &Table{Name: name, Columns: b.names, fill: fill, insert: "INSERT INTO " + name + " (" + strings.Join(b.names, ", ") + ")"}
}

// The tables of sql/migrations that the sink writes.
var (
	ContactEvents = newTable("contact_events", pipeline.Record{Event: pipeline.ChatKind.New()}, func(b *rowBuilder, rec *pipeline.Record) {
		ev := rec.Event.(*pipeline.ChatEvent)
		var purchase *time.Time
		if t, err := time.Parse(time.DateOnly, ev.PurchaseDate); err == nil {
			purchase = &t
		}
		envelope(b, &ev.Envelope)
		b.col("contact_id", ev.ContactID)
		b.col("customer_id", ev.CustomerID)
		b.col("channel", ev.Channel)
		b.col("customer_tags", nz(ev.CustomerTags))
		b.col("vip_level", uint8(ev.VIPLevel))
		b.col("product_model", ev.ProductModel)
		b.col("purchase_date", purchase)
		b.col("language", ev.Language)
		b.col("queue", ev.Queue)
		b.col("agent_id", ev.AgentID)
		b.col("team", ev.Team)
		b.col("from_team", ev.FromTeam)
		b.col("to_team", ev.ToTeam)
		b.col("reason", ev.Reason)
		b.col("stage", ev.Stage)
		b.col("resolved", ev.Resolved)
		b.col("service_category", ev.ServiceCategory)
		b.col("ticket_id", ev.TicketID)
		provenance(b, rec)
	})
	Messages = newTable("messages", pipeline.Record{Event: pipeline.ChatKind.New()}, func(b *rowBuilder, rec *pipeline.Record) {
		ev := rec.Event.(*pipeline.ChatEvent)
		b.col("event_id", ev.EventID)
		b.col("message_id", ev.MessageID)
		b.col("contact_id", ev.ContactID)
		b.col("occurred_at", ev.OccurredAt)
		b.col("sender", ev.Sender)
		b.col("agent_id", ev.AgentID)
		b.col("channel", ev.Channel)
		b.col("text", ev.Text)
		enrichment(b, rec.Enrichment)
		provenance(b, rec)
	})
	TicketEvents = newTable("ticket_events", pipeline.Record{Event: pipeline.TicketKind.New()}, func(b *rowBuilder, rec *pipeline.Record) {
		ev := rec.Event.(*pipeline.TicketEvent)
		envelope(b, &ev.Envelope)
		b.col("ticket_id", ev.TicketID)
		b.col("category", ev.Category)
		b.col("priority", ev.Priority)
		b.col("product_model", ev.ProductModel)
		b.col("customer_id", ev.CustomerID)
		b.col("contact_id", ev.ContactID)
		b.col("channel", ev.Channel)
		b.col("service_category", ev.ServiceCategory)
		b.col("title", ev.Title)
		b.col("text", ev.Text)
		b.col("agent_id", ev.AgentID)
		b.col("team", ev.Team)
		b.col("from_status", ev.FromStatus)
		b.col("to_status", ev.ToStatus)
		b.col("level", uint8(ev.Level))
		b.col("reason", ev.Reason)
		b.col("comment_id", ev.CommentID)
		b.col("author", ev.Author)
		enrichment(b, rec.Enrichment)
		provenance(b, rec)
	})
	SurveyEvents = newTable("survey_events", pipeline.Record{Event: pipeline.SurveyKind.New()}, func(b *rowBuilder, rec *pipeline.Record) {
		ev := rec.Event.(*pipeline.SurveyEvent)
		envelope(b, &ev.Envelope)
		b.col("survey_id", ev.SurveyID)
		b.col("contact_id", ev.ContactID)
		b.col("ticket_id", ev.TicketID)
		b.col("customer_id", ev.CustomerID)
		b.col("channel", ev.Channel)
		b.col("csat", u8(ev.CSAT))
		b.col("likes32", i8(ev.Likes32))
		b.col("nps", u8(ev.NPS))
		b.col("solved", ev.Solved)
		b.col("comment", ev.Comment)
		enrichment(b, rec.Enrichment)
		provenance(b, rec)
	})
	SuggestionEvents = newTable("suggestion_events", pipeline.Record{Event: pipeline.SuggestionKind.New()}, func(b *rowBuilder, rec *pipeline.Record) {
		ev := rec.Event.(*pipeline.SuggestionEvent)
		envelope(b, &ev.Envelope)
		b.col("post_id", ev.PostID)
		b.col("author_id", ev.AuthorID)
		b.col("department", ev.Department)
		b.col("title", ev.Title)
		b.col("text", ev.Text)
		b.col("tags", nz(ev.Tags))
		b.col("voter_id", ev.VoterID)
		b.col("comment_id", ev.CommentID)
		b.col("from_status", ev.FromStatus)
		b.col("to_status", ev.ToStatus)
		enrichment(b, rec.Enrichment)
		provenance(b, rec)
	})
	Rejects = newTable("rejects", pipeline.Record{Reject: &pipeline.RejectError{}}, func(b *rowBuilder, rec *pipeline.Record) {
		var probe struct {
			EventID string `json:"event_id"`
		}
		_ = json.Unmarshal(rec.Msg.Value, &probe) // best effort, for analysts
		b.col("topic", rec.Msg.Topic)
		b.col("kafka_partition", int32(rec.Msg.Partition))
		b.col("kafka_offset", rec.Msg.Offset)
		b.col("message_key", string(rec.Msg.Key))
		b.col("reason", string(rec.Reject.Reason))
		b.col("field", rec.Reject.Field)
		b.col("detail", rec.Reject.Detail)
		b.col("payload", string(rec.Msg.Value))
		b.col("event_id", probe.EventID)
	})
)

// FileRejects is Rejects for a record backfilled from a file (Msg.File set):
// the same table, with where in the file the line was (migration 0023).
var FileRejects = newTable("rejects", pipeline.Record{Reject: &pipeline.RejectError{}}, func(b *rowBuilder, rec *pipeline.Record) {
	Rejects.fill(b, rec)
	b.col("source_file", rec.Msg.File)
	b.col("source_line", uint64(rec.Msg.Offset))
})

// EventTables are the tables events land in: one per stream, chats split
// into contact lifecycle events and messages.
var EventTables = []*Table{ContactEvents, Messages, TicketEvents, SurveyEvents, SuggestionEvents}

// Tables are all the tables the sink writes: EventTables and Rejects.
var Tables = append(append([]*Table{}, EventTables...), Rejects)

// tableOfType routes each event type to its table: a stream's events go to
// the stream's table, except chat messages, which have their own.
var tableOfType = func() map[string]*Table {
	m := map[string]*Table{}
	for kind, t := range map[*pipeline.Kind]*Table{pipeline.ChatKind: ContactEvents, pipeline.TicketKind: TicketEvents,
		pipeline.SurveyKind: SurveyEvents, pipeline.SuggestionKind: SuggestionEvents} {
		for _, typ := range kind.Types {
			m[typ] = t
		}
	}
	m[pipeline.ContactMessage] = Messages
	return m
}()

// TableFor returns the table rec is written to (Rejects for a reject).
func TableFor(rec *pipeline.Record) *Table {
	if rec.Reject != nil {
		if rec.Msg.File != "" {
			return FileRejects
		}
		return Rejects
	}
	return tableOfType[rec.Event.Env().Type]
}

// CountQuery counts the rows of tables in one query, through FINAL (as
// analysts see them: redelivered events once) when final is set, else raw.
func CountQuery(tables []*Table, final bool) string {
	var parts []string
	for _, t := range tables {
		q := "(SELECT count() FROM " + t.Name
		if final {
			q += " FINAL"
		}
		parts = append(parts, q+")")
	}
	return "SELECT " + strings.Join(parts, " + ")
}

func envelope(b *rowBuilder, e *pipeline.Envelope) {
	b.col("event_id", e.EventID)
	b.col("event_type", e.Type)
	b.col("schema_version", uint8(e.Version))
	b.col("occurred_at", e.OccurredAt)
}

func provenance(b *rowBuilder, rec *pipeline.Record) {
	b.col("kafka_partition", int32(rec.Msg.Partition))
	b.col("kafka_offset", rec.Msg.Offset)
}

func enrichment(b *rowBuilder, en pipeline.Enrichment) {
	b.col("pii_kinds", nz(en.PII))
	b.col("lang", en.Lang)
	b.col("sentiment_score", en.Score)
	b.col("sentiment_label", en.Label)
	b.col("keywords", nz(en.Keywords))
	b.col("topics", nz(en.Topics))
}

func nz(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
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
