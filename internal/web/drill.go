package web

import (
	"context"
	"encoding/csv"
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/ClickHouse/clickhouse-go/v2"

	"github.com/voc-analytics/voc/dashboards"
	"github.com/voc-analytics/voc/metrics"
)

// A detail is the list of rows behind a chart: the analyst-view rows of
// the grain the panel's metric counts (contacts, tickets, survey answers,
// messages, posts), over the panel's range and filters and the dimension
// values of the point clicked. It lists rows; it computes no metric.
type detail struct {
	title   string
	from    string // FROM and JOINs; {from}, {to} are the range parameters
	time    string // the row's time expression
	columns string // SELECT list
	order   string
	dims    map[string]string // dimension -> SQL value expression (String) or "has:" array expression
}

const rangeCond = "%s >= {from:DateTime64(3, 'UTC')} AND %s < {to:DateTime64(3, 'UTC')}"

var details = map[string]detail{
	"contact": {
		title: "Contacts",
		from: `contacts AS c
LEFT JOIN service_categories AS sc ON sc.slug = c.service_category
LEFT JOIN (
    SELECT contact_id, argMin(text, sentiment_score) AS quote
    FROM messages
    WHERE sender = 'customer' AND occurred_at >= {from:DateTime64(3, 'UTC')} AND occurred_at < {to:DateTime64(3, 'UTC')} + INTERVAL 1 DAY
    GROUP BY contact_id
) AS q ON q.contact_id = c.contact_id`,
		time: "c.started_at",
		columns: `c.started_at AS started_at, c.contact_id AS contact_id, c.channel AS channel, c.product_model AS product_model,
       sc.topic AS topic, c.service_category AS service_category, c.wait_seconds AS wait_seconds, c.abandoned AS abandoned,
       c.transfers AS transfers, c.ticket_id AS ticket_id, c.resolved_flag AS resolved, round(c.min_customer_sentiment, 2) AS min_sentiment,
       q.quote AS quote`,
		order: "c.started_at DESC, c.contact_id",
		dims: map[string]string{"channel": "c.channel", "product_model": "c.product_model", "service_category": "c.service_category",
			"topic": "sc.topic", "customer_tag": "has:c.customer_tags"},
	},
	"ticket": {
		title: "Tickets (SLA breaches first)",
		from:  `tickets AS t LEFT JOIN service_categories AS sc ON sc.slug = t.service_category`,
		time:  "t.created_at",
		columns: `t.created_at AS created_at, t.ticket_id AS ticket_id, t.category AS category, t.priority AS priority, t.status AS status,
       t.channel AS channel, t.product_model AS product_model, sc.topic AS topic, t.sla_deadline AS sla_deadline, t.done_at AS done_at,
       round(t.resolution_hours, 1) AS resolution_hours, t.sla_breached AS sla_breached, t.max_escalation_level AS escalation_level, t.title AS title`,
		order: "t.sla_breached DESC, t.created_at DESC, t.ticket_id",
		dims: map[string]string{"channel": "t.channel", "product_model": "t.product_model", "service_category": "t.service_category",
			"topic": "sc.topic", "ticket_category": "t.category", "priority": "t.priority", "escalation_level": "toString(t.max_escalation_level)"},
	},
	"survey": {
		title: "Survey answers",
		from: `survey_answers AS s
LEFT JOIN contacts AS c ON c.contact_id = s.contact_id
LEFT JOIN service_categories AS sc ON sc.slug = c.service_category`,
		time: "s.sent_at",
		columns: `s.answered_at AS answered_at, s.survey_id AS survey_id, s.contact_id AS contact_id, s.channel AS channel, c.product_model AS product_model,
       sc.topic AS topic, s.csat AS csat, s.nps AS nps, s.likes32 AS likes32, s.solved AS solved, s.comment AS comment`,
		order: "s.answered_at DESC, s.survey_id",
		dims:  map[string]string{"channel": "s.channel", "product_model": "c.product_model", "service_category": "c.service_category", "topic": "sc.topic"},
	},
	"message": {
		title: "Customer messages (redacted)",
		from: `messages AS m FINAL
LEFT JOIN contacts AS c ON c.contact_id = m.contact_id
LEFT JOIN service_categories AS sc ON sc.slug = c.service_category`,
		time: "m.occurred_at",
		columns: `m.occurred_at AS occurred_at, m.contact_id AS contact_id, m.sender AS sender, m.channel AS channel, c.product_model AS product_model,
       sc.topic AS topic, round(m.sentiment_score, 2) AS sentiment, m.text AS text`,
		order: "m.occurred_at DESC, m.message_id",
		dims:  map[string]string{"channel": "m.channel", "product_model": "c.product_model", "service_category": "c.service_category", "topic": "sc.topic"},
	},
	"post": {
		title: "Suggestion posts",
		from:  `suggestion_posts AS p`,
		time:  "p.posted_at",
		columns: `p.posted_at AS posted_at, p.post_id AS post_id, p.title AS title, p.department AS department, p.status AS status,
       p.endorsements AS endorsements, p.comments AS comments, arrayStringConcat(p.topics, ', ') AS topics`,
		order: "p.posted_at DESC, p.post_id",
		dims:  map[string]string{"department": "p.department", "status": "p.status", "topic": "has:p.topics"},
	},
}

