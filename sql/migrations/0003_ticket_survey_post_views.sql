-- Entity tables for tickets, surveys and suggestion posts, built like
-- contacts_agg (idempotent aggregates, read through views with FINAL).

CREATE TABLE IF NOT EXISTS tickets_agg
(
    ticket_id          String COMMENT 'Ticket id.',
    category           SimpleAggregateFunction(max, String) COMMENT 'Ticket category.',
    priority           SimpleAggregateFunction(max, String) COMMENT 'Priority.',
    product_model      SimpleAggregateFunction(max, String) COMMENT 'Product model.',
    customer_id        SimpleAggregateFunction(max, String) COMMENT 'Customer id.',
    contact_id         SimpleAggregateFunction(max, String) COMMENT 'Contact that opened it.',
    channel            SimpleAggregateFunction(max, String) COMMENT 'Channel.',
    service_category   SimpleAggregateFunction(max, String) COMMENT 'Service category.',
    title              SimpleAggregateFunction(max, String) COMMENT 'Title.',
    first_event_at     SimpleAggregateFunction(min, DateTime64(3, 'Asia/Shanghai')) COMMENT 'Earliest event.',
    last_event_at      SimpleAggregateFunction(max, DateTime64(3, 'Asia/Shanghai')) COMMENT 'Latest event.',
    created_at         SimpleAggregateFunction(min, Nullable(DateTime64(3, 'Asia/Shanghai'))) COMMENT 'ticket.created time.',
    first_assigned_at  SimpleAggregateFunction(min, Nullable(DateTime64(3, 'Asia/Shanghai'))) COMMENT 'First assignment.',
    first_resolved_at  SimpleAggregateFunction(min, Nullable(DateTime64(3, 'Asia/Shanghai'))) COMMENT 'First resolution.',
    last_resolved_at   SimpleAggregateFunction(max, Nullable(DateTime64(3, 'Asia/Shanghai'))) COMMENT 'Last resolution.',
    closed_at          SimpleAggregateFunction(max, Nullable(DateTime64(3, 'Asia/Shanghai'))) COMMENT 'Close time.',
    first_escalated_at SimpleAggregateFunction(min, Nullable(DateTime64(3, 'Asia/Shanghai'))) COMMENT 'First escalation.',
    max_level          SimpleAggregateFunction(max, UInt8) COMMENT 'Highest escalation level.',
    assignee_ids       SimpleAggregateFunction(groupUniqArrayArray, Array(String)) COMMENT 'Assignees.',
    reopen_event_ids   SimpleAggregateFunction(groupUniqArrayArray, Array(String)) COMMENT 'Reopen events.',
    comment_ids        SimpleAggregateFunction(groupUniqArrayArray, Array(String)) COMMENT 'Comments.',
    status             AggregateFunction(argMax, String, Tuple(DateTime64(3, 'Asia/Shanghai'), String)) COMMENT 'Latest status.'
)
ENGINE = AggregatingMergeTree
ORDER BY ticket_id
COMMENT 'Per-ticket aggregate states; read the tickets view instead.';

CREATE MATERIALIZED VIEW IF NOT EXISTS tickets_from_events TO tickets_agg AS
SELECT
    ticket_id,
    max(toString(category)) AS category,
    max(toString(priority)) AS priority,
    max(toString(product_model)) AS product_model,
    max(customer_id) AS customer_id,
    max(contact_id) AS contact_id,
    max(toString(channel)) AS channel,
    max(toString(service_category)) AS service_category,
    max(title) AS title,
    min(occurred_at) AS first_event_at,
    max(occurred_at) AS last_event_at,
    minIf(toNullable(occurred_at), event_type = 'ticket.created') AS created_at,
    minIf(toNullable(occurred_at), event_type = 'ticket.assigned') AS first_assigned_at,
    minIf(toNullable(occurred_at), event_type = 'ticket.resolved') AS first_resolved_at,
    maxIf(toNullable(occurred_at), event_type = 'ticket.resolved') AS last_resolved_at,
    maxIf(toNullable(occurred_at), event_type = 'ticket.closed') AS closed_at,
    minIf(toNullable(occurred_at), event_type = 'ticket.escalated') AS first_escalated_at,
    max(level) AS max_level,
    groupUniqArrayIf(agent_id, event_type = 'ticket.assigned' AND agent_id != '') AS assignee_ids,
    groupUniqArrayIf(event_id, event_type = 'ticket.reopened') AS reopen_event_ids,
    groupUniqArrayIf(comment_id, event_type = 'ticket.commented') AS comment_ids,
    argMaxState(status_now, (if(status_now = '', toDateTime64(0, 3, 'Asia/Shanghai'), occurred_at), event_id)) AS status
