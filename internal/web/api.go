package web

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/ClickHouse/clickhouse-go/v2"

	"github.com/voc-analytics/voc/dashboards"
	"github.com/voc-analytics/voc/metrics"
)

// ReportSource renders the weekly report of a week ("2026-W46") as html,
// json or md. An unknown or malformed week is a *BadRequest; a week
// without data wraps ErrNoReport.
type ReportSource interface {
	Render(ctx context.Context, w io.Writer, week, format string) error
}

// ErrNoReport means the week has no data to report.
var ErrNoReport = errors.New("no report for that week")

// BadRequest is an error in what the client asked for (400).
type BadRequest struct{ Msg string }

func (e *BadRequest) Error() string { return e.Msg }

func badRequest(format string, a ...any) error { return &BadRequest{Msg: fmt.Sprintf(format, a...)} }

func (s *Server) routes() *http.ServeMux {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", s.healthz)
	mux.HandleFunc("GET /static/", serveStatic)
	mux.HandleFunc("GET /favicon.ico", func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusNoContent) })

	mux.HandleFunc("GET /{$}", s.pageIndex)
	mux.HandleFunc("GET /d/{uid}", s.pageDashboard)
	mux.HandleFunc("GET /d/{uid}/rows/{id}", s.pageRows)
	mux.HandleFunc("GET /sql", s.pageSQL)
	mux.HandleFunc("GET /reports", s.pageReports)
	mux.HandleFunc("GET /reports/{week}", s.pageReport)

	mux.HandleFunc("GET /api/dashboards", s.apiDashboards)
	mux.HandleFunc("GET /api/dashboards/{uid}", s.apiDashboard)
	mux.HandleFunc("GET /api/dashboards/{uid}/variables/{name}", s.apiVariable)
	mux.HandleFunc("GET /api/panels/{uid}/{id}", s.apiPanel)
	mux.HandleFunc("GET /api/rows/{uid}/{id}", s.apiRows)
	mux.HandleFunc("GET /api/metrics", s.apiMetrics)
	mux.HandleFunc("GET /api/metrics/list", s.apiMetricsList)
	mux.HandleFunc("POST /api/sql", s.apiSQL)
	mux.HandleFunc("GET /api/schema", s.apiSchema)
	mux.HandleFunc("GET /api/reports/{week}", s.apiReport)
	return mux
}

// writeJSON writes v as JSON with status code.
func writeJSON(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(code)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(v)
}

// writeError answers an API error: 400 for the client's mistakes and
// ClickHouse's refusals of its SQL, 404 for what does not exist, 502 when
// ClickHouse cannot be reached, 500 otherwise.
func (s *Server) writeError(w http.ResponseWriter, r *http.Request, err error) {
	var qt queryTimeoutError
	if cause := context.Cause(r.Context()); errors.As(cause, &qt) {
		err = cause
	}
	code, body := errorStatus(err)
	if code >= 500 {
		s.cfg.Log.Error("request failed", "path", r.URL.Path, "err", err)
	}
	writeJSON(w, code, body)
}

type apiError struct {
	Error string `json:"error"`
	Code  int32  `json:"clickhouse_code,omitempty"`
	Name  string `json:"clickhouse_error,omitempty"`
}

// ClickHouse error codes that mean "not allowed".
const (
	chReadonly     = 164
	chConstraint   = 452 // SETTING_CONSTRAINT_VIOLATION: outside the analyst's limits
	chAccessDenied = 497
)