// detailsByRows maps a rows panel's Detail to a grain.
var detailsByRows = map[string]string{"messages": "message", "suggestion_posts": "post", "contacts": "contact", "tickets": "ticket", "survey_answers": "survey"}

// maxDetailRows bounds one page of rows behind a chart.
const (
	defaultDetailRows = 200
	maxDetailRows     = 5000
)

// rowsResult is the JSON of /api/rows.
type rowsResult struct {
	Title     string            `json:"title"`
	Panel     string            `json:"panel"`
	Grain     string            `json:"grain"`
	From      string            `json:"from"`
	To        string            `json:"to"`
	Filters   map[string]string `json:"filters"`
	Ignored   []string          `json:"ignored,omitempty"`
	Columns   []string          `json:"columns"`
	Rows      [][]any           `json:"rows"`
	Limit     int               `json:"limit"`
	ElapsedMS int64             `json:"elapsed_ms"`
}

// grainOf is the grain whose rows stand behind panel p.
func (s *Server) grainOf(p dashboards.Panel) string {
	if len(p.Metrics) > 0 {
		if m, err := s.cfg.Registry.Get(p.Metrics[0]); err == nil {
			return m.Grain
		}
	}
	return detailsByRows[p.Detail]
}

// Rows runs the detail query of panel p: the view's range and filters,
// narrowed by the point's dimension values in point (day, week,
// hour_of_week, and any dimension of the grain).
func (s *Server) Rows(ctx context.Context, d dashboards.Dashboard, p dashboards.Panel, vw view, point url.Values, limit int) (*rowsResult, error) {
	t0 := time.Now()
	out := &rowsResult{Panel: p.Title, Filters: map[string]string{}, Rows: [][]any{}, Limit: limit}
	if p.Window > 0 {
		vw.From = vw.To.Add(-p.Window)
	}
	grain := s.grainOf(p)
	def, ok := details[grain]
	if !ok && p.Rows != "" {
		// A rows panel's own query, with more rows.
		rq, err := dashboards.Rows(p.Rows)
		if err != nil {
			return nil, err
		}
		res, err := rq.Run(ctx, s.cfg.Conn, dashboards.RowsArgs{From: vw.From, To: vw.To, Filters: vw.Filters, Limit: limit})
		if err != nil {
			return nil, err
		}
		out.Title, out.Grain, out.Columns, out.Rows = rq.Title, p.Detail, res.Columns, cleanRows(res.Rows)
		out.From, out.To = vw.From.Format(time.RFC3339), vw.To.Format(time.RFC3339)
		out.ElapsedMS = time.Since(t0).Milliseconds()
		return out, nil
	}
	if !ok {
		return nil, badRequest("panel %q has no rows behind it in ClickHouse", p.Title)
	}
	out.Title, out.Grain = def.title, grain
	filters := map[string][]string{}
	for k, v := range vw.Filters {
		filters[k] = v
	}
	var conds []string
	params := map[string]string{"tz": s.cfg.Zone.String(), "limit": strconv.Itoa(limit)}
	for key, vals := range point {
		if len(vals) == 0 || vals[0] == "" {
			continue
		}
		v := vals[0]
		switch key {
		case "day":
			t, err := time.ParseInLocation(time.DateOnly, v, s.cfg.Zone)
			if err != nil {
				return nil, badRequest("day %q: want 2026-11-02", v)
			}
			vw.From, vw.To = maxTime(vw.From, t), minTime(vw.To, t.AddDate(0, 0, 1))
			out.Filters["day"] = v
		case "week":
			f, t, err := metrics.ParseWeek(v, s.cfg.Zone)
			if err != nil {
				return nil, badRequest("week: %v", err)
			}
			vw.From, vw.To = maxTime(vw.From, f), minTime(vw.To, t)
			out.Filters["week"] = v
		case "hour_of_week":
			day, hour, err := parseHourOfWeek(v)
			if err != nil {
				return nil, err
			}
			conds = append(conds, fmt.Sprintf("toDayOfWeek(%s, 0, {tz:String}) = %d AND toHour(%s, {tz:String}) = %d", def.time, day, def.time, hour))
			out.Filters["hour_of_week"] = v
		default:
			if _, known := def.dims[key]; known {
				filters[key] = []string{v}
			} else if slicesContains(metrics.AllDimensions(), key) {
				out.Ignored = append(out.Ignored, key)
			}
		}
	}
	if !vw.From.Before(vw.To) {
		return nil, badRequest("the point lies outside the range")
	}
	dims := make([]string, 0, len(filters))
	for k := range filters {
		dims = append(dims, k)
	}
	sort.Strings(dims)
	for i, dim := range dims {
		expr, ok := def.dims[dim]
		if !ok {
			out.Ignored = append(out.Ignored, dim)
			continue
		}
		name := "f" + strconv.Itoa(i)
		params[name] = arrayLiteral(filters[dim])
		out.Filters[dim] = strings.Join(filters[dim], ",")
		if arr, isArr := strings.CutPrefix(expr, "has:"); isArr {
			conds = append(conds, "hasAny("+arr+", {"+name+":Array(String)})")
		} else {
			conds = append(conds, expr+" IN {"+name+":Array(String)}")
		}
	}
	params["from"] = vw.From.UTC().Format("2006-01-02 15:04:05.000")
	params["to"] = vw.To.UTC().Format("2006-01-02 15:04:05.000")
	where := fmt.Sprintf(rangeCond, def.time, def.time)
	for _, c := range conds {
		where += "\n  AND " + c
	}
	sql := "SELECT " + def.columns + "\nFROM " + def.from + "\nWHERE " + where + "\nORDER BY " + def.order + "\nLIMIT {limit:UInt32}"
	rows, err := s.cfg.Conn.Query(clickhouse.Context(ctx, clickhouse.WithParameters(params)), sql)
	if err != nil {
		return nil, fmt.Errorf("rows behind panel %q: %w", p.Title, err)
	}
	defer rows.Close()
	out.Columns = rows.Columns()
	targets := scanTargets(rows.ColumnTypes())
	for rows.Next() {
		if err := rows.Scan(targets...); err != nil {
			return nil, err
		}
		row := make([]any, len(targets))
		for i, t := range targets {
			row[i] = jsonSafe(derefValue(t))
		}
		out.Rows = append(out.Rows, row)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	out.From, out.To = vw.From.Format(time.RFC3339), vw.To.Format(time.RFC3339)
	sort.Strings(out.Ignored)
	out.ElapsedMS = time.Since(t0).Milliseconds()
	return out, nil
}

func (s *Server) apiRows(w http.ResponseWriter, r *http.Request) {
	d, p, err := s.panel(r.PathValue("uid"), r.PathValue("id"))
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	q := r.URL.Query()
	vw, err := s.parseView(q, d)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	limit := defaultDetailRows
	if l := q.Get("limit"); l != "" {
		if limit, err = strconv.Atoi(l); err != nil || limit < 1 || limit > maxDetailRows {
			s.writeError(w, r, badRequest("limit %q: want 1 to %d", l, maxDetailRows))
			return
		}
	}
	point := url.Values{}
	for k, v := range q {
		if k != "from" && k != "to" && k != "range" && k != "limit" && k != "format" && !isVariable(d, k) {
			point[k] = v
		}
	}
	release, err := s.acquire(r.Context())
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	res, err := s.Rows(r.Context(), d, p, vw, point, limit)
	release()
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	if q.Get("format") == "csv" {
		w.Header().Set("Content-Type", "text/csv; charset=utf-8")
		w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="%s-%d-rows.csv"`, d.UID, p.ID))
		cw := csv.NewWriter(w)
		_ = cw.Write(res.Columns)
		for _, row := range res.Rows {
			rec := make([]string, len(row))
			for i, v := range row {
				rec[i] = csvText(v)
			}
			_ = cw.Write(rec)
		}
		cw.Flush()
		return
	}
	writeJSON(w, http.StatusOK, res)
}

func isVariable(d dashboards.Dashboard, name string) bool {
	for _, v := range d.Variables {
		if v.Name == name {
			return true
		}
	}
	return false
}

func parseHourOfWeek(s string) (day, hour int, err error) {
	names := []string{"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"}
	name, h, ok := strings.Cut(strings.TrimSpace(s), " ")
	for i, n := range names {
		if ok && n == name {
			hour, err = strconv.Atoi(h)
			if err == nil && hour >= 0 && hour < 24 {
				return i + 1, hour, nil
			}
		}
	}
	return 0, 0, badRequest("hour_of_week %q: want e.g. Mon 10", s)
}

// arrayLiteral is a ClickHouse Array(String) in text form, for a parameter.
func arrayLiteral(vals []string) string {
	var b strings.Builder
	b.WriteByte('[')
	for i, v := range vals {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteByte('\'')
		for _, r := range v {
			switch r {
			case '\\', '\'':
				b.WriteByte('\\')
				b.WriteRune(r)
			case '\n':
				b.WriteString(`\n`)
			case '\t':
				b.WriteString(`\t`)
			case 0:
				b.WriteString(`\0`)
			default:
				b.WriteRune(r)
			}
		}
		b.WriteByte('\'')
	}
	b.WriteByte(']')
	return b.String()
}

func maxTime(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

func minTime(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}

func slicesContains(xs []string, x string) bool {
	for _, v := range xs {
		if v == x {
			return true
		}
	}
	return false
}
