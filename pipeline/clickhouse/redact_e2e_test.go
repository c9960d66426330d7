package clickhouse_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	kafkago "github.com/segmentio/kafka-go"

	"github.com/voc-analytics/voc/internal/testenv"
	"github.com/voc-analytics/voc/pipeline"
	"github.com/voc-analytics/voc/pipeline/enrich"
)

// plantedPII are personal data of every kind the redactor knows, planted in
// every free-text field of every stream.
var plantedPII = []string{"13812345678", "11010519491231002X", "zhang.wei@example.com", "6222021234567890128"}

// TestEveryFreeTextFieldArrivesRedacted: chat messages, ticket titles,
// descriptions, comments and resolutions, survey comments, suggestion
// titles, bodies and comments, and the free-text reasons of transfers,
// hand-offs, abandonments, escalations and reopens carry planted phone,
// ID-card, e-mail and card numbers into the pipeline; none of them may be
// found in any column of any table analysts read.
func TestEveryFreeTextFieldArrivesRedacted(t *testing.T) {
	db := testenv.NewDB(t)
	broker := testenv.Kafka(t, 4)
	en, err := enrich.New(enrich.Full)
	if err != nil {
		t.Fatal(err)
	}
	pii := "电话13812345678，身份证11010519491231002X，邮箱zhang.wei@example.com，卡号6222021234567890128"
	// The events are dated by the runner's clock (testConfig's fixed now),
	// not the machine's: with the wall clock they fell outside the
	// validator's window on some hours of the day.
	cfg := testConfig()
	at := cfg.Limits.Now().Add(-time.Hour)
	ts := func(s int) string { return at.Add(time.Duration(s) * time.Second).Format(time.RFC3339) }
	var msgs []kafkago.Message
	add := func(topic, key, format string, args ...any) {
		msgs = append(msgs, kafkago.Message{Topic: topic, Key: []byte(key), Value: []byte(fmt.Sprintf(format, args...))})
	}
	c, tk, sv, p := "c-pii-1", "t-pii-1", "s-pii-1", "p-pii-1"
	add(pipeline.TopicChats, c, `{"event_id":"e1","type":"contact.started","version":1,"occurred_at":%q,"contact_id":%q,"channel":"app","customer_id":"u1"}`, ts(0), c)
	add(pipeline.TopicChats, c, `{"event_id":"e2","type":"contact.message","version":1,"occurred_at":%q,"contact_id":%q,"message_id":"m1","sender":"customer","text":"遥控器坏了，%s"}`, ts(1), c, pii)
	add(pipeline.TopicChats, c, `{"event_id":"e3","type":"contact.bot_handoff","version":1,"occurred_at":%q,"contact_id":%q,"queue":"tv","reason":"客户留了%s"}`, ts(2), c, pii)
	add(pipeline.TopicChats, c, `{"event_id":"e4","type":"contact.transferred","version":1,"occurred_at":%q,"contact_id":%q,"from_team":"tv","to_team":"repair","reason":"回电%s"}`, ts(3), c, pii)
	add(pipeline.TopicChats, c, `{"event_id":"e5","type":"contact.abandoned","version":1,"occurred_at":%q,"contact_id":%q,"stage":"queue","reason":"挂断，%s"}`, ts(4), c, pii)
	add(pipeline.TopicTickets, tk, `{"event_id":"e6","type":"ticket.created","version":1,"occurred_at":%q,"ticket_id":%q,"category":"repair","priority":"normal","customer_id":"u1","title":"遥控器失灵 %s","text":"上门地址见备注，%s"}`, ts(5), tk, pii, pii)
	add(pipeline.TopicTickets, tk, `{"event_id":"e7","type":"ticket.commented","version":1,"occurred_at":%q,"ticket_id":%q,"comment_id":"k1","author":"customer","text":"师傅打%s"}`, ts(6), tk, pii)
	add(pipeline.TopicTickets, tk, `{"event_id":"e8","type":"ticket.escalated","version":1,"occurred_at":%q,"ticket_id":%q,"level":2,"reason":"客户%s要求升级"}`, ts(7), tk, pii)
	add(pipeline.TopicTickets, tk, `{"event_id":"e9","type":"ticket.resolved","version":1,"occurred_at":%q,"ticket_id":%q,"text":"已联系%s"}`, ts(8), tk, pii)
	add(pipeline.TopicTickets, tk, `{"event_id":"e10","type":"ticket.reopened","version":1,"occurred_at":%q,"ticket_id":%q,"reason":"客户%s说又坏了"}`, ts(9), tk, pii)
	add(pipeline.TopicSurveys, sv, `{"event_id":"e11","type":"survey.sent","version":1,"occurred_at":%q,"survey_id":%q,"contact_id":%q,"customer_id":"u1","channel":"app"}`, ts(10), sv, c)
	add(pipeline.TopicSurveys, sv, `{"event_id":"e12","type":"survey.answered","version":1,"occurred_at":%q,"survey_id":%q,"csat":2,"comment":"没修好，%s"}`, ts(11), sv, pii)
	add(pipeline.TopicSuggestions, p, `{"event_id":"e13","type":"suggestion.posted","version":1,"occurred_at":%q,"post_id":%q,"author_id":"e-1","department":"hotline","title":"回访 %s","text":"客户%s反映"}`, ts(12), p, pii, pii)
	add(pipeline.TopicSuggestions, p, `{"event_id":"e14","type":"suggestion.commented","version":1,"occurred_at":%q,"post_id":%q,"comment_id":"k2","author_id":"e-2","text":"我联系过%s"}`, ts(13), p, pii)
	produce(t, []string{broker.Addr}, msgs)
	r := startWith(t, db, []string{broker.Addr}, "voc", cfg, en)
	waitConsumed(t, r.metrics, len(msgs), time.Minute)
	r.stop(t)

	if n := count(t, db, "SELECT count() FROM rejects"); n != 0 {
		var detail string
		if err := db.Conn.QueryRow(t.Context(), "SELECT arrayStringConcat(groupArray(concat(toString(reason), ' ', field, ': ', detail)), '; ') FROM rejects").Scan(&detail); err != nil {
			detail = err.Error()
		}
		t.Fatalf("%d of the planted events were rejected (%s): the test's events are wrong", n, detail)
	}
	// Every String and Array(String) column of every table and view but
	// rejects (which keeps the raw bytes for operators) is searched; the
	// transient .tmp.inner_id tables of a refreshable view that is
	// refreshing at that moment come and go, and are left out.
	rows, err := db.Conn.Query(t.Context(), `SELECT table, name FROM system.columns
		WHERE database = ? AND table != 'rejects' AND table NOT LIKE '%_agg' AND NOT startsWith(table, '.') AND (type LIKE '%String%')
		AND table IN (SELECT name FROM system.tables WHERE database = ? AND engine != 'MaterializedView')`, db.Name, db.Name)
	if err != nil {
		t.Fatal(err)
	}
	type col struct{ table, name string }
	var cols []col
	for rows.Next() {
		var c col
		if err := rows.Scan(&c.table, &c.name); err != nil {
			t.Fatal(err)
		}
		cols = append(cols, c)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	rows.Close()
	if len(cols) < 20 {
		t.Fatalf("found %d text columns: the catalog query is wrong", len(cols))
	}
	secrets := "['" + strings.Join(plantedPII, "', '") + "']"
	for _, c := range cols {
		q := fmt.Sprintf("SELECT count() FROM `%s` WHERE multiSearchAny(toString(`%s`), %s)", c.table, c.name, secrets)
		if n := count(t, db, q); n != 0 {
			t.Errorf("%s.%s holds planted personal data (%s) unredacted in %d rows", c.table, c.name, strings.Join(plantedPII, ", "), n)
		}
	}
	// And the redacted texts are there, with their placeholders.
	for _, q := range []string{
		"SELECT count() FROM messages WHERE text LIKE '%[PHONE]%[ID]%[EMAIL]%'",
		"SELECT count() FROM ticket_events WHERE title LIKE '%[PHONE]%' AND event_type = 'ticket.created'",
		"SELECT count() FROM ticket_events WHERE text LIKE '%[PHONE]%'",
		"SELECT count() FROM survey_events WHERE comment LIKE '%[PHONE]%'",
		"SELECT count() FROM suggestion_events WHERE text LIKE '%[PHONE]%'",
	} {
		if n := count(t, db, q); n == 0 {
			t.Errorf("%s = 0: the redacted text did not arrive", q)
		}
	}
}
