package report

import (
	"fmt"
	"strings"
	"time"

	"github.com/ClickHouse/clickhouse-go/v2"

	"github.com/voc-analytics/voc/sentiment"
)

// The rows the report quotes and matches: texts and suggestion posts, not
// numbers (every number comes from the metric registry). Texts are the
// redacted ones stored at ingestion; the raw texts never reach ClickHouse.

const (
	groupTopic = KindTopic
)

// firstCustomerMessage is each contact's first customer message of the range
// (the customer's own description of the problem).
const firstCustomerMessage = `
    SELECT contact_id,
        argMin(text, (occurred_at, message_id)) AS text,
        argMin(toString(lang), (occurred_at, message_id)) AS lang,
        argMin(sentiment_score, (occurred_at, message_id)) AS score,
        min(occurred_at) AS at,
        argMin(keywords, (occurred_at, message_id)) AS keywords
    FROM messages FINAL
    WHERE sender = 'customer' AND occurred_at >= {from:DateTime64(3, 'UTC')} AND occurred_at < {to:DateTime64(3, 'UTC')} + INTERVAL 1 DAY
    GROUP BY contact_id`

// candidate queries by group kind; {g} is the group expression of a contact (c, sc).
var contactCandidates = `
    SELECT {g} AS g, 'contact' AS source, 'contact' AS id_kind, c.contact_id AS id, fm.text AS text, fm.lang AS lang, toFloat64(fm.score) AS sentiment,
        c.channel AS channel, c.product_model AS model, fm.at AS at, fm.keywords AS keywords
    FROM contacts AS c
    LEFT JOIN service_categories AS sc ON sc.slug = c.service_category
    INNER JOIN (` + firstCustomerMessage + `) AS fm ON fm.contact_id = c.contact_id
    WHERE c.started_at >= {from:DateTime64(3, 'UTC')} AND c.started_at < {to:DateTime64(3, 'UTC')} AND g IN {groups:Array(String)}`

// Tickets not opened from a contact and survey comments count towards a
// topic in top_issues, so they are quoted for topics too.
var topicExtraCandidates = `
    UNION ALL
    SELECT toString(sc.topic) AS g, 'ticket' AS source, 'ticket' AS id_kind, t.ticket_id AS id, te.text AS text, te.lang AS lang, toFloat64(te.score) AS sentiment,
        t.channel AS channel, t.product_model AS model, te.at AS at, te.keywords AS keywords
    FROM tickets AS t
    INNER JOIN service_categories AS sc ON sc.slug = t.service_category
    INNER JOIN (
        SELECT ticket_id, argMin(text, occurred_at) AS text, argMin(toString(lang), occurred_at) AS lang,
            argMin(sentiment_score, occurred_at) AS score, min(occurred_at) AS at, argMin(keywords, occurred_at) AS keywords
        FROM ticket_events FINAL
        WHERE event_type = 'ticket.created' AND occurred_at >= {from:DateTime64(3, 'UTC')} AND occurred_at < {to:DateTime64(3, 'UTC')}
        GROUP BY ticket_id
    ) AS te ON te.ticket_id = t.ticket_id
    WHERE t.contact_id = '' AND t.created_at >= {from:DateTime64(3, 'UTC')} AND t.created_at < {to:DateTime64(3, 'UTC')} AND g IN {groups:Array(String)}
    UNION ALL
    SELECT g, 'survey' AS source, if(s.contact_id != '', 'contact', 'ticket') AS id_kind, if(s.contact_id != '', s.contact_id, s.ticket_id) AS id, s.comment AS text, se.lang AS lang,
        toFloat64(coalesce(s.comment_sentiment, 0)) AS sentiment, s.channel AS channel, '' AS model, s.answered_at AS at, se.keywords AS keywords
    FROM survey_answers AS s
    ARRAY JOIN s.topics AS g
    INNER JOIN (
        SELECT survey_id, any(toString(lang)) AS lang, any(keywords) AS keywords
        FROM survey_events FINAL
        WHERE event_type = 'survey.answered' AND occurred_at >= {from:DateTime64(3, 'UTC')} AND occurred_at < {to:DateTime64(3, 'UTC')} + INTERVAL 30 DAY
        GROUP BY survey_id
    ) AS se ON se.survey_id = s.survey_id
    WHERE s.sent_at >= {from:DateTime64(3, 'UTC')} AND s.sent_at < {to:DateTime64(3, 'UTC')} AND s.comment != '' AND g IN {groups:Array(String)}`

var termCandidates = `
    SELECT g, 'contact' AS source, 'contact' AS id_kind, m.contact_id AS id, m.text AS text, toString(m.lang) AS lang, toFloat64(m.sentiment_score) AS sentiment,
        c.channel AS channel, c.product_model AS model, m.occurred_at AS at, m.keywords AS keywords
    FROM
    (
        SELECT contact_id, message_id, text, lang, sentiment_score, occurred_at, keywords
        FROM messages FINAL
        WHERE sender = 'customer' AND occurred_at >= {from:DateTime64(3, 'UTC')} AND occurred_at < {to:DateTime64(3, 'UTC')}
          AND hasAny(keywords, {groups:Array(String)})
    ) AS m
    ARRAY JOIN arrayFilter(k -> has({groups:Array(String)}, k), m.keywords) AS g
    LEFT JOIN contacts AS c ON c.contact_id = m.contact_id
    ORDER BY g, m.contact_id, m.occurred_at, m.message_id
    LIMIT 1 BY g, m.contact_id`