func errorStatus(err error) (int, apiError) {
	var br *BadRequest
	var ex *clickhouse.Exception
	switch {
	case errors.As(err, &br):
		return http.StatusBadRequest, apiError{Error: br.Msg}
	case errors.As(err, &ex):
		code := http.StatusBadRequest
		if ex.Code == chReadonly || ex.Code == chAccessDenied || ex.Code == chConstraint {
			code = http.StatusForbidden
		}
		name := chErrorNames[ex.Code]
		if name == "" {
			name = ex.Name
		}
		return code, apiError{Error: ex.Message, Code: ex.Code, Name: name}
	case errors.Is(err, errNotFound):
		return http.StatusNotFound, apiError{Error: err.Error()}
	case errors.As(err, new(queryTimeoutError)), errors.Is(err, context.DeadlineExceeded):
		return http.StatusGatewayTimeout, apiError{Error: err.Error()}
	}
	return http.StatusBadGateway, apiError{Error: err.Error()}
}

var errNotFound = errors.New("not found")

// chErrorNames are ClickHouse's names of the errors analysts meet most
// (clickhouse-go reports only the code).
var chErrorNames = map[int32]string{
	46: "UNKNOWN_FUNCTION", 47: "UNKNOWN_IDENTIFIER", 60: "UNKNOWN_TABLE", 62: "SYNTAX_ERROR", 81: "UNKNOWN_DATABASE",
	159: "TIMEOUT_EXCEEDED", 164: "READONLY", 202: "TOO_MANY_SIMULTANEOUS_QUERIES", 241: "MEMORY_LIMIT_EXCEEDED",
	396: "TOO_MANY_ROWS_OR_BYTES", 452: "SETTING_CONSTRAINT_VIOLATION", 497: "ACCESS_DENIED",
}

func (s *Server) healthz(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 3*time.Second)
	defer cancel()
	if err := s.cfg.Conn.Ping(ctx); err != nil {
		writeJSON(w, http.StatusServiceUnavailable, map[string]string{"status": "clickhouse unreachable", "error": err.Error()})
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
}

func (s *Server) dashboard(uid string) (dashboards.Dashboard, error) {
	for _, d := range s.cfg.Dashboards {
		if d.UID == uid {
			return d, nil
		}
	}
	var uids []string
	for _, d := range s.cfg.Dashboards {
		uids = append(uids, d.UID)
	}
	return dashboards.Dashboard{}, fmt.Errorf("dashboard %q: %w (the dashboards are %s)", uid, errNotFound, strings.Join(uids, ", "))
}

func (s *Server) panel(uid, id string) (dashboards.Dashboard, dashboards.Panel, error) {
	d, err := s.dashboard(uid)
	if err != nil {
		return d, dashboards.Panel{}, err
	}
	n, err := strconv.Atoi(id)
	if err == nil {
		for _, p := range d.Panels {
			if p.ID == n {
				return d, p, nil
			}
		}
	}
	return d, dashboards.Panel{}, fmt.Errorf("panel %q of dashboard %s: %w", id, uid, errNotFound)
}

// view is what a request asks to see: a range and filters.
type view struct {
	From, To time.Time
	Filters  map[string][]string // dimension -> values
}

// maxRange bounds what one request may scan.
const maxRange = 400 * 24 * time.Hour

// parseView reads from, to (dates or times in the zone, RFC 3339) or range
// (a duration back from now: 1h, 24h, 7d) and the dashboard's variables.
func (s *Server) parseView(q url.Values, d dashboards.Dashboard) (view, error) {
	v := view{Filters: map[string][]string{}}
	now := s.cfg.Now()
	back := d.Range
	if back == 0 {
		back = 7 * 24 * time.Hour
	}
	if r := q.Get("range"); r != "" {
		dur, err := parseDuration(r)
		if err != nil {
			return v, err
		}
		back = dur
	}
	v.To = now
	v.From = now.Add(-back)
	var err error
	if f := q.Get("from"); f != "" {
		if v.From, err = metrics.ParseTime(f, s.cfg.Zone); err != nil {
			return v, badRequest("from: %v", err)
		}
		if q.Get("to") == "" {
			v.To = now
		}
	}
	if t := q.Get("to"); t != "" {
		if v.To, err = metrics.ParseTime(t, s.cfg.Zone); err != nil {
			return v, badRequest("to: %v", err)
		}
		if q.Get("from") == "" {
			v.From = v.To.Add(-back)
		}
	}
	if !v.From.Before(v.To) {
		return v, badRequest("empty range: from %s is not before to %s", v.From.Format(time.RFC3339), v.To.Format(time.RFC3339))
	}
	if v.To.Sub(v.From) > maxRange {
		return v, badRequest("range of %s is longer than %d days", v.To.Sub(v.From).Round(time.Hour), int(maxRange.Hours()/24))
	}
	for _, vr := range d.Variables {
		if vals := splitValues(q[vr.Name]); len(vals) > 0 {
			v.Filters[vr.Dimension] = vals
		}
	}
	return v, nil
}

