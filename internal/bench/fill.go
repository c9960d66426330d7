package bench

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/ClickHouse/clickhouse-go/v2"
	"github.com/ClickHouse/clickhouse-go/v2/lib/driver"

	"github.com/voc-analytics/voc/internal/catalog"
)

// The fill writes synthetic events with INSERT ... SELECT FROM numbers() into
// the event tables that `voc run` writes (contact_events, messages,
// ticket_events, survey_events), so the schema's own materialized views build
// the entity tables exactly as they do in production. Every value is a
// function of the contact number (cityHash64 of it), so two databases filled
// with the same FillSpec hold the same data.
//
// Per contact: started; for app/web/wechat a bot hand-off; queued; 78%
// answered after 3-590 s (0-2 transfers, ended after 2-17 min), 7% of bot
// channels settled by the bot, 15% abandoned in the queue; 12 messages when
// answered (customer/agent alternating, a quarter of customer messages
// negative). 15% of contacts repeat an earlier contact of the same customer
// from the previous 3 days, 60% of those about the same category. 13% of
// answered contacts open a ticket (created, assigned, resolved after 1-6
// days, 10% reopened, 90% closed); 88% of the others get a survey, 30% of
// which are answered.

// FillSpec says what to generate.
type FillSpec struct {
	Contacts int       // total contacts
	Start    time.Time // first contact
	Days     int       // the contacts' starts spread over this many days
}

// population is the number of distinct customers: about three contacts each.
func (s FillSpec) population() int { return max(1, s.Contacts/3) }

// back is how many contacts earlier a repeat's original can be: 3 days' worth.
func (s FillSpec) back() int { return max(1, 3*s.Contacts/max(1, s.Days)) }

// End is the end of the generated history (the last contact's start).
func (s FillSpec) End() time.Time { return s.Start.Add(time.Duration(s.Days) * 24 * time.Hour) }

// contactBase derives one contact's attributes from its number.
const contactBase = `
SELECT
    number AS n,
    concat('c-', leftPad(toString(number), 10, '0')) AS cid,
    {start_ms:Int64} + toInt64(intDiv(number * {span_ms:UInt64}, {total:UInt64})) + toInt64(cityHash64(number, 1) % 60000) AS t0,
    cityHash64(number, 2) % 100 < 15 AND number > {back:UInt64} AS rep,
    number - (1 + cityHash64(number, 3) % {back:UInt64}) AS prev,
    cityHash64(if(rep, prev, number), 4) % {population:UInt64} AS cust_n,
    concat('u-', leftPad(toString(cust_n), 9, '0')) AS cust,
    cityHash64(if(rep AND cityHash64(number, 6) % 100 < 60, prev, number), 5) % length(cats) + 1 AS cat_i,
    cats[cat_i] AS cat,
    cat_topics[cat_i] AS topic,
    multiIf(cityHash64(number, 7) % 100 < 58, 'app', cityHash64(number, 7) % 100 < 90, 'phone',
            cityHash64(number, 7) % 100 < 93, 'web', cityHash64(number, 7) % 100 < 97, 'wechat',
            cityHash64(number, 7) % 100 < 99, 'community', 'email') AS channel,
    channel IN ('app', 'web', 'wechat') AS bot,
    multiIf(bot AND cityHash64(number, 8) % 100 < 7, 'bot', cityHash64(number, 8) % 100 < 15, 'abandon', 'answer') AS outcome,
    t0 + if(bot, 60000, if(channel = 'phone', 20000, 5000)) AS queued_ms,
    toInt64(3 + intDiv((cityHash64(number, 9) % 1000) * (cityHash64(number, 9) % 1000), 1700)) * 1000 AS wait_ms,
    queued_ms + wait_ms AS answered_ms,
    multiIf(cityHash64(number, 10) % 100 < 60, 0, cityHash64(number, 10) % 100 < 85, 1, 2) AS ntrans,
    cityHash64(number, 11) % 2 AS cross,
    toInt64(120 + cityHash64(number, 12) % 900) * 1000 AS handle_ms,
    multiIf(outcome = 'answer', answered_ms + handle_ms, outcome = 'bot', t0 + 180000, 0) AS ended_ms,
    queued_ms + intDiv(wait_ms, 2) AS abandon_ms,
    outcome = 'answer' AND cityHash64(number, 13) % 100 < 13 AS has_ticket,
    concat('team-', toString(cat_i % 8)) AS team,
    concat('a-', leftPad(toString(cityHash64(number, 15) % 800), 3, '0')) AS agent,
    models[cityHash64(cust_n, 16) % length(models) + 1] AS model,
    multiIf(cityHash64(cust_n, 17) % 10 = 0, ['vip'], cityHash64(cust_n, 17) % 10 = 1, ['elderly'], cityHash64(cust_n, 17) % 10 = 2, ['gamer'], []) AS tags,
    toUInt8(if(has(tags, 'vip'), 1 + cityHash64(cust_n, 18) % 3, 0)) AS vip,
    if(cityHash64(cust_n, 19) % 10 = 0, 'en', 'zh') AS lang
FROM numbers({first:UInt64}, {count:UInt64})`