FROM
(
    SELECT *, multiIf(
        event_type = 'ticket.created', 'new',
        event_type = 'ticket.assigned', 'assigned',
        event_type = 'ticket.status_changed', toString(to_status),
        event_type = 'ticket.resolved', 'resolved',
        event_type = 'ticket.reopened', 'reopened',
        event_type = 'ticket.closed', 'closed',
        '') AS status_now
    FROM ticket_events
)
GROUP BY ticket_id;

CREATE VIEW IF NOT EXISTS tickets
(
    ticket_id String COMMENT 'Ticket id.',
    category String COMMENT 'repair | installation | complaint | consultation.',
    priority String COMMENT 'low | normal | high | urgent.',
    product_model String COMMENT 'Product model.',
    customer_id String COMMENT 'Customer id.',
    contact_id String COMMENT 'Contact that opened the ticket, if any.',
    channel String COMMENT 'Channel the ticket came from.',
    service_category String COMMENT 'One of the 115 service categories.',
    title String COMMENT 'Title, redacted.',
    created_at DateTime64(3, 'Asia/Shanghai') COMMENT 'Creation time (first event if ticket.created is missing).',
    first_assigned_at Nullable(DateTime64(3, 'Asia/Shanghai')) COMMENT 'First assignment.',
    first_resolved_at Nullable(DateTime64(3, 'Asia/Shanghai')) COMMENT 'First resolution.',
    resolved_at Nullable(DateTime64(3, 'Asia/Shanghai')) COMMENT 'Last resolution (after any reopen).',
    closed_at Nullable(DateTime64(3, 'Asia/Shanghai')) COMMENT 'Close time.',
    status String COMMENT 'Current status: new | assigned | in_progress | waiting_customer | resolved | reopened | closed.',
    max_escalation_level UInt8 COMMENT '0 none, 1 agent, 2 supervisor, 3 executive.',
    first_escalated_at Nullable(DateTime64(3, 'Asia/Shanghai')) COMMENT 'First escalation.',
    assignees UInt32 COMMENT 'Distinct assignees.',
    reopens UInt32 COMMENT 'Times reopened.',
    comments UInt32 COMMENT 'Comments on the ticket.',
    sla_hours UInt16 COMMENT 'Closure SLA: 72 h for complaints, 120 h (5 days) for other tickets.',
    sla_deadline DateTime64(3, 'Asia/Shanghai') COMMENT 'created_at + sla_hours.',
    done_at Nullable(DateTime64(3, 'Asia/Shanghai')) COMMENT 'When the ticket was last resolved or closed, whichever is earlier; NULL while open.',
    resolution_hours Nullable(Float64) COMMENT 'Hours from creation to done_at.',
    sla_breached UInt8 COMMENT '1 if done after the deadline, or still open past it (as of query time).'
)
AS SELECT
    ticket_id, category, priority, product_model, customer_id, contact_id, channel, service_category, title,
    coalesce(created_at, first_event_at) AS created_at,
    first_assigned_at, first_resolved_at,
    last_resolved_at AS resolved_at,
    closed_at,
    finalizeAggregation(status) AS status,
    max_level AS max_escalation_level,
    first_escalated_at,
    toUInt32(length(assignee_ids)) AS assignees,
    toUInt32(length(reopen_event_ids)) AS reopens,
    toUInt32(length(comment_ids)) AS comments,
    toUInt16(if(category = 'complaint', 72, 120)) AS sla_hours,
    coalesce(created_at, first_event_at) + toIntervalHour(if(category = 'complaint', 72, 120)) AS sla_deadline,
    if(status IN ('resolved', 'closed'), least(coalesce(last_resolved_at, closed_at), coalesce(closed_at, last_resolved_at)), NULL) AS done_at,
    if(done_at IS NULL, NULL, dateDiff('second', coalesce(created_at, first_event_at), done_at) / 3600.0) AS resolution_hours,
    toUInt8(coalesce(done_at, now64(3)) > sla_deadline) AS sla_breached
