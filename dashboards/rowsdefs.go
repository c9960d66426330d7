package dashboards

import "time"

// The rows queries. Each reads the analyst views (contacts, survey_answers,
// suggestion_posts) or the event tables, never computes a metric (those are
// the registry's), and says in its Description what one row is.
//
// Pipeline freshness and ingest delay read ClickHouse's own ingest
// timestamps: every event table has ingested_at (when voc wrote the row,
// DEFAULT now64(3)), and occurred_at (when it happened at the source). To
// stay cheap on a billion rows at a 10 s refresh they read only the newest
// data parts of each table (system.parts, ordered by modification time):
// every insert writes a new part, so the newest parts hold the newest rows.
var rowsQueries = []RowsQuery{
	{
		Name:        "quotes",
		Title:       "Customer quotes",
		Description: "Customer messages in the range, most negative first, personal data already redacted by the pipeline (phone, ID, card, e-mail and address placeholders). A message belongs to a topic through its contact's service category (as in the metrics). Filtered by topic, channel and product model.",
		Limit:       50,
		Detail:      "messages",
		Units:       map[string]string{"sentiment": UnitScore},
		SQL: `SELECT m.occurred_at AS time, c.contact_channel AS channel, c.contact_model AS product_model, c.contact_topic AS topic,
       round(m.sentiment_score, 2) AS sentiment, m.text AS quote
FROM messages AS m FINAL
INNER JOIN
(
    SELECT cc.contact_id AS contact_id, cc.channel AS contact_channel, cc.product_model AS contact_model, toString(sc.topic) AS contact_topic
    FROM contacts AS cc
    LEFT JOIN service_categories AS sc ON sc.slug = cc.service_category
    WHERE cc.started_at >= $from - INTERVAL 1 DAY AND cc.started_at < $to
      AND $in(channel, cc.channel) AND $in(product_model, cc.product_model) AND $in(topic, sc.topic)
) AS c ON c.contact_id = m.contact_id
WHERE m.sender = 'customer' AND m.occurred_at >= $from AND m.occurred_at < $to
ORDER BY m.sentiment_score ASC, m.occurred_at DESC
LIMIT $limit`,
	},
	{
		Name:        "suggestions_newest",
		Title:       "Newest suggestions",
		Description: "Employee suggestion posts of the range, newest first, with their endorsements, comments and status so far. Filtered by topic.",
		Limit:       30,
		Detail:      "suggestion_posts",
		Units:       map[string]string{"endorsements": UnitCount},
		SQL: `SELECT posted_at AS time, title, department, status, endorsements, comments, arrayStringConcat(topics, ', ') AS issue_topics
FROM suggestion_posts
WHERE posted_at >= $from AND posted_at < $to AND $has(topic, topics)
ORDER BY posted_at DESC, post_id
LIMIT $limit`,
	},
	{
		Name:        "suggestions_for_top_issues",
		Title:       "Suggestions linked to this week's top issues",
		Description: "Employee suggestion posts of the range whose issue topics (text analytics of the post) include one of the top issues of the 7 days that end at the range end (the top_issues metric), most endorsed first, with the top-issue topics they address.",
		Limit:       30,
		Detail:      "suggestion_posts",
		Embed:       &Embed{Metric: "top_issues", Window: 7 * 24 * time.Hour},
		Units:       map[string]string{"endorsements": UnitCount},
		SQL: `SELECT p.title AS title, arrayStringConcat(arrayIntersect(p.topics, top.topics), ', ') AS top_issues_addressed,
       p.endorsements AS endorsements, p.comments AS comments, p.status AS status, p.department AS department, p.posted_at AS time
FROM suggestion_posts AS p
CROSS JOIN (SELECT groupArray(topic) AS topics FROM $embed) AS top
WHERE p.posted_at >= $from AND p.posted_at < $to AND hasAny(p.topics, top.topics) AND $has(topic, p.topics)
ORDER BY p.endorsements DESC, p.posted_at DESC, p.post_id
LIMIT $limit`,
	},
	{
		Name:        "freshness",
		Title:       "Pipeline freshness by stream",
		Description: "Per stream: when voc last wrote a row to ClickHouse (ingested_at), the newest event time stored (occurred_at), and how many seconds each is behind now. A stalled consumer shows as a growing 'seconds since last write'; replayed history shows as a large event age with a recent write.",
		Detail:      "event tables",
		Units:       map[string]string{"seconds_since_last_write": UnitSeconds, "newest_event_age_seconds": UnitSeconds},
		SQL: `SELECT stream, last_write_at, newest_event_at,
       dateDiff('millisecond', last_write_at, now64(3)) / 1000.0 AS seconds_since_last_write,
       dateDiff('millisecond', newest_event_at, now64(3)) / 1000.0 AS newest_event_age_seconds
FROM
(
    SELECT 'chats and calls' AS stream, max(ingested_at) AS last_write_at, max(occurred_at) AS newest_event_at
    FROM contact_events WHERE _part IN (SELECT name FROM system.parts WHERE database = currentDatabase() AND table = 'contact_events' AND active ORDER BY modification_time DESC LIMIT 3)
    UNION ALL
    SELECT 'messages', max(ingested_at), max(occurred_at)
    FROM messages WHERE _part IN (SELECT name FROM system.parts WHERE database = currentDatabase() AND table = 'messages' AND active ORDER BY modification_time DESC LIMIT 3)
    UNION ALL
    SELECT 'tickets', max(ingested_at), max(occurred_at)
    FROM ticket_events WHERE _part IN (SELECT name FROM system.parts WHERE database = currentDatabase() AND table = 'ticket_events' AND active ORDER BY modification_time DESC LIMIT 3)
    UNION ALL
    SELECT 'surveys', max(ingested_at), max(occurred_at)
    FROM survey_events WHERE _part IN (SELECT name FROM system.parts WHERE database = currentDatabase() AND table = 'survey_events' AND active ORDER BY modification_time DESC LIMIT 3)
    UNION ALL
    SELECT 'suggestions', max(ingested_at), max(occurred_at)
    FROM suggestion_events WHERE _part IN (SELECT name FROM system.parts WHERE database = currentDatabase() AND table = 'suggestion_events' AND active ORDER BY modification_time DESC LIMIT 3)
)
ORDER BY stream`,
	},
	{
		Name:        "freshness_summary",
		Title:       "Seconds since voc last wrote to ClickHouse",
		Description: "Seconds between now and the newest row voc wrote to any event table (ingested_at). It stays within a few seconds while events flow and grows when the pipeline stalls.",
		Detail:      "event tables",
		Units:       map[string]string{"seconds_since_last_write": UnitSeconds},
		SQL: `SELECT dateDiff('millisecond', max(last_write_at), now64(3)) / 1000.0 AS seconds_since_last_write
FROM
(
    SELECT max(ingested_at) AS last_write_at
    FROM contact_events WHERE _part IN (SELECT name FROM system.parts WHERE database = currentDatabase() AND table = 'contact_events' AND active ORDER BY modification_time DESC LIMIT 3)
    UNION ALL
    SELECT max(ingested_at) FROM messages WHERE _part IN (SELECT name FROM system.parts WHERE database = currentDatabase() AND table = 'messages' AND active ORDER BY modification_time DESC LIMIT 3)
    UNION ALL
    SELECT max(ingested_at) FROM ticket_events WHERE _part IN (SELECT name FROM system.parts WHERE database = currentDatabase() AND table = 'ticket_events' AND active ORDER BY modification_time DESC LIMIT 3)
    UNION ALL
    SELECT max(ingested_at) FROM survey_events WHERE _part IN (SELECT name FROM system.parts WHERE database = currentDatabase() AND table = 'survey_events' AND active ORDER BY modification_time DESC LIMIT 3)
    UNION ALL
    SELECT max(ingested_at) FROM suggestion_events WHERE _part IN (SELECT name FROM system.parts WHERE database = currentDatabase() AND table = 'suggestion_events' AND active ORDER BY modification_time DESC LIMIT 3)
)`,
	},
	{
		Name:        "ingest_delay",
		Title:       "Ingest delay by stream (last 15 min)",
		Description: "For the rows voc wrote in the last 15 minutes: how long after the event happened it reached ClickHouse (ingested_at - occurred_at), median and 90th percentile, per stream. This is consumer lag in seconds: it grows when voc run falls behind the topics, and is near zero when it keeps up with live traffic.",
		Detail:      "event tables",
		Units:       map[string]string{"delay_p50_seconds": UnitSeconds, "delay_p90_seconds": UnitSeconds},
		SQL: `SELECT stream, count() AS rows_written,
       quantile(0.5)(delay) AS delay_p50_seconds, quantile(0.9)(delay) AS delay_p90_seconds
FROM
(
    SELECT 'chats and calls' AS stream, dateDiff('millisecond', occurred_at, ingested_at) / 1000.0 AS delay
    FROM contact_events WHERE ingested_at >= now() - INTERVAL 15 MINUTE
      AND _part IN (SELECT name FROM system.parts WHERE database = currentDatabase() AND table = 'contact_events' AND active AND modification_time >= now() - INTERVAL 15 MINUTE)
    UNION ALL
    SELECT 'messages', dateDiff('millisecond', occurred_at, ingested_at) / 1000.0
    FROM messages WHERE ingested_at >= now() - INTERVAL 15 MINUTE
      AND _part IN (SELECT name FROM system.parts WHERE database = currentDatabase() AND table = 'messages' AND active AND modification_time >= now() - INTERVAL 15 MINUTE)
    UNION ALL
    SELECT 'tickets', dateDiff('millisecond', occurred_at, ingested_at) / 1000.0
    FROM ticket_events WHERE ingested_at >= now() - INTERVAL 15 MINUTE
      AND _part IN (SELECT name FROM system.parts WHERE database = currentDatabase() AND table = 'ticket_events' AND active AND modification_time >= now() - INTERVAL 15 MINUTE)
    UNION ALL
    SELECT 'surveys', dateDiff('millisecond', occurred_at, ingested_at) / 1000.0
    FROM survey_events WHERE ingested_at >= now() - INTERVAL 15 MINUTE
      AND _part IN (SELECT name FROM system.parts WHERE database = currentDatabase() AND table = 'survey_events' AND active AND modification_time >= now() - INTERVAL 15 MINUTE)
    UNION ALL
    SELECT 'suggestions', dateDiff('millisecond', occurred_at, ingested_at) / 1000.0
    FROM suggestion_events WHERE ingested_at >= now() - INTERVAL 15 MINUTE
      AND _part IN (SELECT name FROM system.parts WHERE database = currentDatabase() AND table = 'suggestion_events' AND active AND modification_time >= now() - INTERVAL 15 MINUTE)
)
GROUP BY stream
ORDER BY stream`,
	},
	{
		Name:        "topics",
		Title:       "Issue topics",
		Description: "The issue topics of the catalog (issue_topics), in display order: the values of the topic variable (value = topic id, text = English and Chinese names).",
		Detail:      "issue topics",
		SQL: `SELECT topic AS value, concat(name_en, ' · ', name_zh) AS text
FROM issue_topics
ORDER BY position, topic`,
	},
	{
		Name:        "product_models",
		Title:       "Product models",
		Description: "Product models customers contacted about in the range (values of the product model variable).",
		Detail:      "contact events",
		SQL: `SELECT DISTINCT toString(product_model) AS value
FROM contact_events
WHERE occurred_at >= $from AND occurred_at < $to AND event_type = 'contact.started' AND product_model != ''
ORDER BY value`,
	},
}
