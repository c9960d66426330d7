package web

import (
	"bytes"
	"embed"
	"errors"
	"html/template"
	"net/http"
	"regexp"
	"strings"
	"time"

	"github.com/voc-analytics/voc/dashboards"
	"github.com/voc-analytics/voc/metrics"
)

//go:embed templates
var templateFS embed.FS

var pages = template.Must(template.New("").Funcs(template.FuncMap{"asset": assetURL}).ParseFS(templateFS, "templates/*.html"))

type navItem struct{ UID, Short string }

// pageData is what every page template gets.
type pageData struct {
	Title      string
	Current    string
	Nav        []navItem
	Dashboards []dashboards.Dashboard
	UID        string
	Dashboard  dashboards.Dashboard
	Panel      dashboards.Panel
	PanelID    int
	User       string
	RowLimit   int
	Weeks      []string
	Available  bool
	Zone       string
	Week       string // the report asked for
	Error      string // why it cannot be shown
}

func (s *Server) page(title, current string) pageData {
	p := pageData{Title: title, Current: current, Dashboards: s.cfg.Dashboards, RowLimit: s.cfg.SQLRowLimit, Zone: s.cfg.Zone.String()}
	for _, d := range s.cfg.Dashboards {
		short := d.Title
		if i := strings.Index(short, "·"); i >= 0 {
			short = strings.TrimSpace(short[i+len("·"):])
		}
		if i := strings.Index(short, " ("); i >= 0 {
			short = short[:i]
		}
		p.Nav = append(p.Nav, navItem{UID: d.UID, Short: short})
	}
	return p
}

func (s *Server) render(w http.ResponseWriter, r *http.Request, name string, data pageData) {
	s.renderStatus(w, r, http.StatusOK, name, data)
}

func (s *Server) renderStatus(w http.ResponseWriter, r *http.Request, code int, name string, data pageData) {
	var b bytes.Buffer
	if err := pages.ExecuteTemplate(&b, name, data); err != nil {
		s.cfg.Log.Error("render page", "page", name, "err", err)
		http.Error(w, "page failed to render (logged)", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-cache")
	w.WriteHeader(code)
	_, _ = w.Write(b.Bytes())
}

func (s *Server) notFound(w http.ResponseWriter, r *http.Request, err error) {
	code, body := errorStatus(err)
	http.Error(w, body.Error, code)
}

func (s *Server) pageIndex(w http.ResponseWriter, r *http.Request) {
	s.render(w, r, "index.html", s.page("Home", ""))
}

func (s *Server) pageDashboard(w http.ResponseWriter, r *http.Request) {
	d, err := s.dashboard(r.PathValue("uid"))
	if err != nil {
		s.notFound(w, r, err)
		return
	}
	p := s.page(d.Title, d.UID)
	p.UID, p.Dashboard = d.UID, d
	s.render(w, r, "dashboard.html", p)
}

func (s *Server) pageRows(w http.ResponseWriter, r *http.Request) {
	d, panel, err := s.panel(r.PathValue("uid"), r.PathValue("id"))
	if err != nil {
		s.notFound(w, r, err)
		return
	}
	p := s.page("Rows: "+panel.Title, d.UID)
	p.UID, p.Dashboard, p.Panel, p.PanelID = d.UID, d, panel, panel.ID
	s.render(w, r, "rows.html", p)
}

func (s *Server) pageSQL(w http.ResponseWriter, r *http.Request) {
	p := s.page("SQL", "sql")
	p.User, _ = CheckReadOnly(r.Context(), s.cfg.Conn)
	s.render(w, r, "sql.html", p)
}

// weeksShown is how many past weeks the reports page lists.
const weeksShown = 12

func (s *Server) pageReports(w http.ResponseWriter, r *http.Request) {
	s.render(w, r, "reports.html", s.reportsPage())
}

// reportsPage lists the last weeksShown complete weeks, latest first.
func (s *Server) reportsPage() pageData {
	p := s.page("Weekly report", "reports")
	p.Available = s.cfg.Reports != nil
	t := s.cfg.Now().In(s.cfg.Zone)
	for i := 0; i < weeksShown; i++ {
		t = t.AddDate(0, 0, -7)
		p.Weeks = append(p.Weeks, metrics.WeekOf(t, s.cfg.Zone))
	}
	return p
}

var weekRe = regexp.MustCompile(`^[0-9]{4}-W[0-9]{2}$`)

// latestWeek is the last complete week in the server's zone, what
// /reports/latest and /api/reports/latest answer.
func (s *Server) latestWeek() string {
	return metrics.WeekOf(s.cfg.Now().In(s.cfg.Zone).AddDate(0, 0, -7), s.cfg.Zone)
}

// noReport is a week without a report: a 404 whose message says why.
type noReport struct{ err error }

func (e noReport) Error() string        { return e.err.Error() }
func (e noReport) Unwrap() error        { return e.err }
func (e noReport) Is(target error) bool { return target == errNotFound }

func (s *Server) report(w http.ResponseWriter, r *http.Request, format string) {
	week := r.PathValue("week")
	if week == "latest" {
		u := strings.TrimSuffix(r.URL.Path, "latest") + s.latestWeek()
		if r.URL.RawQuery != "" {
			u += "?" + r.URL.RawQuery
		}
		w.Header().Set("Cache-Control", "no-cache")
		http.Redirect(w, r, u, http.StatusFound)
		return
	}
	if !weekRe.MatchString(week) {
		s.writeError(w, r, badRequest("week %q: want an ISO week like 2026-W46 (or latest)", week))
		return
	}
	if s.cfg.Reports == nil {
		s.writeError(w, r, errors.New("the weekly report is not available in this build of voc serve"))
		return
	}
	var b bytes.Buffer
	if err := s.cfg.Reports.Render(r.Context(), &b, week, format); err != nil {
		if errors.Is(err, ErrNoReport) {
			err = noReport{err}
		}
		if format == "html" {
			code, body := errorStatus(err)
			if code >= 500 {
				s.cfg.Log.Error("request failed", "path", r.URL.Path, "err", err)
			}
			p := s.reportsPage()
			p.Title, p.Week, p.Error = "Weekly report "+week, week, body.Error
			s.renderStatus(w, r, code, "reports.html", p)
			return
		}
		s.writeError(w, r, err)
		return
	}
	switch format {
	case "html":
		// The report is a self-contained page with its own inline styles.
		w.Header().Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'none'")
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
	case "json":
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
	default:
		w.Header().Set("Content-Type", "text/markdown; charset=utf-8")
	}
	w.Header().Set("Cache-Control", "private, max-age=60")
	w.Header().Set("Last-Modified", time.Now().UTC().Format(http.TimeFormat))
	_, _ = w.Write(b.Bytes())
}

func (s *Server) pageReport(w http.ResponseWriter, r *http.Request) {
	format := "html"
	if r.URL.Query().Get("format") == "md" {
		format = "md"
	}
	s.report(w, r, format)
}

func (s *Server) apiReport(w http.ResponseWriter, r *http.Request) { s.report(w, r, "json") }