FROM tickets_agg FINAL
COMMENT 'One row per ticket: lifecycle times, current status, escalation, reopens and the 5-day/3-day closure SLA.';

CREATE TABLE IF NOT EXISTS surveys_agg
(
    survey_id     String COMMENT 'Survey id.',
    contact_id    SimpleAggregateFunction(max, String) COMMENT 'Contact surveyed.',
    ticket_id     SimpleAggregateFunction(max, String) COMMENT 'Ticket surveyed.',
    customer_id   SimpleAggregateFunction(max, String) COMMENT 'Customer.',
    channel       SimpleAggregateFunction(max, String) COMMENT 'Channel.',
    sent_at       SimpleAggregateFunction(min, Nullable(DateTime64(3, 'Asia/Shanghai'))) COMMENT 'Sent time.',
    answered_at   SimpleAggregateFunction(min, Nullable(DateTime64(3, 'Asia/Shanghai'))) COMMENT 'Answer time.',
    csat          SimpleAggregateFunction(max, Nullable(UInt8)) COMMENT 'CSAT.',
    likes32       SimpleAggregateFunction(max, Nullable(Int8)) COMMENT '32 likes.',
    nps           SimpleAggregateFunction(max, Nullable(UInt8)) COMMENT 'NPS.',
    solved        SimpleAggregateFunction(max, Nullable(UInt8)) COMMENT 'Solved.',
    comment       SimpleAggregateFunction(max, String) COMMENT 'Comment.',
    comment_sentiment SimpleAggregateFunction(max, Nullable(Float32)) COMMENT 'Comment sentiment.',
    comment_label SimpleAggregateFunction(max, String) COMMENT 'Comment label.',
    topics        SimpleAggregateFunction(groupUniqArrayArray, Array(String)) COMMENT 'Comment topics.'
)
ENGINE = AggregatingMergeTree
ORDER BY survey_id
COMMENT 'Per-survey aggregate states; read the survey_answers view instead.';

CREATE MATERIALIZED VIEW IF NOT EXISTS surveys_from_events TO surveys_agg AS
SELECT
    survey_id,
    max(contact_id) AS contact_id,
    max(ticket_id) AS ticket_id,
    max(customer_id) AS customer_id,
    max(toString(channel)) AS channel,
    minIf(toNullable(occurred_at), event_type = 'survey.sent') AS sent_at,
    minIf(toNullable(occurred_at), event_type = 'survey.answered') AS answered_at,
    max(csat) AS csat,
    max(likes32) AS likes32,
    max(nps) AS nps,
    max(toNullable(toUInt8(solved))) AS solved,
    max(comment) AS comment,
    maxIf(toNullable(sentiment_score), sentiment_label != '') AS comment_sentiment,
    max(toString(sentiment_label)) AS comment_label,
    groupUniqArrayArray(arrayMap(x -> toString(x), topics)) AS topics
FROM survey_events
GROUP BY survey_id;