func splitValues(vs []string) []string {
	var out []string
	for _, v := range vs {
		for _, f := range strings.Split(v, ",") {
			if f = strings.TrimSpace(f); f != "" && len(out) < 200 {
				out = append(out, f)
			}
		}
	}
	return out
}

// parseDuration reads 90m, 24h, 7d, 4w.
func parseDuration(s string) (time.Duration, error) {
	s = strings.TrimSpace(s)
	if len(s) < 2 || len(s) > 8 {
		return 0, badRequest("range %q: want a duration like 1h, 24h, 7d or 4w", s)
	}
	unit := map[byte]time.Duration{'m': time.Minute, 'h': time.Hour, 'd': 24 * time.Hour, 'w': 7 * 24 * time.Hour}[s[len(s)-1]]
	n, err := strconv.Atoi(s[:len(s)-1])
	if unit == 0 || err != nil || n <= 0 {
		return 0, badRequest("range %q: want a duration like 1h, 24h, 7d or 4w", s)
	}
	d := time.Duration(n) * unit
	if d > maxRange || d <= 0 {
		return 0, badRequest("range %q is longer than %d days", s, int(maxRange.Hours()/24))
	}
	return d, nil
}

// panelDesc is a panel as the pages draw it.
type panelDesc struct {
	ID          int                    `json:"id"`
	Section     string                 `json:"section"`
	Title       string                 `json:"title"`
	Description string                 `json:"description"`
	Unit        string                 `json:"unit"`
	Kind        string                 `json:"kind"`
	Metrics     []string               `json:"metrics,omitempty"`
	By          []string               `json:"by,omitempty"`
	TimeSeries  bool                   `json:"time_series,omitempty"`
	Rows        string                 `json:"rows_query,omitempty"`
	External    string                 `json:"external,omitempty"` // why the data is not voc serve's (PromQL)
	Thresholds  []dashboards.Threshold `json:"thresholds,omitempty"`
	References  []dashboards.Reference `json:"references,omitempty"`
	Min         *float64               `json:"min,omitempty"`
	Max         *float64               `json:"max,omitempty"`
	WoW         bool                   `json:"wow,omitempty"`
	Detail      string                 `json:"detail,omitempty"`
	Width       int                    `json:"width"`
	Height      int                    `json:"height"`
}

type variableDesc struct {
	Name      string              `json:"name"`
	Label     string              `json:"label"`
	Dimension string              `json:"dimension"`
	Multi     bool                `json:"multi"`
	Options   []dashboards.Option `json:"options,omitempty"`
	Dynamic   bool                `json:"dynamic,omitempty"` // options from /api/dashboards/UID/variables/NAME
}

type dashboardDesc struct {
	UID         string         `json:"uid"`
	Title       string         `json:"title"`
	Description string         `json:"description"`
	RefreshMS   int64          `json:"refresh_ms"`
	Range       string         `json:"range"`
	Variables   []variableDesc `json:"variables"`
	Panels      []panelDesc    `json:"panels"`
}

