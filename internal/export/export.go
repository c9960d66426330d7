package export

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	_ "github.com/apache/arrow-go/v18/arrow/extensions" // UUID and other canonical extension types, as ClickHouse sends them
	"github.com/apache/arrow-go/v18/arrow/ipc"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/voc-analytics/voc/metrics"
)

// Format is an output file format.
type Format string

// Output formats.
const (
	Parquet   Format = "parquet"    // Apache Parquet, zstd by default, Arrow schema stored
	Arrow     Format = "arrow"      // Arrow IPC stream format (.arrows), dictionary deltas
	ArrowFile Format = "arrow-file" // Arrow IPC file format (.arrow, Feather v2); no dictionaries
	CSV       Format = "csv"        // RFC 4180 with a header; NULL is an empty field, "" an empty string
)

// Formats lists the valid formats, for flag help.
var Formats = []Format{Parquet, Arrow, ArrowFile, CSV}

// ParseFormat checks a --format value.
func ParseFormat(s string) (Format, error) {
	for _, f := range Formats {
		if string(f) == s {
			return f, nil
		}
	}
	return "", fmt.Errorf("format %q: want one of parquet, arrow, arrow-file, csv", s)
}

// Request is what to export: a query with its {name:Type} parameters.
type Request struct {
	SQL    string
	Params map[string]string
	// CountSQL, when set, returns the number of rows SQL will produce; it
	// gives the progress bar a total and an ETA.
	CountSQL string
}

// Progress is reported after every record batch.
type Progress struct {
	Rows     int64 // rows written so far
	Total    int64 // expected rows, 0 when unknown
	BytesIn  int64 // bytes received from ClickHouse
	BytesOut int64 // bytes written to the output
}

// Options configure one export.
type Options struct {
	Format Format
	// Compression: parquet zstd (default), snappy, gzip, lz4, brotli or
	// none; arrow and arrow-file none (default), zstd or lz4; csv none.
	Compression string
	// RowGroupRows caps a Parquet row group (default 262144): the writer
	// holds one row group's encoded pages in memory.
	RowGroupRows int64
	Progress     func(Progress)
	Log          *slog.Logger
}

// Stats describe a finished export.
type Stats struct {
	Rows     int64
	BytesIn  int64
	BytesOut int64
	Elapsed  time.Duration
	Schema   *arrow.Schema
}

// recordWriter is one output format.
type recordWriter interface {
	Write(arrow.RecordBatch) error
	Close() error
}

// File exports to path, or to stdout when path is "-". The file appears
// only when the export succeeded: it is written under a temporary name in
// the same directory and renamed at the end.
func File(ctx context.Context, c *Client, req Request, path string, opt Options) (Stats, error) {
	return toFile(path, func(w io.Writer) (Stats, error) { return Write(ctx, c, req, w, opt) })
}

// ResultFile is File for a metrics result.
func ResultFile(ctx context.Context, res *metrics.Result, path string, opt Options) (Stats, error) {
	return toFile(path, func(w io.Writer) (Stats, error) { return WriteResult(ctx, res, w, opt) })
}

func toFile(path string, write func(io.Writer) (Stats, error)) (Stats, error) {
	if path == "-" {
		return write(os.Stdout)
	}
	dir := filepath.Dir(path)
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+".*.part")
	if err != nil {
		return Stats{}, fmt.Errorf("create output file in %s: %w", dir, err)
	}
	defer os.Remove(tmp.Name()) // no-op after the rename
	st, err := write(tmp)
	if cerr := tmp.Close(); err == nil && cerr != nil {
		err = fmt.Errorf("close %s: %w", tmp.Name(), cerr)
	}
	if err != nil {
		return st, err
	}
	if err := os.Chmod(tmp.Name(), 0o644); err != nil {
		return st, err
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return st, fmt.Errorf("move the export into place at %s: %w", path, err)
	}
	return st, nil
}