CREATE VIEW IF NOT EXISTS survey_answers
(
    survey_id String COMMENT 'Survey id.',
    contact_id String COMMENT 'Contact the survey asked about (empty for ticket surveys).',
    ticket_id String COMMENT 'Ticket the survey asked about (empty for contact surveys).',
    customer_id String COMMENT 'Customer.',
    channel String COMMENT 'Channel the survey was sent on.',
    sent_at Nullable(DateTime64(3, 'Asia/Shanghai')) COMMENT 'When it was sent.',
    answered_at DateTime64(3, 'Asia/Shanghai') COMMENT 'When it was answered.',
    csat Nullable(UInt8) COMMENT '1-5 stars; below 3 triggers a follow-up call.',
    satisfied Nullable(UInt8) COMMENT '1 if csat >= 4 (satisfied or very satisfied).',
    likes32 Nullable(Int8) COMMENT '"32 likes": -1 dissatisfied, 0 neutral, 1 satisfied, 32 very satisfied.',
    nps Nullable(UInt8) COMMENT '0-10 likelihood to recommend.',
    nps_group String COMMENT 'promoter (9-10) | passive (7-8) | detractor (0-6) | empty.',
    solved Nullable(UInt8) COMMENT 'Customer says the problem was solved (survey-reported FCR).',
    comment String COMMENT 'Free-text comment, redacted.',
    comment_sentiment Nullable(Float32) COMMENT 'Sentiment of the comment in [-1, 1].',
    comment_label String COMMENT 'neg | neu | pos.',
    topics Array(String) COMMENT 'Issue topics of the comment.'
)
AS SELECT
    survey_id, contact_id, ticket_id, customer_id, channel, sent_at,
    assumeNotNull(answered_at) AS answered_at,
    csat,
    if(csat IS NULL, NULL, toUInt8(csat >= 4)) AS satisfied,
    likes32, nps,
    multiIf(nps IS NULL, '', nps >= 9, 'promoter', nps >= 7, 'passive', 'detractor') AS nps_group,
    solved, comment, comment_sentiment, comment_label, topics
FROM surveys_agg FINAL
WHERE answered_at IS NOT NULL
COMMENT 'One row per answered survey (sent-only surveys are in survey_events): CSAT, 32 likes, NPS, solved?, comment sentiment.';

CREATE TABLE IF NOT EXISTS suggestions_agg
(
    post_id        String COMMENT 'Post id.',
    author_id      SimpleAggregateFunction(max, String) COMMENT 'Author.',
    department     SimpleAggregateFunction(max, String) COMMENT 'Department.',
    title          SimpleAggregateFunction(max, String) COMMENT 'Title.',
    body           SimpleAggregateFunction(max, String) COMMENT 'Body.',
    tags           SimpleAggregateFunction(groupUniqArrayArray, Array(String)) COMMENT 'Tags.',
    topics         SimpleAggregateFunction(groupUniqArrayArray, Array(String)) COMMENT 'Topics of the post.',
    sentiment      SimpleAggregateFunction(max, Nullable(Float32)) COMMENT 'Post sentiment.',
    posted_at      SimpleAggregateFunction(min, Nullable(DateTime64(3, 'Asia/Shanghai'))) COMMENT 'Posted.',
    first_event_at SimpleAggregateFunction(min, DateTime64(3, 'Asia/Shanghai')) COMMENT 'Earliest event.',
    voter_ids      SimpleAggregateFunction(groupUniqArrayArray, Array(String)) COMMENT 'Endorsers.',
    comment_ids    SimpleAggregateFunction(groupUniqArrayArray, Array(String)) COMMENT 'Comments.',
    status         AggregateFunction(argMax, String, Tuple(DateTime64(3, 'Asia/Shanghai'), String)) COMMENT 'Latest status.'
)
ENGINE = AggregatingMergeTree
ORDER BY post_id
COMMENT 'Per-post aggregate states; read the suggestion_posts view instead.';