func catalogArrays() string {
	var slugs, topics, models []string
	for _, c := range catalog.Categories {
		slugs = append(slugs, quote(c.Slug))
		topics = append(topics, quote(c.Topic))
	}
	for _, p := range catalog.Products {
		models = append(models, quote(p.Model))
	}
	return "WITH [" + strings.Join(slugs, ",") + "] AS cats, [" + strings.Join(topics, ",") + "] AS cat_topics, [" + strings.Join(models, ",") + "] AS models\n"
}

func quote(s string) string { return "'" + strings.ReplaceAll(s, "'", "\\'") + "'" }

var fillStatements = []struct{ table, sql string }{
	{"contact_events", `
INSERT INTO contact_events (event_id, event_type, schema_version, occurred_at, contact_id, customer_id, channel, customer_tags, vip_level, product_model, language, queue, agent_id, team, from_team, to_team, stage, resolved, service_category, ticket_id)
{{with}}
SELECT
    concat(cid, '-', toString(k)),
    ['contact.started', 'contact.bot_handoff', 'contact.queued', 'contact.agent_answered', 'contact.transferred', 'contact.transferred', 'contact.abandoned', 'contact.ended'][k],
    1,
    fromUnixTimestamp64Milli(multiIf(k = 1, t0, k = 2, t0 + 55000, k = 3, queued_ms, k = 4, answered_ms, k = 5, answered_ms + 60000,
                                     k = 6, answered_ms + 120000, k = 7, abandon_ms, ended_ms), 'Asia/Shanghai'),
    cid,
    if(k = 1, cust, ''), if(k = 1, channel, ''), if(k = 1, tags, []), if(k = 1, vip, 0), if(k IN (1, 8), model, ''), if(k = 1, lang, ''),
    if(k IN (2, 3), team, ''), if(k = 4, agent, ''), if(k = 4, team, ''),
    if(k IN (5, 6), team, ''), if(k IN (5, 6), if(cross = 1 AND k = 5, 'team-x', team), ''),
    if(k = 7, 'queue', ''),
    if(k = 8, toNullable(cityHash64(n, 20) % 100 < 70), NULL),
    if(k = 8, cat, ''),
    if(k = 8 AND has_ticket, concat('t-', leftPad(toString(n), 10, '0')), '')
FROM
(
    SELECT *, arrayFilter(x -> multiIf(x = 1, 1, x = 2, bot AND outcome != 'bot', x = 3, outcome != 'bot', x = 4, outcome = 'answer',
                                       x = 5, outcome = 'answer' AND ntrans >= 1, x = 6, outcome = 'answer' AND ntrans >= 2,
                                       x = 7, outcome = 'abandon', x = 8, outcome != 'abandon', 0), [1, 2, 3, 4, 5, 6, 7, 8]) AS ks
    FROM (` + contactBase + `)
)
ARRAY JOIN ks AS k`},
	{"messages", `
INSERT INTO messages (event_id, message_id, contact_id, occurred_at, sender, agent_id, text, lang, sentiment_score, sentiment_label, keywords, topics)
{{with}}
SELECT
    concat(cid, '-m', toString(i + 1)),
    concat('m', toString(i + 1)),
    cid,
    fromUnixTimestamp64Milli(t0 + 10000 + toInt64(i) * if(outcome = 'answer', intDiv(wait_ms + handle_ms, 12), 20000), 'Asia/Shanghai'),
    multiIf(bot AND i = 0, 'bot', i % 2 = 1, 'customer', outcome = 'answer', 'agent', 'bot') AS sender,
    if(sender = 'agent', agent, ''),
    multiIf(sender = 'bot', '欢迎咨询，请输入您的问题',
            sender = 'agent', ['您好，请问有什么可以帮您', '请您重启一下电视再试试', '已经为您登记，师傅会联系您', '抱歉让您久等了'][cityHash64(n, i, 21) % 4 + 1],
            label = 'neg', ['遥控器没反应，很失望', '等了半天没人理', '还是不行，太麻烦了', '修了三次还是坏的'][cityHash64(n, i, 21) % 4 + 1],
            label = 'pos', ['好了，谢谢', '师傅很专业，点赞', '问题解决了，谢谢'][cityHash64(n, i, 21) % 3 + 1],
            ['我的电视开机黑屏', '请问什么时候上门', '怎么连接WiFi', '投屏连不上'][cityHash64(n, i, 21) % 4 + 1]),
    lang,
    toFloat32(multiIf(label = 'neg', -0.3 - (cityHash64(n, i, 22) % 60) / 100, label = 'pos', 0.3 + (cityHash64(n, i, 22) % 60) / 100, 0)),
    if(sender = 'customer', multiIf(cityHash64(n, i, 20) % 100 < 25, 'neg', cityHash64(n, i, 20) % 100 < 70, 'neu', 'pos'), 'neu') AS label,
    [],
    if(sender = 'customer' AND i = 1, [topic], [])
FROM
(
    SELECT *, multiIf(outcome = 'answer', 12, outcome = 'bot', 4, bot, 2, 0) AS nmsg
    FROM (` + contactBase + `)
)
ARRAY JOIN range(nmsg) AS i`},
	{"ticket_events", `
INSERT INTO ticket_events (event_id, event_type, schema_version, occurred_at, ticket_id, category, priority, product_model, customer_id, contact_id, channel, service_category, title, text, agent_id, team)
{{with}}
SELECT
    concat(tid, '-', toString(k)),
    ['ticket.created', 'ticket.assigned', 'ticket.resolved', 'ticket.reopened', 'ticket.resolved', 'ticket.closed'][k],
    1,
    fromUnixTimestamp64Milli(multiIf(k = 1, ended_ms, k = 2, ended_ms + 1800000, k = 3, resolved_ms, k = 4, resolved_ms + 86400000,
                                     k = 5, resolved_ms + 2 * 86400000, if(reopened, resolved_ms + 3 * 86400000, resolved_ms + 86400000)), 'Asia/Shanghai'),
    tid,
    if(k = 1, ['repair', 'installation', 'complaint', 'consultation'][cityHash64(n, 23) % 4 + 1], ''),
    if(k = 1, 'normal', ''),
    if(k = 1, model, ''), if(k = 1, cust, ''), if(k = 1, cid, ''), if(k = 1, channel, ''), if(k = 1, cat, ''),
    if(k = 1, '客户报修', ''), if(k = 1, '客户反映电视有问题，需要上门', ''),
    if(k = 2, agent, ''), if(k = 2, team, '')
FROM
(
    SELECT *, concat('t-', leftPad(toString(n), 10, '0')) AS tid,
        ended_ms + toInt64(1 + cityHash64(n, 24) % 6) * 86400000 AS resolved_ms,
        cityHash64(n, 25) % 100 < 10 AS reopened,
        cityHash64(n, 26) % 100 < 90 AS closed,
        arrayFilter(x -> multiIf(x <= 3, 1, x IN (4, 5), reopened, x = 6, closed, 0), [1, 2, 3, 4, 5, 6]) AS ks
    FROM (` + contactBase + `)
    WHERE has_ticket
)
ARRAY JOIN ks AS k`},
	{"survey_events", `
INSERT INTO survey_events (event_id, event_type, schema_version, occurred_at, survey_id, contact_id, customer_id, channel, csat, likes32, nps, solved, comment, sentiment_score, sentiment_label)
{{with}}
SELECT
    concat(sid, '-', toString(k)),
    ['survey.sent', 'survey.answered'][k],
    1,
    fromUnixTimestamp64Milli(if(k = 1, ended_ms + 60000, ended_ms + 60000 + toInt64(cityHash64(n, 27) % 7200) * 1000), 'Asia/Shanghai'),
    sid,
    if(k = 1, cid, ''), if(k = 1, cust, ''), if(k = 1, channel, ''),
    if(k = 2, toNullable(toUInt8(1 + cityHash64(n, 28) % 5)), NULL),
    if(k = 2, toNullable(toInt8([-1, 0, 1, 32][cityHash64(n, 29) % 4 + 1])), NULL),
    if(k = 2, toNullable(toUInt8(cityHash64(n, 30) % 11)), NULL),
    if(k = 2, toNullable(cityHash64(n, 31) % 100 < 65), NULL),
    if(k = 2 AND cityHash64(n, 32) % 2 = 0, ['服务很好', '等太久了', '问题没解决'][cityHash64(n, 33) % 3 + 1], ''),
    toFloat32(0), ''
FROM
(
    SELECT *, concat('s-', leftPad(toString(n), 10, '0')) AS sid,
        arrayFilter(x -> x = 1 OR cityHash64(n, 34) % 100 < 30, [1, 2]) AS ks
    FROM (` + contactBase + `)
    WHERE outcome != 'abandon' AND NOT has_ticket AND cityHash64(n, 35) % 100 < 88
)
ARRAY JOIN ks AS k`},
}

