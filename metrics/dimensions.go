package metrics

import (
	"fmt"
	"sort"
)

// A grain is what one row under a metric is (a contact, a ticket ...): the
// alias its SQL gives that row, its time expression, and the dimensions it
// can be grouped by. Dimension SQL uses {time} for the grain's time
// expression and reads columns of the row alias; a dimension that needs
// another table names a join, added to {{joins}} once when asked for.
type grain struct {
	alias string
	time  string // e.g. "c.started_at"
	dims  map[string]dimension
	joins []join // in the order they are added
}

type join struct{ name, sql string }

type dimension struct {
	expr   string   // SQL giving the value as a String
	sort   string   // optional SQL to order by (min(sort) per group); default: the value
	joins  []string // names of the joins in grain.joins it needs
	filter string   // optional filter SQL with {p} for the Array(String) parameter; default: expr IN {p}
	doc    string
}

func (g grain) names() []string {
	out := make([]string, 0, len(g.dims))
	for n := range g.dims {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

func grainNames() []string {
	out := make([]string, 0, len(grains))
	for n := range grains {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

// Dimension docs, for docs/metrics.md and error messages.
var dimensionDocs = map[string]string{
	"day":              "calendar day in the query zone, 2026-11-02",
	"week":             "ISO week in the query zone, 2026-W45",
	"hour_of_week":     "weekday and hour in the query zone, Mon 10 (ordered Monday 00 to Sunday 23)",
	"channel":          "app | web | phone | wechat | community | email",
	"product_model":    "product model, e.g. E8N 65",
	"service_category": "one of the 115 service categories (service_categories.slug)",
	"topic":            "issue topic of the service category (service_categories.topic)",
	"team":             "team of the first agent who answered (contacts) or of the last assignee (tickets)",
	"agent":            "first agent who answered (contacts) or last assignee (tickets)",
	"customer_tag":     "a customer tag (vip, elderly, gamer ...); a contact with several tags counts under each, one without under \"\"",
	"ticket_category":  "repair | installation | complaint | consultation",
	"priority":         "low | normal | high | urgent",
	"escalation_level": "highest escalation level reached: 0 none, 1 agent, 2 supervisor, 3 executive",
	"department":       "department of the employee who posted",
	"status":           "current status of the suggestion post",
	"age":              "age of an open ticket at the end of the range (or now, if earlier): 0-1d | 1-3d | 3-5d | 5d+",
	"post":             "suggestion post id",
	"title":            "suggestion post title",
	"term":             "a keyword of a customer message (text analytics); a message counts under each of its keywords",
}

// DimensionDoc says what a dimension's values are.
func DimensionDoc(name string) string { return dimensionDocs[name] }

// timeDims are the calendar dimensions every grain has, on its time expression.
func timeDims() map[string]dimension {
	return map[string]dimension{
		"day":  {expr: "toString(toDate({time}, {tz:String}))"},
		"week": {expr: "concat(toString(toISOYear(toDate({time}, {tz:String}))), '-W', leftPad(toString(toISOWeek(toDate({time}, {tz:String}))), 2, '0'))"},
		"hour_of_week": {
			expr: "concat(arrayElement(['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'], toDayOfWeek({time}, 0, {tz:String})), ' ', leftPad(toString(toHour({time}, {tz:String})), 2, '0'))",
			sort: "toDayOfWeek({time}, 0, {tz:String}) * 24 + toHour({time}, {tz:String})",
		},
	}
}

func with(base map[string]dimension, more map[string]dimension) map[string]dimension {
	for k, v := range more {
		base[k] = v
	}
	return base
}

// The contact-level dimensions, for any grain that reaches a contact row
// through alias a (c itself, or a joined contact).
func contactDims(a string, joins ...string) map[string]dimension {
	d := map[string]dimension{
		"channel":          {expr: a + ".channel", joins: joins},
		"product_model":    {expr: a + ".product_model", joins: joins},
		"service_category": {expr: a + ".service_category", joins: joins},
		"customer_tag": {expr: "arrayJoin(if(empty(" + a + ".customer_tags), [''], " + a + ".customer_tags))", joins: joins,
			filter: "hasAny(if(empty(" + a + ".customer_tags), [''], " + a + ".customer_tags), {p})"},
	}
	return d
}

const (
	contactTopicJoin = "LEFT JOIN service_categories AS dim_sc ON dim_sc.slug = %s.service_category"
	// The first answering agent of each contact in range, from the events
	// (the contacts view keeps only the count of agents).
	contactAgentJoin = `LEFT JOIN (
    SELECT contact_id, argMin(agent_id, occurred_at) AS first_agent, argMin(toString(team), occurred_at) AS first_team
    FROM contact_events
    WHERE event_type = 'contact.agent_answered' AND agent_id != ''
      AND occurred_at >= {from:DateTime64(3, 'UTC')} AND occurred_at < {to:DateTime64(3, 'UTC')} + INTERVAL 7 DAY
    GROUP BY contact_id
) AS dim_ag ON dim_ag.contact_id = %s.contact_id`
	// The contact a survey or message is about, for its contact dimensions.
	contactOfJoin = `LEFT JOIN (
    SELECT contact_id, channel, product_model, service_category, customer_tags
    FROM contacts
    WHERE started_at >= {from:DateTime64(3, 'UTC')} - INTERVAL %d DAY AND started_at < {to:DateTime64(3, 'UTC')}
) AS dim_c ON dim_c.contact_id = %s.contact_id`
	// The last assignee of each ticket.
	ticketAgentJoin = `LEFT JOIN (
    SELECT ticket_id, argMax(agent_id, occurred_at) AS last_agent, argMax(toString(team), occurred_at) AS last_team
    FROM ticket_events
    WHERE event_type = 'ticket.assigned' AND agent_id != ''
      AND occurred_at >= {from:DateTime64(3, 'UTC')}
    GROUP BY ticket_id
) AS dim_ta ON dim_ta.ticket_id = t.ticket_id`
)

// ageHours is an open ticket's age at the end of the range or now, whichever is earlier.
const ageHours = "dateDiff('hour', t.created_at, least({to:DateTime64(3, 'UTC')}, {now:DateTime64(3, 'UTC')}))"

var grains = map[string]grain{
	"contact": {
		alias: "c", time: "c.started_at",
		dims: with(with(timeDims(), contactDims("c", "")), map[string]dimension{
			"topic": {expr: "dim_sc.topic", joins: []string{"topic"}},
			"team":  {expr: "dim_ag.first_team", joins: []string{"agent"}},
			"agent": {expr: "dim_ag.first_agent", joins: []string{"agent"}},
		}),
		joins: []join{
			{"topic", fmt.Sprintf(contactTopicJoin, "c")},
			{"agent", fmt.Sprintf(contactAgentJoin, "c")},
		},
	},
	"ticket": {
		alias: "t", time: "t.created_at",
		dims: with(timeDims(), map[string]dimension{
			"channel":          {expr: "t.channel"},
			"product_model":    {expr: "t.product_model"},
			"service_category": {expr: "t.service_category"},
			"topic":            {expr: "dim_sc.topic", joins: []string{"topic"}},
			"team":             {expr: "dim_ta.last_team", joins: []string{"agent"}},
			"agent":            {expr: "dim_ta.last_agent", joins: []string{"agent"}},
			"ticket_category":  {expr: "t.category"},
			"priority":         {expr: "t.priority"},
			"escalation_level": {expr: "toString(t.max_escalation_level)"},
			"age": {
				expr: "multiIf(" + ageHours + " < 24, '0-1d', " + ageHours + " < 72, '1-3d', " + ageHours + " < 120, '3-5d', '5d+')",
				sort: ageHours,
			},
		}),
		joins: []join{
			{"topic", fmt.Sprintf(contactTopicJoin, "t")},
			{"agent", ticketAgentJoin},
		},
	},
	"survey": {
		alias: "s", time: "s.sent_at",
		dims: with(with(timeDims(), contactDims("dim_c", "contact")), map[string]dimension{
			"channel": {expr: "s.channel"},
			"topic":   {expr: "dim_sc.topic", joins: []string{"contact", "topic"}},
		}),
		joins: []join{
			{"contact", fmt.Sprintf(contactOfJoin, 30, "s")},
			{"topic", fmt.Sprintf(contactTopicJoin, "dim_c")},
		},
	},
	"message": {
		alias: "m", time: "m.occurred_at",
		dims: with(with(timeDims(), contactDims("dim_c", "contact")), map[string]dimension{
			"topic": {expr: "dim_sc.topic", joins: []string{"contact", "topic"}},
			"term":  {expr: "arrayJoin(m.keywords)", filter: "hasAny(m.keywords, {p})"},
		}),
		joins: []join{
			{"contact", fmt.Sprintf(contactOfJoin, 7, "m")},
			{"topic", fmt.Sprintf(contactTopicJoin, "dim_c")},
		},
	},
	"post": {
		alias: "p", time: "p.posted_at",
		dims: with(timeDims(), map[string]dimension{
			"department": {expr: "p.department"},
			"post":       {expr: "p.post_id"},
			"title":      {expr: "p.title"},
			"status":     {expr: "p.status"},
			"topic": {expr: "arrayJoin(if(empty(p.topics), [''], p.topics))",
				filter: "hasAny(if(empty(p.topics), [''], p.topics), {p})"},
		}),
	},
}
