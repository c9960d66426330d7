package report

import "time"

// Report is one week's top-issues report: the value every format (HTML,
// Markdown, JSON) is rendered from. Its JSON form has exactly the top-level
// keys week, range, headline, top_issues, emerging and suggestions.
type Report struct {
	Week        string       `json:"week"` // ISO week, e.g. "2026-W46"
	Range       Range        `json:"range"`
	Headline    []Headline   `json:"headline"`
	TopIssues   []TopIssue   `json:"top_issues"`
	Emerging    []Emerging   `json:"emerging"`
	Suggestions []Suggestion `json:"suggestions"`

	// Rendering context, not part of the JSON document.
	Lang   string               `json:"-"` // zh | en
	Method EmergingConfig       `json:"-"` // the emerging-issue test and its thresholds
	Tested int                  `json:"-"` // items the emerging test looked at
	Links  func(q Quote) string `json:"-"` // URL of a quote's contact or ticket; nil: none
}

// Range is the report's half-open time range [From, To) in Zone.
type Range struct {
	From     time.Time `json:"from"`
	To       time.Time `json:"to"`
	Zone     string    `json:"zone"`
	Previous string    `json:"previous_week"`  // the week changes are measured against
	Baseline []string  `json:"baseline_weeks"` // the weeks the emerging test compares with, oldest first
}

// Headline is one headline figure with its change against the previous week.
type Headline struct {
	Metric    string   `json:"metric"` // registry name
	Title     string   `json:"title"`
	Unit      string   `json:"unit"`      // ratio | seconds | count | score | nps | index
	Direction string   `json:"direction"` // higher | lower | none: which way is better
	Value     *float64 `json:"value"`     // null: no data this week
	Previous  *float64 `json:"previous"`
	Change    *float64 `json:"change"`     // value - previous
	ChangePct *float64 `json:"change_pct"` // change / previous
	Trend     string   `json:"trend"`      // up | down | flat | unknown
	Verdict   string   `json:"verdict"`    // good | bad | neutral: the trend read with the direction
	Target    *float64 `json:"target,omitempty"`
	// PendingUntil is when a figure that waits for the repeat window (FCR)
	// will be known, while it is not yet: "2026-11-23".
	PendingUntil string `json:"pending_until,omitempty"`
}

// TopIssue is one of the week's top issue topics by contacts.
type TopIssue struct {
	Rank          int         `json:"rank"`
	Topic         string      `json:"topic"`
	Title         string      `json:"title"`
	Contacts      float64     `json:"contacts"`
	Share         float64     `json:"share"` // of all contacts of the week with a topic
	Previous      float64     `json:"previous"`
	Change        float64     `json:"change"`
	ChangePct     *float64    `json:"change_pct"` // null when the topic had no contacts the week before
	Weekly        []WeekCount `json:"weekly"`     // the last 4 weeks, oldest first, this week last
	NegativeShare *float64    `json:"negative_share"`
	Sentiment     *float64    `json:"sentiment"`
	FCR           *float64    `json:"fcr"`
	RepeatRate    *float64    `json:"repeat_rate"`
	Categories    []Count     `json:"categories"`
	Models        []Count     `json:"models"`
	Channels      []Count     `json:"channels"`
	Quotes        []Quote     `json:"quotes"`
	Suggestions   []string    `json:"suggestions"` // ids of matching posts, in the report's suggestions
}

// WeekCount is one point of a sparkline.
type WeekCount struct {
	Week     string  `json:"week"`
	Contacts float64 `json:"contacts"`
}

// Count is a breakdown entry (category, model or channel) of a topic.
type Count struct {
	Name     string  `json:"name"`
	Title    string  `json:"title"`
	Contacts float64 `json:"contacts"`
	Share    float64 `json:"share"` // of the topic's contacts
}

// Quote is a redacted customer text with where it came from.
type Quote struct {
	Source     string    `json:"source"`  // contact | ticket | survey
	ID         string    `json:"id"`      // contact or ticket id (a survey comment gives the contact or ticket it was about)
	IDKind     string    `json:"id_kind"` // contact | ticket: what ID is
	Text       string    `json:"text"`    // redacted at ingestion; never the raw text
	Lang       string    `json:"lang"`
	Sentiment  float64   `json:"sentiment"`
	Channel    string    `json:"channel,omitempty"`
	Model      string    `json:"model,omitempty"`
	At         time.Time `json:"at"`
	Typicality float64   `json:"typicality"` // cosine similarity to the group's keyword centroid
}

// Emerging is an item whose frequency this week rose significantly against
// the baseline weeks (see EmergingConfig for the test).
type Emerging struct {
	Kind          string   `json:"kind"` // topic | category | model | term
	Name          string   `json:"name"`
	Model         string   `json:"model,omitempty"` // kind model: the product model; kind category: the model with most of its contacts this week, if more than half
	Topic         string   `json:"topic,omitempty"` // kind model: the topic; kind category: the category's topic
	Title         string   `json:"title"`
	Count         int64    `json:"count"`          // this week
	Baseline      float64  `json:"baseline"`       // expected this week at the baseline rate (exposure-adjusted)
	BaselineCount int64    `json:"baseline_count"` // observed over the baseline weeks together
	Ratio         *float64 `json:"ratio"`          // rate ratio; null when the item is new (no baseline count)
	Score         float64  `json:"score"`          // -log10(p)
	PValue        float64  `json:"p_value"`
	QValue        float64  `json:"q_value"` // Benjamini-Hochberg adjusted
	Examples      []Quote  `json:"examples"`
}

// Suggestion is an employee suggestion post that matches a top issue.
type Suggestion struct {
	ID           string    `json:"id"`
	Title        string    `json:"title"`
	Excerpt      string    `json:"excerpt"`
	Department   string    `json:"department"`
	PostedAt     time.Time `json:"posted_at"`
	Endorsements int64     `json:"endorsements"`
	Comments     int64     `json:"comments"`
	Status       string    `json:"status"`
	Topics       []string  `json:"topics"` // the report's topics it matches
	Match        string    `json:"match"`  // topic (tag or text-analytics topic) | keywords
}