func describeDashboard(d dashboards.Dashboard) dashboardDesc {
	out := dashboardDesc{UID: d.UID, Title: d.Title, Description: d.Description, RefreshMS: d.Refresh.Milliseconds(), Range: durationText(d.Range)}
	for _, v := range d.Variables {
		out.Variables = append(out.Variables, variableDesc{Name: v.Name, Label: v.Label, Dimension: v.Dimension, Multi: v.Multi, Options: v.Options, Dynamic: v.Values != ""})
	}
	for _, p := range d.Panels {
		pd := panelDesc{ID: p.ID, Section: p.Section, Title: p.Title, Description: p.Description, Unit: p.Unit, Kind: p.Kind,
			Metrics: p.Metrics, By: p.By, TimeSeries: p.TimeSeries, Rows: p.Rows, Thresholds: p.Thresholds, References: p.References,
			Min: p.Min, Max: p.Max, WoW: p.WoW, Detail: p.Detail, Width: p.Width, Height: p.Height}
		if len(p.Metrics) == 0 && p.Rows == "" {
			pd.External = "This figure comes from voc run's /metrics endpoint (Prometheus): see it in Grafana with a Prometheus datasource, or at voc run's /metrics."
		}
		out.Panels = append(out.Panels, pd)
	}
	return out
}

func durationText(d time.Duration) string {
	switch {
	case d <= 0:
		return "7d"
	case d%(24*time.Hour) == 0:
		return strconv.Itoa(int(d/(24*time.Hour))) + "d"
	case d%time.Hour == 0:
		return strconv.Itoa(int(d/time.Hour)) + "h"
	}
	return strconv.Itoa(int(d/time.Minute)) + "m"
}

func (s *Server) apiDashboards(w http.ResponseWriter, r *http.Request) {
	var out []dashboardDesc
	for _, d := range s.cfg.Dashboards {
		out = append(out, describeDashboard(d))
	}
	writeJSON(w, http.StatusOK, out)
}

func (s *Server) apiDashboard(w http.ResponseWriter, r *http.Request) {
	d, err := s.dashboard(r.PathValue("uid"))
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, describeDashboard(d))
}

// apiVariable lists the values of a variable whose options come from data.
func (s *Server) apiVariable(w http.ResponseWriter, r *http.Request) {
	d, err := s.dashboard(r.PathValue("uid"))
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	name := r.PathValue("name")
	for _, v := range d.Variables {
		if v.Name != name {
			continue
		}
		if v.Values == "" {
			writeJSON(w, http.StatusOK, v.Options)
			return
		}
		vw, err := s.parseView(r.URL.Query(), d)
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		rq, err := dashboards.Rows(v.Values)
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		release, err := s.acquire(r.Context())
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		res, err := rq.Run(r.Context(), s.cfg.Conn, dashboards.RowsArgs{From: vw.From, To: vw.To})
		release()
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		opts := []dashboards.Option{}
		for _, row := range res.Rows {
			if len(row) > 0 {
				val := fmt.Sprint(row[0])
				text := val
				if len(row) > 1 {
					text = fmt.Sprint(row[1])
				}
				opts = append(opts, dashboards.Option{Value: val, Text: text})
			}
		}
		writeJSON(w, http.StatusOK, opts)
		return
	}
	s.writeError(w, r, fmt.Errorf("variable %q of dashboard %s: %w", name, d.UID, errNotFound))
}

// column is one column of panel data.
type column struct {
	Name string `json:"name"`
	Kind string `json:"kind"` // dimension | metric | value
	Unit string `json:"unit,omitempty"`
}

// panelData is what /api/panels returns.
type panelData struct {
	Dashboard string   `json:"dashboard"`
	Panel     int      `json:"panel"`
	Kind      string   `json:"kind"`
	From      string   `json:"from"`
	To        string   `json:"to"`
	Columns   []column `json:"columns"`
	Rows      [][]any  `json:"rows"`
	// Times holds, for a time series, the start of each row's bucket
	// (RFC 3339), in the order of Rows.
	Times []string `json:"times,omitempty"`
	// WoW is the figure over the last 7 days of the range and the 7 before.
	WoW            *wow     `json:"wow,omitempty"`
	IgnoredFilters []string `json:"ignored_filters,omitempty"`
	External       string   `json:"external,omitempty"`
	ElapsedMS      int64    `json:"elapsed_ms"`
}

