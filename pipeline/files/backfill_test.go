package files_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/parquet"
	"github.com/apache/arrow-go/v18/parquet/pqarrow"

	"github.com/voc-analytics/voc/internal/testenv"
	"github.com/voc-analytics/voc/internal/testevents"
	"github.com/voc-analytics/voc/pipeline"
	"github.com/voc-analytics/voc/pipeline/files"
)

func TestMain(m *testing.M) { testenv.Main(m) }

// writeJSONL writes the events of s, one per line, into one file per
// stream (as `voc generate --to jsonl` does) and returns the paths.
func writeJSONL(t *testing.T, dir string, s testevents.Set) []string {
	t.Helper()
	byTopic := map[string]*bytes.Buffer{}
	for _, m := range testevents.Messages(s.Events) {
		b := byTopic[m.Topic]
		if b == nil {
			b = &bytes.Buffer{}
			byTopic[m.Topic] = b
		}
		b.Write(m.Value)
		b.WriteByte('\n')
	}
	var paths []string
	for _, topic := range pipeline.InputTopics {
		p := filepath.Join(dir, topic+".jsonl")
		if err := os.WriteFile(p, byTopic[topic].Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		paths = append(paths, p)
	}
	return paths
}

func config(paths ...string) files.Config {
	cfg := files.DefaultConfig()
	cfg.Paths = paths
	cfg.Runner.BatchSize = 500
	return cfg
}

func checkExact(t *testing.T, db *testenv.DB, s testevents.Set) {
	t.Helper()
	for _, c := range s.ExactChecks() {
		var got uint64
		if err := db.Conn.QueryRow(context.Background(), c.Query).Scan(&got); err != nil {
			t.Fatalf("%s: %v", c.Query, err)
		}
		if got != c.Want {
			t.Errorf("%s = %d, want %d", c.Query, got, c.Want)
		}
	}
}

func count(t *testing.T, db *testenv.DB, query string) uint64 {
	t.Helper()
	var n uint64
	if err := db.Conn.QueryRow(context.Background(), query).Scan(&n); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	return n
}

// rawRows counts every stored row, duplicates included (no FINAL).
const rawRows = "SELECT (SELECT count() FROM contact_events) + (SELECT count() FROM messages) + (SELECT count() FROM ticket_events) + (SELECT count() FROM survey_events) + (SELECT count() FROM suggestion_events) + (SELECT count() FROM rejects)"

// TestSameFilesTwice: a second backfill of the same files (even renamed)
// adds no row anywhere, and every view counts each event once.
func TestSameFilesTwice(t *testing.T) {
	db := testenv.NewDB(t)
	s := testevents.Build(300)
	dir := t.TempDir()
	paths := writeJSONL(t, dir, s)
	ctx := context.Background()
	sum, err := files.Backfill(ctx, db.Conn, config(paths...))
	if err != nil {
		t.Fatal(err)
	}
	if sum.Events != int64(len(s.Events)) || sum.Rejects != 0 {
		t.Fatalf("first run wrote %d events, %d rejects; want %d, 0", sum.Events, sum.Rejects, len(s.Events))
	}
	checkExact(t, db, s)
	before := count(t, db, rawRows)

	// The same files again, and a copy of one under another name.
	cp := filepath.Join(dir, "copy-of-chats.jsonl")
	b, _ := os.ReadFile(paths[0])
	os.WriteFile(cp, b, 0o644)
	sum, err = files.Backfill(ctx, db.Conn, config(append(paths, cp)...))
	if err != nil {
		t.Fatal(err)
	}
	if sum.Events != 0 || sum.Lines != 0 || sum.Skipped != len(paths) {
		t.Errorf("second run read %d lines, wrote %d events, skipped %d files; want 0, 0, %d", sum.Lines, sum.Events, sum.Skipped, len(paths))
	}
	if after := count(t, db, rawRows); after != before {
		t.Errorf("second run added rows: %d -> %d", before, after)
	}
	checkExact(t, db, s)

	// --restart reads everything again: rows are re-sent, views unchanged.
	cfg := config(paths...)
	cfg.Restart = true
	if sum, err = files.Backfill(ctx, db.Conn, cfg); err != nil {
		t.Fatal(err)
	}
	if sum.Events != int64(len(s.Events)) {
		t.Errorf("restart wrote %d events, want %d", sum.Events, len(s.Events))
	}
	checkExact(t, db, s)
	if n := count(t, db, "SELECT count() FROM backfill_files FINAL WHERE done"); n != uint64(len(paths)) {
		t.Errorf("%d files checkpointed as done, want %d", n, len(paths))
	}
}

// TestBadRows: bad lines go to rejects with their reason, file and line;
// the good lines around them load.
func TestBadRows(t *testing.T) {
	db := testenv.NewDB(t)
	malformed, err := testevents.LoadMalformed(filepath.Join("..", "testdata", "malformed.txt"))
	if err != nil {
		t.Fatal(err)
	}
	s := testevents.Build(40)
	type bad struct {
		line   uint64
		reason string
	}
	var want []bad
	var buf bytes.Buffer
	line := uint64(0)
	mal := 0
	for i, m := range testevents.Messages(s.Events) {
		if m.Topic != pipeline.TopicChats {
			continue
		}
		buf.Write(m.Value)
		buf.WriteByte('\n')
		line++
		// After every few good lines, a bad one that needs no Kafka key
		// (key_mismatch cannot happen without one) and no other topic.
		for i%5 == 0 && mal < len(malformed) {
			mf := malformed[mal]
			mal++
			// Limits differ here (backfill accepts old events; the table's
			// long text is long only under the decode test's limit).
			limitBound := mf.Reason == string(pipeline.ReasonTimestampRange) || mf.Reason == string(pipeline.ReasonTextTooLong)
			if mf.Topic != pipeline.TopicChats || mf.Reason == string(pipeline.ReasonKeyMismatch) || mf.Reason == string(pipeline.ReasonWrongTopic) || limitBound ||
				bytes.ContainsAny(mf.Payload, "\n") || len(bytes.TrimSpace(mf.Payload)) == 0 {
				continue
			}
			buf.Write(mf.Payload)
			buf.WriteByte('\n')
			line++
			want = append(want, bad{line, mf.Reason})
			break
		}
	}
	buf.WriteString("\n   \n") // blank lines are skipped, not rejected
	path := filepath.Join(t.TempDir(), "legacy-chats.jsonl")
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	if len(want) < 5 {
		t.Fatalf("only %d bad lines planted", len(want))
	}
	sum, err := files.Backfill(context.Background(), db.Conn, config(path))
	if err != nil {
		t.Fatal(err)
	}
	if sum.Rejects != int64(len(want)) {
		t.Errorf("%d rejects, want %d", sum.Rejects, len(want))
	}
	rows, err := db.Conn.Query(context.Background(), "SELECT source_file, source_line, reason, detail FROM rejects FINAL ORDER BY source_line")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	i := 0
	for rows.Next() {
		var file, reason, detail string
		var ln uint64
		if err := rows.Scan(&file, &ln, &reason, &detail); err != nil {
			t.Fatal(err)
		}
		if i >= len(want) {
			t.Errorf("extra reject at line %d: %s", ln, reason)
			continue
		}
		if file != path || ln != want[i].line || reason != want[i].reason || detail == "" {
			t.Errorf("reject %d: %s:%d %s (%q), want %s:%d %s with a detail", i, file, ln, reason, detail, path, want[i].line, want[i].reason)
		}
		i++
	}
	if i != len(want) {
		t.Errorf("%d rejects stored, want %d", i, len(want))
	}
	chats := 0
	for _, ev := range s.Events {
		if ev.Topic() == pipeline.TopicChats {
			chats++
		}
	}
	got := count(t, db, "SELECT (SELECT count() FROM contact_events FINAL) + (SELECT count() FROM messages FINAL)")
	if got != uint64(chats) {
		t.Errorf("%d chat events loaded, want all %d good ones", got, chats)
	}
}

// TestResume: a backfill interrupted after some checkpoints resumes after
// the last one and the result is exactly once.
func TestResume(t *testing.T) {
	db := testenv.NewDB(t)
	s := testevents.Build(400)
	paths := writeJSONL(t, t.TempDir(), s)
	ctx, cancel := context.WithCancel(context.Background())
	cfg := config(paths...)
	cfg.Runner.BatchSize = 200
	cfg.ProgressEvery = 1
	cfg.Progress = func(p files.Progress) {
		if p.Events >= 1000 {
			cancel()
		}
	}
	sum, err := files.Backfill(ctx, db.Conn, cfg)
	if err == nil || !strings.Contains(err.Error(), "resume") {
		t.Fatalf("interrupted backfill: err %v, want one telling to run it again", err)
	}
	first := sum.Lines
	if first <= 0 || first >= int64(len(s.Events)) {
		t.Fatalf("interrupted after %d of %d lines: not mid-way", first, len(s.Events))
	}
	sum, err = files.Backfill(context.Background(), db.Conn, config(paths...))
	if err != nil {
		t.Fatal(err)
	}
	if sum.Lines >= int64(len(s.Events)) {
		t.Errorf("resumed run read %d lines of %d: it did not resume", sum.Lines, len(s.Events))
	}
	checkExact(t, db, s)
}

// TestParquet reads Parquet files: one with a column of raw JSON events
// (a topic dump), one whose columns are the contract's fields.
func TestParquet(t *testing.T) {
	db := testenv.NewDB(t)
	s := testevents.Build(50)
	dir := t.TempDir()
	msgs := testevents.Messages(s.Events)

	mem := memory.DefaultAllocator
	write := func(name string, schema *arrow.Schema, cols []arrow.Array) string {
		t.Helper()
		path := filepath.Join(dir, name)
		f, err := os.Create(path)
		if err != nil {
			t.Fatal(err)
		}
		w, err := pqarrow.NewFileWriter(schema, f, parquet.NewWriterProperties(parquet.WithMaxRowGroupLength(64)), pqarrow.DefaultWriterProps())
		if err != nil {
			t.Fatal(err)
		}
		rec := array.NewRecordBatch(schema, cols, int64(cols[0].Len()))
		if err := w.Write(rec); err != nil {
			t.Fatal(err)
		}
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
		return path
	}
	// Every event except surveys as raw JSON.
	vb := array.NewStringBuilder(mem)
	for _, m := range msgs {
		if m.Topic != pipeline.TopicSurveys {
			vb.Append(string(m.Value))
		}
	}
	dump := write("dump.parquet", arrow.NewSchema([]arrow.Field{{Name: "value", Type: arrow.BinaryTypes.String}}, nil), []arrow.Array{vb.NewArray()})

	// Surveys as columns, with a zoned timestamp, nullable numbers and one bad row.
	ts := &arrow.TimestampType{Unit: arrow.Millisecond, TimeZone: "Asia/Shanghai"}
	schema := arrow.NewSchema([]arrow.Field{
		{Name: "event_id", Type: arrow.BinaryTypes.String},
		{Name: "type", Type: arrow.BinaryTypes.String},
		{Name: "version", Type: arrow.PrimitiveTypes.Int64},
		{Name: "occurred_at", Type: ts},
		{Name: "survey_id", Type: arrow.BinaryTypes.String},
		{Name: "contact_id", Type: arrow.BinaryTypes.String, Nullable: true},
		{Name: "channel", Type: arrow.BinaryTypes.String, Nullable: true},
		{Name: "csat", Type: arrow.PrimitiveTypes.Int64, Nullable: true},
		{Name: "customer_id", Type: arrow.BinaryTypes.String, Nullable: true},
		{Name: "ticket_id", Type: arrow.BinaryTypes.String, Nullable: true},
		{Name: "solved", Type: arrow.FixedWidthTypes.Boolean, Nullable: true},
		{Name: "comment", Type: arrow.BinaryTypes.String, Nullable: true},
	}, nil)
	rb := array.NewRecordBuilder(mem, schema)
	surveys := 0
	for _, ev := range s.Events {
		sv, ok := ev.(*pipeline.SurveyEvent)
		if !ok {
			continue
		}
		surveys++
		rb.Field(0).(*array.StringBuilder).Append(sv.EventID)
		rb.Field(1).(*array.StringBuilder).Append(sv.Type)
		rb.Field(2).(*array.Int64Builder).Append(int64(sv.Version))
		rb.Field(3).(*array.TimestampBuilder).Append(arrow.Timestamp(sv.OccurredAt.UnixMilli()))
		rb.Field(4).(*array.StringBuilder).Append(sv.SurveyID)
		appendOpt(rb.Field(5).(*array.StringBuilder), sv.ContactID)
		appendOpt(rb.Field(6).(*array.StringBuilder), sv.Channel)
		if sv.CSAT != nil {
			rb.Field(7).(*array.Int64Builder).Append(int64(*sv.CSAT))
		} else {
			rb.Field(7).AppendNull()
		}
		appendOpt(rb.Field(8).(*array.StringBuilder), sv.CustomerID)
		appendOpt(rb.Field(9).(*array.StringBuilder), sv.TicketID)
		if sv.Solved != nil {
			rb.Field(10).(*array.BooleanBuilder).Append(*sv.Solved)
		} else {
			rb.Field(10).AppendNull()
		}
		appendOpt(rb.Field(11).(*array.StringBuilder), sv.Comment)
	}
	// A bad row: csat out of range.
	rb.Field(0).(*array.StringBuilder).Append("bad-1")
	rb.Field(1).(*array.StringBuilder).Append("survey.answered")
	rb.Field(2).(*array.Int64Builder).Append(1)
	rb.Field(3).(*array.TimestampBuilder).Append(arrow.Timestamp(testevents.Base.UnixMilli()))
	rb.Field(4).(*array.StringBuilder).Append("s-bad")
	rb.Field(5).AppendNull()
	rb.Field(6).AppendNull()
	rb.Field(7).(*array.Int64Builder).Append(9)
	rb.Field(8).(*array.StringBuilder).Append("u-1")
	for i := 9; i < 12; i++ {
		rb.Field(i).AppendNull()
	}
	rec := rb.NewRecordBatch()
	cols := rec.Columns()
	columnar := write("surveys.parquet", schema, cols)

	sum, err := files.Backfill(context.Background(), db.Conn, config(dump, columnar))
	if err != nil {
		t.Fatal(err)
	}
	if sum.Rejects != 1 {
		t.Errorf("%d rejects, want 1 (csat 9)", sum.Rejects)
	}
	checkExactExceptRejects(t, db, s)
	var file string
	var line uint64
	if err := db.Conn.QueryRow(context.Background(), "SELECT source_file, source_line FROM rejects FINAL").Scan(&file, &line); err != nil {
		t.Fatal(err)
	}
	if file != columnar || line != uint64(surveys+1) {
		t.Errorf("reject at %s row %d, want %s row %d", file, line, columnar, surveys+1)
	}
}

func appendOpt(b *array.StringBuilder, s string) {
	if s == "" {
		b.AppendNull()
		return
	}
	b.Append(s)
}

func checkExactExceptRejects(t *testing.T, db *testenv.DB, s testevents.Set) {
	t.Helper()
	for _, c := range s.ExactChecks() {
		if strings.Contains(c.Query, "rejects") {
			continue
		}
		if got := count(t, db, c.Query); got != c.Want {
			t.Errorf("%s = %d, want %d", c.Query, got, c.Want)
		}
	}
}