// fillChunk writes the events of contacts [first, first+count) into db.
func fillChunk(ctx context.Context, conn driver.Conn, db string, spec FillSpec, first, count int) error {
	params := clickhouse.Parameters{
		"start_ms":   strconv.FormatInt(spec.Start.UnixMilli(), 10),
		"span_ms":    strconv.FormatInt(int64(spec.Days)*86400000, 10),
		"total":      strconv.Itoa(spec.Contacts),
		"population": strconv.Itoa(spec.population()),
		"back":       strconv.Itoa(spec.back()),
		"first":      strconv.Itoa(first),
		"count":      strconv.Itoa(count),
	}
	qctx := clickhouse.Context(ctx, clickhouse.WithParameters(params), clickhouse.WithSettings(clickhouse.Settings{
		"max_execution_time":              0,
		"max_partitions_per_insert_block": 1000,
	}))
	with := catalogArrays()
	for _, st := range fillStatements {
		q := strings.Replace(st.sql, "INSERT INTO "+st.table, "INSERT INTO "+db+"."+st.table, 1)
		q = strings.Replace(q, "{{with}}", with, 1)
		if err := conn.Exec(qctx, q); err != nil {
			return fmt.Errorf("fill %s.%s, contacts %d-%d: %w", db, st.table, first, first+count-1, err)
		}
	}
	return nil
}