func (s *Server) apiPanel(w http.ResponseWriter, r *http.Request) {
	t0 := time.Now()
	d, p, err := s.panel(r.PathValue("uid"), r.PathValue("id"))
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	vw, err := s.parseView(r.URL.Query(), d)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	release, err := s.acquire(r.Context())
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	out, err := s.PanelData(r.Context(), d, p, vw)
	release()
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	out.ElapsedMS = time.Since(t0).Milliseconds()
	writeJSON(w, http.StatusOK, out)
}

// PanelData runs panel p of d over the view.
func (s *Server) PanelData(ctx context.Context, d dashboards.Dashboard, p dashboards.Panel, vw view) (*panelData, error) {
	out := &panelData{Dashboard: d.UID, Panel: p.ID, Kind: p.Kind, Rows: [][]any{}}
	if p.Window > 0 {
		vw.From = vw.To.Add(-p.Window)
	}
	out.From, out.To = vw.From.Format(time.RFC3339), vw.To.Format(time.RFC3339)
	switch {
	case len(p.Metrics) > 0:
		q, ignored, bucket, err := s.panelQuery(p, vw)
		if err != nil {
			return nil, err
		}
		out.IgnoredFilters = ignored
		// The week-over-week figures run beside the panel's own query.
		var wowc chan *wow
		if p.WoW && len(p.By) == 0 && !p.TimeSeries {
			wowc = make(chan *wow, 1)
			go func() { wowc <- s.weekOverWeek(ctx, q, vw.To) }()
		}
		res, err := s.cfg.Registry.Run(ctx, s.cfg.Conn, q)
		if wowc != nil {
			out.WoW = <-wowc
		}
		if err != nil {
			return nil, err
		}
		for _, c := range res.Columns {
			out.Columns = append(out.Columns, column{Name: c.Name, Kind: c.Kind, Unit: c.Unit})
		}
		out.Rows = cleanRows(res.Rows)
		sortRows(out.Columns, out.Rows, p.Sort)
		out.Columns, out.Rows = showColumns(out.Columns, out.Rows, p.Show)
		if bucket != "" {
			out.Times, out.Rows = bucketTimes(bucket, out.Rows, vw, s.cfg.Zone)
		}
	case p.Rows != "":
		rq, err := dashboards.Rows(p.Rows)
		if err != nil {
			return nil, err
		}
		res, err := rq.Run(ctx, s.cfg.Conn, dashboards.RowsArgs{From: vw.From, To: vw.To, Filters: vw.Filters})
		if err != nil {
			return nil, err
		}
		for _, c := range res.Columns {
			out.Columns = append(out.Columns, column{Name: c, Kind: "value", Unit: rq.Units[c]})
		}
		out.Rows = cleanRows(res.Rows)
	default:
		out.External = describeDashboard(dashboards.Dashboard{Panels: []dashboards.Panel{p}}).Panels[0].External
	}
	return out, nil
}

type wow struct {
	Current  [][]any `json:"current"`
	Previous [][]any `json:"previous"`
}

// weekOverWeek runs q over the 7 days before to and the 7 before those; nil
// when either fails (the panel still shows its figure).
func (s *Server) weekOverWeek(ctx context.Context, q metrics.Query, to time.Time) *wow {
	week := 7 * 24 * time.Hour
	cur, prev := q, q
	cur.From, cur.To = to.Add(-week), to
	prev.From, prev.To = to.Add(-2*week), to.Add(-week)
	cr, err := s.cfg.Registry.Run(ctx, s.cfg.Conn, cur)
	if err != nil {
		return nil
	}
	pr, err := s.cfg.Registry.Run(ctx, s.cfg.Conn, prev)
	if err != nil {
		return nil
	}
	return &wow{Current: cleanRows(cr.Rows), Previous: cleanRows(pr.Rows)}
}