// candidates returns up to candidatesPer texts per group of kind in
// [from, to), sampled deterministically by a hash of their id.
func (b *builder) candidates(kind string, from, to time.Time, groups []string) (map[string][]Candidate, error) {
	out := map[string][]Candidate{}
	if len(groups) == 0 {
		return out, nil
	}
	var inner string
	switch kind {
	case KindTopic:
		inner = strings.ReplaceAll(contactCandidates, "{g}", "toString(sc.topic)") + topicExtraCandidates
	case KindCategory:
		inner = strings.ReplaceAll(contactCandidates, "{g}", "c.service_category")
	case KindModel:
		inner = strings.ReplaceAll(contactCandidates, "{g}", "concat(c.product_model, '|', toString(sc.topic))")
	case KindTerm:
		inner = termCandidates
	default:
		return nil, fmt.Errorf("quote candidates: unknown group kind %q", kind)
	}
	q := "SELECT g, source, id_kind, id, text, lang, sentiment, channel, model, at, keywords FROM (" + inner + "\n)\nWHERE text != ''\n" +
		"ORDER BY g, cityHash64(id, text), id\nLIMIT " + fmt.Sprint(candidatesPer) + " BY g"
	params := clickhouse.Parameters{"from": chTime(from), "to": chTime(to), "groups": arrayLiteral(groups)}
	rows, err := b.conn.Query(clickhouse.Context(b.ctx, clickhouse.WithParameters(params)), q)
	if err != nil {
		return nil, fmt.Errorf("weekly report %s: read %s quote candidates: %w", b.opt.Week, kind, err)
	}
	defer rows.Close()
	for rows.Next() {
		var g string
		var c Candidate
		if err := rows.Scan(&g, &c.Source, &c.IDKind, &c.ID, &c.Text, &c.Lang, &c.Sentiment, &c.Channel, &c.Model, &c.At, &c.Keywords); err != nil {
			return nil, fmt.Errorf("weekly report %s: read a %s quote candidate: %w", b.opt.Week, kind, err)
		}
		// Stored texts are redacted at ingestion; redacting again keeps data
		// ingested with --enrich none (or by an older redactor) out of the report.
		c.Text, _ = sentiment.Redact(c.Text)
		c.At = c.At.In(b.opt.Week.Zone)
		c.Sentiment = round(c.Sentiment, 3)
		out[g] = append(out[g], c)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("weekly report %s: read %s quote candidates: %w", b.opt.Week, kind, err)
	}
	return out, nil
}

// postsAsOf are the suggestion posts of the 8 weeks up to the report
// week's end, with endorsements, comments and status as they stood then,
// so that a past week's report stays the same.
const postsAsOf = `
SELECT post_id,
    argMinIf(title, occurred_at, event_type = 'suggestion.posted') AS title,
    argMinIf(text, occurred_at, event_type = 'suggestion.posted') AS body,
    anyIf(toString(department), event_type = 'suggestion.posted') AS department,
    arrayDistinct(arrayMap(x -> toString(x), groupArrayArrayIf(tags, event_type = 'suggestion.posted'))) AS tags,
    arrayDistinct(arrayMap(x -> toString(x), groupArrayArrayIf(topics, event_type = 'suggestion.posted'))) AS topics,
    arrayDistinct(groupArrayArrayIf(keywords, event_type = 'suggestion.posted')) AS keywords,
    minIf(occurred_at, event_type = 'suggestion.posted') AS posted_at,
    toInt64(uniqExactIf(voter_id, event_type = 'suggestion.endorsed')) AS endorsements,
    toInt64(uniqExactIf(comment_id, event_type = 'suggestion.commented')) AS comments,
    if(countIf(event_type = 'suggestion.status_changed') = 0, 'open',
       argMaxIf(toString(to_status), (occurred_at, event_id), event_type = 'suggestion.status_changed')) AS status
FROM suggestion_events FINAL
WHERE occurred_at < {to:DateTime64(3, 'UTC')}
GROUP BY post_id
HAVING countIf(event_type = 'suggestion.posted') > 0 AND posted_at >= {from:DateTime64(3, 'UTC')}
ORDER BY post_id`

func (b *builder) posts(w Week) ([]Post, error) {
	params := clickhouse.Parameters{"from": chTime(w.Add(-7).Start()), "to": chTime(w.End())}
	rows, err := b.conn.Query(clickhouse.Context(b.ctx, clickhouse.WithParameters(params)), postsAsOf)
	if err != nil {
		return nil, fmt.Errorf("weekly report %s: read suggestion posts: %w", b.opt.Week, err)
	}
	defer rows.Close()
	var out []Post
	for rows.Next() {
		var p Post
		if err := rows.Scan(&p.ID, &p.Title, &p.Body, &p.Department, &p.Tags, &p.Topics, &p.Keywords, &p.PostedAt, &p.Endorsements, &p.Comments, &p.Status); err != nil {
			return nil, fmt.Errorf("weekly report %s: read a suggestion post: %w", b.opt.Week, err)
		}
		p.Title, _ = sentiment.Redact(p.Title)
		p.Body, _ = sentiment.Redact(p.Body)
		p.PostedAt = p.PostedAt.In(b.opt.Week.Zone)
		out = append(out, p)
	}
	return out, rows.Err()
}

func chTime(t time.Time) string { return t.UTC().Format("2006-01-02 15:04:05.000") }

func arrayLiteral(vals []string) string {
	parts := make([]string, len(vals))
	for i, v := range vals {
		v = strings.ReplaceAll(v, `\`, `\\`)
		v = strings.ReplaceAll(v, `'`, `\'`)
		parts[i] = "'" + v + "'"
	}
	return "[" + strings.Join(parts, ",") + "]"
}