CREATE MATERIALIZED VIEW IF NOT EXISTS suggestions_from_events TO suggestions_agg AS
SELECT
    post_id,
    maxIf(author_id, event_type = 'suggestion.posted') AS author_id,
    max(toString(department)) AS department,
    max(title) AS title,
    maxIf(text, event_type = 'suggestion.posted') AS body,
    groupUniqArrayArray(arrayMap(x -> toString(x), tags)) AS tags,
    groupUniqArrayArrayIf(arrayMap(x -> toString(x), topics), event_type = 'suggestion.posted') AS topics,
    maxIf(toNullable(sentiment_score), event_type = 'suggestion.posted') AS sentiment,
    minIf(toNullable(occurred_at), event_type = 'suggestion.posted') AS posted_at,
    min(occurred_at) AS first_event_at,
    groupUniqArrayIf(voter_id, event_type = 'suggestion.endorsed') AS voter_ids,
    groupUniqArrayIf(comment_id, event_type = 'suggestion.commented') AS comment_ids,
    argMaxState(status_now, (if(status_now = '', toDateTime64(0, 3, 'Asia/Shanghai'), occurred_at), event_id)) AS status
FROM
(
    SELECT *, multiIf(event_type = 'suggestion.posted', 'open',
                      event_type = 'suggestion.status_changed', toString(to_status), '') AS status_now
    FROM suggestion_events
)
GROUP BY post_id;

CREATE VIEW IF NOT EXISTS suggestion_posts
(
    post_id String COMMENT 'Post id.',
    author_id String COMMENT 'Employee who posted.',
    department String COMMENT 'Department of the author.',
    title String COMMENT 'Title, redacted.',
    body String COMMENT 'Body, redacted.',
    tags Array(String) COMMENT 'Tags given by the author.',
    topics Array(String) COMMENT 'Issue topics the post is about (text analytics).',
    sentiment Nullable(Float32) COMMENT 'Sentiment of the post.',
    posted_at DateTime64(3, 'Asia/Shanghai') COMMENT 'When it was posted.',
    endorsements UInt32 COMMENT 'Distinct colleagues who endorsed it.',
    comments UInt32 COMMENT 'Comments on it.',
    status String COMMENT 'open | under_review | adopted | rejected | implemented.'
)
AS SELECT
    post_id, author_id, department, title, body, tags, topics, sentiment,
    coalesce(posted_at, first_event_at) AS posted_at,
    toUInt32(length(voter_ids)) AS endorsements,
    toUInt32(length(comment_ids)) AS comments,
    finalizeAggregation(status) AS status
FROM suggestions_agg FINAL
COMMENT 'One row per employee suggestion post: endorsements, comments and status.';

CREATE VIEW IF NOT EXISTS suggestion_votes
(
    post_id String COMMENT 'Post endorsed.',
    voter_id String COMMENT 'Employee who endorsed.',
    endorsed_at DateTime64(3, 'Asia/Shanghai') COMMENT 'When.'
)
AS SELECT post_id, voter_id, min(occurred_at) AS endorsed_at
FROM suggestion_events
WHERE event_type = 'suggestion.endorsed'
GROUP BY post_id, voter_id
COMMENT 'One row per endorsement (a colleague endorses a post at most once).';

CREATE VIEW IF NOT EXISTS suggestion_comments
(
    post_id String COMMENT 'Post commented on.',
    comment_id String COMMENT 'Comment id.',
    author_id String COMMENT 'Employee who commented.',
    commented_at DateTime64(3, 'Asia/Shanghai') COMMENT 'When.',
    text String COMMENT 'Comment, redacted.',
    sentiment_score Float32 COMMENT 'Sentiment of the comment.',
    sentiment_label String COMMENT 'neg | neu | pos.'
)
AS SELECT post_id, comment_id, author_id, occurred_at AS commented_at, text, sentiment_score, toString(sentiment_label) AS sentiment_label
FROM suggestion_events FINAL
WHERE event_type = 'suggestion.commented'
COMMENT 'One row per comment on a suggestion post.';