// panelQuery is the registry query of metric panel p over the view. A
// filter that one of the panel's metrics cannot apply is left out and
// reported. A time series is grouped by day, or, on ranges of a week or
// less with buckets under a day, by hour of week (each hour of such a range
// has its own label), returned as bucket.
func (s *Server) panelQuery(p dashboards.Panel, vw view) (metrics.Query, []string, string, error) {
	q := metrics.Query{Metrics: p.Metrics, By: append([]string(nil), p.By...), Params: p.Params, Limit: p.Limit,
		From: vw.From, To: vw.To, Zone: s.cfg.Zone, Now: s.cfg.Now()}
	var ms []*metrics.Metric
	for _, name := range p.Metrics {
		m, err := s.cfg.Registry.Get(name)
		if err != nil {
			return q, nil, "", err
		}
		ms = append(ms, m)
	}
	hasDim := func(dim string) bool {
		for _, m := range ms {
			if !slices.Contains(m.Dimensions, dim) {
				return false
			}
		}
		return true
	}
	var ignored []string
	dims := make([]string, 0, len(vw.Filters))
	for dim := range vw.Filters {
		dims = append(dims, dim)
	}
	sort.Strings(dims)
	for _, dim := range dims {
		if !hasDim(dim) {
			ignored = append(ignored, dim)
			continue
		}
		if q.Filters == nil {
			q.Filters = map[string][]string{}
		}
		q.Filters[dim] = vw.Filters[dim]
	}
	bucket := ""
	if p.TimeSeries {
		bucket = "day"
		if p.Bucket < 24*time.Hour && vw.To.Sub(vw.From) <= 7*24*time.Hour && hasDim("hour_of_week") {
			bucket = "hour_of_week"
		}
		if !hasDim(bucket) {
			return q, nil, "", fmt.Errorf("panel %q: metric cannot be grouped by %s", p.Title, bucket)
		}
		q.By = append([]string{bucket}, q.By...)
	}
	return q, ignored, bucket, nil
}

// sortRows orders rows by column by ("-name": descending); nulls last.
func sortRows(cols []column, rows [][]any, by string) {
	desc := strings.HasPrefix(by, "-")
	name := strings.TrimPrefix(by, "-")
	idx := -1
	for i, c := range cols {
		if c.Name == name {
			idx = i
		}
	}
	if by == "" || idx < 0 {
		return
	}
	sort.SliceStable(rows, func(i, j int) bool {
		a, aok := rows[i][idx].(float64)
		b, bok := rows[j][idx].(float64)
		switch {
		case !aok || !bok:
			return aok && !bok
		case desc:
			return a > b
		}
		return a < b
	})
}

// showColumns keeps the dimensions and the metric outputs named in show
// (all when show is empty).
func showColumns(cols []column, rows [][]any, show []string) ([]column, [][]any) {
	if len(show) == 0 {
		return cols, rows
	}
	var keep []int
	for i, c := range cols {
		if c.Kind != "metric" || slices.Contains(show, c.Name) {
			keep = append(keep, i)
		}
	}
	nc := make([]column, len(keep))
	for k, i := range keep {
		nc[k] = cols[i]
	}
	nr := make([][]any, len(rows))
	for r, row := range rows {
		nr[r] = make([]any, len(keep))
		for k, i := range keep {
			nr[r][k] = row[i]
		}
	}
	return nc, nr
}