// Write streams the result of req into w in opt.Format, one ClickHouse block
// at a time.
func Write(ctx context.Context, c *Client, req Request, w io.Writer, opt Options) (Stats, error) {
	t0 := time.Now()
	log := opt.Log
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	if _, err := ParseFormat(string(opt.Format)); err != nil {
		return Stats{}, err
	}
	sql := strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(req.SQL), ";"))
	if sql == "" {
		return Stats{}, errors.New("nothing to export: empty query")
	}
	cols, err := c.describe(ctx, sql, req.Params)
	if err != nil {
		return Stats{}, err
	}
	zone, err := c.scalar(ctx, "SELECT timezone()", nil)
	if err != nil {
		return Stats{}, fmt.Errorf("read the server's time zone: %w", err)
	}
	minScale := 0
	if opt.Format == Parquet {
		minScale = 3
	}
	plan, err := planColumns(cols, zone, minScale)
	if err != nil {
		return Stats{}, err
	}
	var total int64
	if req.CountSQL != "" {
		if s, err := c.scalar(ctx, req.CountSQL, req.Params); err == nil {
			fmt.Sscan(s, &total)
		} else {
			log.Warn("could not count the rows to export; progress without a total", "err", err)
		}
	}

	body, err := c.query(ctx, plan.wrap(sql)+"\nFORMAT ArrowStream", req.Params)
	if err != nil {
		return Stats{}, fmt.Errorf("run the export query: %w", err)
	}
	defer body.Close()
	in := &countingReader{r: body}
	mem := memory.DefaultAllocator
	rdr, err := ipc.NewReader(in, ipc.WithAllocator(mem))
	if err != nil {
		return Stats{}, streamError(in, body, fmt.Errorf("read ClickHouse's Arrow stream: %w", err))
	}
	defer rdr.Release()

	// Arrow streams carry dictionaries anywhere; arrow-go's Parquet writer
	// fails on a list of dictionaries whose batch has no elements, so
	// Parquet gets them at the top level only (its pages are
	// dictionary-encoded on disk either way).
	dicts := map[Format]dictMode{Arrow: nestedDicts, Parquet: topDicts}[opt.Format]
	conv, err := newConverter(mem, rdr.Schema(), plan, dicts)
	if err != nil {
		return Stats{}, err
	}
	defer conv.release()
	out := &countingWriter{w: w}
	rw, err := newRecordWriter(out, conv.schema, opt)
	if err != nil {
		return Stats{}, err
	}
	st := Stats{Schema: conv.schema}
	for rdr.Next() {
		if err := ctx.Err(); err != nil {
			rw.Close()
			return st, err
		}
		rec, err := conv.convert(rdr.RecordBatch())
		if err != nil {
			rw.Close()
			return st, err
		}
		err = rw.Write(rec)
		st.Rows += rec.NumRows()
		rec.Release()
		if err != nil {
			rw.Close()
			return st, fmt.Errorf("write %s after %d rows: %w", opt.Format, st.Rows, err)
		}
		st.BytesIn, st.BytesOut = in.n, out.n
		if opt.Progress != nil {
			opt.Progress(Progress{Rows: st.Rows, Total: total, BytesIn: st.BytesIn, BytesOut: st.BytesOut})
		}
	}
	if err := rdr.Err(); err != nil {
		rw.Close()
		if ctx.Err() != nil {
			return st, ctx.Err()
		}
		return st, streamError(in, body, fmt.Errorf("read ClickHouse's Arrow stream after %d rows: %w", st.Rows, err))
	}
	if err := rw.Close(); err != nil {
		return st, fmt.Errorf("finish the %s output: %w", opt.Format, err)
	}
	st.BytesIn, st.BytesOut, st.Elapsed = in.n, out.n, time.Since(t0)
	if opt.Progress != nil {
		opt.Progress(Progress{Rows: st.Rows, Total: max(total, st.Rows), BytesIn: st.BytesIn, BytesOut: st.BytesOut})
	}
	return st, nil
}

// streamError adds ClickHouse's own message when the server failed after it
// had started the response: it then writes "Code: N. DB::Exception: ..."
// into the body instead of Arrow data.
func streamError(in *countingReader, body io.Reader, err error) error {
	rest, _ := io.ReadAll(io.LimitReader(body, 16<<10))
	text := string(in.tail()) + string(rest)
	if i := strings.Index(text, "Code: "); i >= 0 {
		msg := text[i:]
		if j := strings.IndexByte(msg, '\n'); j > 0 {
			msg = msg[:j]
		}
		return fmt.Errorf("%w (ClickHouse: %s)", err, strings.TrimSpace(msg))
	}
	return err
}

type countingReader struct {
	r    io.Reader
	n    int64
	last [4096]byte
	pos  int
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	// Keep the last bytes for error messages (a ring buffer).
	chunk := p[:n]
	if len(chunk) > len(c.last) {
		c.pos += len(chunk) - len(c.last)
		chunk = chunk[len(chunk)-len(c.last):]
	}
	for len(chunk) > 0 {
		k := copy(c.last[c.pos%len(c.last):], chunk)
		chunk = chunk[k:]
		c.pos += k
	}
	return n, err
}

func (c *countingReader) tail() []byte {
	if c.pos <= len(c.last) {
		return c.last[:c.pos]
	}
	i := c.pos % len(c.last)
	return append(append([]byte{}, c.last[i:]...), c.last[:i]...)
}

type countingWriter struct {
	w io.Writer
	n int64
}

func (c *countingWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}
