package files

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/voc-analytics/voc/pipeline"
)

// MaxLineBytes bounds one JSONL line (an event is far smaller: texts are
// limited to 16 KiB by default).
const MaxLineBytes = 64 << 20

// File is one input file and where a previous run left it.
type File struct {
	Path      string
	ID        string // sha256 of the content
	Size      int64
	Partition int   // stands in for the Kafka partition: negative, derived from ID
	Parquet   bool  // else JSONL (optionally gzip-compressed)
	Done      int64 // lines already written by an earlier run
	Finished  bool  // an earlier run wrote it all
	Events    int64 // cumulative, from the checkpoint
	Rejects   int64
	Topic     string // default topic from the file name, or --topic
}

// Inspect reads path once to identify it (content hash) and its format.
func Inspect(path, topic string) (*File, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("open backfill file: %w", err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if st.IsDir() {
		return nil, fmt.Errorf("%s is a directory: give the files (e.g. %s/*.jsonl)", path, path)
	}
	h := sha256.New()
	head := make([]byte, 4)
	n, _ := io.ReadFull(f, head)
	h.Write(head[:n])
	if _, err := io.Copy(h, f); err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	sum := h.Sum(nil)
	abs, err := filepath.Abs(path)
	if err != nil {
		abs = path
	}
	file := &File{Path: abs, ID: hex.EncodeToString(sum), Size: st.Size(), Parquet: bytes.Equal(head[:n], []byte("PAR1")), Topic: topic}
	file.Partition = -int(binary.BigEndian.Uint32(sum[:4])&0x7fffffff) - 1
	if file.Topic == "" {
		file.Topic = topicFromName(filepath.Base(path))
	}
	return file, nil
}

func topicFromName(base string) string {
	base = strings.ToLower(base)
	for _, t := range pipeline.InputTopics {
		if strings.Contains(base, strings.TrimPrefix(t, "voc.")) {
			return t
		}
	}
	return ""
}

// typeTopics maps an event type's prefix to its stream.
var typeTopics = map[string]string{
	"contact.":    pipeline.TopicChats,
	"ticket.":     pipeline.TopicTickets,
	"survey.":     pipeline.TopicSurveys,
	"suggestion.": pipeline.TopicSuggestions,
}

// topicOf finds the stream of one JSON event from its "type" without
// decoding it (Decode does that next); fallback when the type is unreadable.
func topicOf(line []byte, fallback string) string {
	typ := peekType(line)
	for prefix, topic := range typeTopics {
		if strings.HasPrefix(typ, prefix) {
			return topic
		}
	}
	if fallback != "" {
		return fallback
	}
	// Not an event of any stream: decoded as a chat event, it is rejected
	// with the reason that fits (invalid_json, missing_field, wrong_topic...).
	return pipeline.TopicChats
}

func peekType(line []byte) string {
	key := []byte(`"type"`)
	for off := 0; ; {
		i := bytes.Index(line[off:], key)
		if i < 0 {
			return ""
		}
		i += off
		off = i + len(key)
		if i > 0 && line[i-1] == '\\' { // inside a string
			continue
		}
		rest := bytes.TrimLeft(line[off:], " \t")
		if len(rest) == 0 || rest[0] != ':' {
			continue
		}
		rest = bytes.TrimLeft(rest[1:], " \t")
		if len(rest) == 0 || rest[0] != '"' {
			return ""
		}
		end := bytes.IndexByte(rest[1:], '"')
		if end < 0 {
			return ""
		}
		return string(rest[1 : end+1])
	}
}

// Source yields the lines (rows) of the files in order as messages, after
// the ones an earlier run finished; Commit records the checkpoints.
type Source struct {
	files []*File
	ckpt  *Checkpoints
	stats *Stats

	cur    int // index into files of the one being read
	reader rowReader
	line   int64 // last line read from the current file

	mu      sync.Mutex
	emitted map[int]int64 // file index -> last line handed to the runner
	ended   map[int]bool  // file index -> its end was reached
}

// Stats are counted as the backfill goes, for progress.
type Stats struct {
	BytesRead atomic.Int64 // of all files, including skipped earlier runs' lines
	Lines     atomic.Int64 // lines read this run
	Events    atomic.Int64 // events written this run
	Rejects   atomic.Int64
	FilesDone atomic.Int64
}

// rowReader is one open file: JSONL lines or Parquet rows as JSON.
type rowReader interface {
	// Next returns the next row's JSON (nil for a blank line) and the bytes
	// of the file consumed so far; io.EOF at the end.
	Next() ([]byte, int64, error)
	// Skip moves past the first n rows (an earlier run's).
	Skip(n int64) error
	Close() error
}

// NewSource reads files (Inspect them first, and load their checkpoints).
func NewSource(files []*File, ckpt *Checkpoints, stats *Stats) *Source {
	return &Source{files: files, ckpt: ckpt, stats: stats, emitted: map[int]int64{}, ended: map[int]bool{}, cur: -1}
}

// Fetch returns the next row of the files, or pipeline.ErrEndOfInput.
func (s *Source) Fetch(ctx context.Context) (pipeline.Message, error) {
	for {
		if err := ctx.Err(); err != nil {
			return pipeline.Message{}, err
		}
		if s.reader == nil {
			if err := s.openNext(ctx); err != nil {
				return pipeline.Message{}, err
			}
		}
		f := s.files[s.cur]
		row, consumed, err := s.reader.Next()
		if err == io.EOF {
			if err := s.endOfFile(ctx); err != nil {
				return pipeline.Message{}, err
			}
			continue
		}
		if err != nil {
			return pipeline.Message{}, fmt.Errorf("read %s after line %d: %w", f.Path, s.line, err)
		}
		s.line++
		s.stats.BytesRead.Add(consumed)
		if row == nil {
			continue // blank line
		}
		s.stats.Lines.Add(1)
		s.mu.Lock()
		s.emitted[s.cur] = s.line
		s.mu.Unlock()
		return pipeline.Message{Topic: topicOf(row, f.Topic), Partition: f.Partition, Offset: s.line, Value: row, File: f.Path}, nil
	}
}

func (s *Source) openNext(ctx context.Context) error {
	for {
		s.cur++
		if s.cur >= len(s.files) {
			s.cur = len(s.files) - 1
			return pipeline.ErrEndOfInput
		}
		f := s.files[s.cur]
		if f.Finished {
			s.stats.BytesRead.Add(f.Size)
			s.stats.FilesDone.Add(1)
			continue
		}
		r, err := openReader(f)
		if err != nil {
			return err
		}
		if f.Done > 0 {
			if err := r.Skip(f.Done); err != nil {
				r.Close()
				return fmt.Errorf("resume %s after line %d: %w", f.Path, f.Done, err)
			}
		}
		s.reader, s.line = r, f.Done
		return nil
	}
}

// endOfFile closes the current file. It is finished once its last line is
// committed; a file with nothing left to send is finished now.
func (s *Source) endOfFile(ctx context.Context) error {
	f := s.files[s.cur]
	s.reader.Close()
	s.reader = nil
	s.mu.Lock()
	s.ended[s.cur] = true
	emitted, any := s.emitted[s.cur]
	finished := !any || f.Done >= emitted // everything sent is already committed
	if finished {
		f.Done, f.Finished = s.line, true
	}
	snapshot := *f
	s.mu.Unlock()
	if finished {
		s.stats.FilesDone.Add(1)
		return s.ckpt.Save(ctx, snapshot)
	}
	return nil // finished by the Commit of its last line
}

// Commit records, for each file in msgs, the highest line written (the
// runner commits in order, so every line before it is written too).
func (s *Source) Commit(ctx context.Context, msgs []pipeline.Message) error {
	highest := map[int]int64{} // partition -> line
	for _, m := range msgs {
		if m.Offset > highest[m.Partition] {
			highest[m.Partition] = m.Offset
		}
	}
	var save []File
	s.mu.Lock()
	for i, f := range s.files {
		line, ok := highest[f.Partition]
		if !ok || line <= f.Done {
			continue
		}
		f.Done = line
		if s.ended[i] && line >= s.emitted[i] {
			f.Finished = true
			s.stats.FilesDone.Add(1)
		}
		save = append(save, *f)
	}
	s.mu.Unlock()
	for _, f := range save {
		if err := s.ckpt.Save(ctx, f); err != nil {
			return err
		}
	}
	return nil
}

// counted adds a written batch's events and rejects to their files' totals.
func (s *Source) counted(batch []pipeline.Record) {
	type tally struct{ events, rejects int64 }
	by := map[int]*tally{}
	for i := range batch {
		t := by[batch[i].Msg.Partition]
		if t == nil {
			t = &tally{}
			by[batch[i].Msg.Partition] = t
		}
		if batch[i].Reject != nil {
			t.rejects++
		} else {
			t.events++
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, f := range s.files {
		if t := by[f.Partition]; t != nil {
			f.Events += t.events
			f.Rejects += t.rejects
			s.stats.Events.Add(t.events)
			s.stats.Rejects.Add(t.rejects)
		}
	}
}

// countingSink counts what its sink wrote, per file, for checkpoints and progress.
type countingSink struct {
	sink pipeline.Sink
	src  *Source
}

func (c countingSink) Write(ctx context.Context, batch []pipeline.Record) error {
	if err := c.sink.Write(ctx, batch); err != nil {
		return err
	}
	c.src.counted(batch)
	return nil
}

// Close closes the file being read.
func (s *Source) Close() error {
	if s.reader != nil {
		return s.reader.Close()
	}
	return nil
}

func openReader(f *File) (rowReader, error) {
	if f.Parquet {
		return openParquet(f.Path)
	}
	fh, err := os.Open(f.Path)
	if err != nil {
		return nil, fmt.Errorf("open backfill file: %w", err)
	}
	cr := &countReader{r: fh}
	var r io.Reader = cr
	if strings.HasSuffix(f.Path, ".gz") {
		zr, err := gzip.NewReader(cr)
		if err != nil {
			fh.Close()
			return nil, fmt.Errorf("%s: %w", f.Path, err)
		}
		r = zr
	}
	br := bufio.NewReaderSize(r, 1<<20)
	return &jsonlReader{f: fh, br: br, counted: cr}, nil
}

type countReader struct {
	r io.Reader
	n int64
}

func (c *countReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

type jsonlReader struct {
	f        *os.File
	br       *bufio.Reader
	counted  *countReader
	reported int64
	buf      []byte
}

func (j *jsonlReader) Next() ([]byte, int64, error) {
	line, err := j.readLine()
	if err != nil {
		return nil, 0, err
	}
	consumed := j.counted.n - j.reported
	j.reported = j.counted.n
	line = bytes.TrimSpace(line)
	if len(line) == 0 {
		return nil, consumed, nil
	}
	// The runner keeps messages until their batch is written: copy out of
	// the reader's buffer.
	return append([]byte(nil), line...), consumed, nil
}

func (j *jsonlReader) readLine() ([]byte, error) {
	j.buf = j.buf[:0]
	for {
		part, err := j.br.ReadSlice('\n')
		j.buf = append(j.buf, part...)
		if len(j.buf) > MaxLineBytes {
			return nil, fmt.Errorf("a line is longer than %d MiB: not JSON lines", MaxLineBytes>>20)
		}
		switch err {
		case nil:
			return j.buf, nil
		case bufio.ErrBufferFull:
			continue
		case io.EOF:
			if len(j.buf) == 0 {
				return nil, io.EOF
			}
			return j.buf, nil
		default:
			return nil, err
		}
	}
}

func (j *jsonlReader) Skip(n int64) error {
	for i := int64(0); i < n; i++ {
		if _, err := j.readLine(); err != nil {
			if err == io.EOF {
				return fmt.Errorf("the file has fewer than %d lines: it changed since the checkpoint", n)
			}
			return err
		}
	}
	return nil
}

func (j *jsonlReader) Close() error { return j.f.Close() }