// bucketTimes gives each row of a time series the start of its bucket and
// orders the rows by it. Rows carry the bucket label in their first column.
func bucketTimes(bucket string, rows [][]any, vw view, zone *time.Location) ([]string, [][]any) {
	starts := map[string]time.Time{}
	switch bucket {
	case "day":
		for t := startOfDay(vw.From, zone); t.Before(vw.To); t = t.AddDate(0, 0, 1) {
			starts[t.Format(time.DateOnly)] = t
		}
	case "hour_of_week":
		names := []string{"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"}
		for t := vw.From.In(zone).Truncate(time.Hour); t.Before(vw.To); t = t.Add(time.Hour) {
			starts[fmt.Sprintf("%s %02d", names[t.Weekday()], t.Hour())] = t
		}
	}
	type row struct {
		t time.Time
		r []any
	}
	var rs []row
	for _, r := range rows {
		label, _ := r[0].(string)
		t, ok := starts[label]
		if !ok {
			t, _ = time.ParseInLocation(time.DateOnly, label, zone)
		}
		rs = append(rs, row{t, r})
	}
	sort.SliceStable(rs, func(i, j int) bool { return rs[i].t.Before(rs[j].t) })
	times := make([]string, len(rs))
	out := make([][]any, len(rs))
	for i, r := range rs {
		times[i] = r.t.Format(time.RFC3339)
		out[i] = r.r
	}
	return times, out
}

func startOfDay(t time.Time, zone *time.Location) time.Time {
	t = t.In(zone)
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, zone)
}

// cleanRows makes values JSON-safe: NaN and infinities become null, times
// RFC 3339 strings.
func cleanRows(rows [][]any) [][]any {
	out := make([][]any, len(rows))
	for i, r := range rows {
		cr := make([]any, len(r))
		for j, v := range r {
			cr[j] = jsonSafe(v)
		}
		out[i] = cr
	}
	return out
}

func jsonSafe(v any) any {
	switch x := v.(type) {
	case nil:
		return nil
	case float64:
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return nil
		}
		return x
	case float32:
		if math.IsNaN(float64(x)) || math.IsInf(float64(x), 0) {
			return nil
		}
		return float64(x)
	case time.Time:
		return x.Format("2006-01-02 15:04:05.000")
	case *time.Time:
		if x == nil {
			return nil
		}
		return x.Format("2006-01-02 15:04:05.000")
	case string, bool, int, int8, int16, int32, int64, uint, uint8, uint16, uint32, uint64:
		return x
	case []string:
		return x
	case fmt.Stringer:
		return x.String()
	case error:
		return x.Error()
	}
	if b, err := json.Marshal(v); err == nil {
		return json.RawMessage(b)
	}
	return fmt.Sprint(v)
}

// apiMetrics answers exactly what `voc metrics NAMES ... --format json`
// prints for the same arguments, through the same parser and writer:
// names (or metrics), from, to, week, zone, by, now, limit, filter=DIM=V1,V2
// (repeatable) or DIM=V1,V2 for any dimension, param=NAME=VALUE (repeatable).
func (s *Server) apiMetrics(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	a := metrics.Args{Names: q.Get("names"), From: q.Get("from"), To: q.Get("to"), Week: q.Get("week"), Zone: q.Get("zone"),
		By: q.Get("by"), Now: q.Get("now"), Filters: q["filter"], Params: q["param"]}
	if a.Names == "" {
		a.Names = q.Get("metrics")
	}
	if l := q.Get("limit"); l != "" {
		n, err := strconv.Atoi(l)
		if err != nil || n < 0 || n > 100000 {
			s.writeError(w, r, badRequest("limit %q: want a number of rows, 0 to 100000", l))
			return
		}
		a.Limit = n
	}
	for _, dim := range metrics.AllDimensions() {
		for _, v := range q[dim] {
			a.Filters = append(a.Filters, dim+"="+v)
		}
	}
	mq, err := a.Query()
	if err != nil {
		s.writeError(w, r, &BadRequest{Msg: err.Error()})
		return
	}
	if _, err := s.cfg.Registry.Statements(mq); err != nil {
		s.writeError(w, r, &BadRequest{Msg: err.Error()})
		return
	}
	release, err := s.acquire(r.Context())
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	res, err := s.cfg.Registry.Run(r.Context(), s.cfg.Conn, mq)
	release()
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	_ = res.WriteJSON(w)
}

func (s *Server) apiMetricsList(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	_ = metrics.WriteListJSON(w, s.cfg.Registry)
}
