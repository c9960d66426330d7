-- Tickets at scale, as contacts in 0010: a closed ticket is sealed into
-- tickets_sealed (by month of creation, ordered by created_at) once nothing was
-- written for it for seal_settings.ticket_grace_seconds (3 days, so that a
-- reopen soon after closing still counts), or once nothing was written for it
-- for ticket_stale_seconds (30 days) whatever its status. The tickets view is
-- tickets_sealed plus the pending tickets (tickets_hot, the open ones' merged
-- state rebuilt every minute, merged with the live rows written since),
-- exact at every moment; seal rounds are published by the snapshot exactly as
-- contacts' are (a round's marker row lands last in tickets_sealed_ids). A
-- late event for a sealed ticket stays in ticket_events and changes nothing.
--
-- The view gains topic (of the service category) and last_agent_id/last_team
-- (the latest assignment), so that metrics grouped by topic, agent or team
-- need no join over ticket_events.

INSERT INTO seal_settings (name, value) VALUES
    ('ticket_grace_seconds', 259200),
    ('ticket_stale_seconds', 2592000),
    ('ticket_batch_rows', 1000000);

CREATE TABLE IF NOT EXISTS tickets_live
(
    ticket_id String COMMENT 'Ticket id.',
    category SimpleAggregateFunction(max, String) COMMENT 'Ticket category.',
    priority SimpleAggregateFunction(max, String) COMMENT 'Priority.',
    product_model SimpleAggregateFunction(max, String) COMMENT 'Product model.',
    customer_id SimpleAggregateFunction(max, String) COMMENT 'Customer id.',
    contact_id SimpleAggregateFunction(max, String) COMMENT 'Contact that opened it.',
    channel SimpleAggregateFunction(max, String) COMMENT 'Channel.',
    service_category SimpleAggregateFunction(max, String) COMMENT 'Service category.',
    title SimpleAggregateFunction(max, String) COMMENT 'Title.',
    first_event_at SimpleAggregateFunction(min, DateTime64(3, 'Asia/Shanghai')) COMMENT 'Earliest event.',
    last_event_at SimpleAggregateFunction(max, DateTime64(3, 'Asia/Shanghai')) COMMENT 'Latest event.',
    created_at SimpleAggregateFunction(min, Nullable(DateTime64(3, 'Asia/Shanghai'))) COMMENT 'ticket.created time.',
    first_assigned_at SimpleAggregateFunction(min, Nullable(DateTime64(3, 'Asia/Shanghai'))) COMMENT 'First assignment.',
    first_resolved_at SimpleAggregateFunction(min, Nullable(DateTime64(3, 'Asia/Shanghai'))) COMMENT 'First resolution.',
    last_resolved_at SimpleAggregateFunction(max, Nullable(DateTime64(3, 'Asia/Shanghai'))) COMMENT 'Last resolution.',
    closed_at SimpleAggregateFunction(max, Nullable(DateTime64(3, 'Asia/Shanghai'))) COMMENT 'Close time.',
    first_escalated_at SimpleAggregateFunction(min, Nullable(DateTime64(3, 'Asia/Shanghai'))) COMMENT 'First escalation.',
    max_level SimpleAggregateFunction(max, UInt8) COMMENT 'Highest escalation level.',
    assignee_ids SimpleAggregateFunction(groupUniqArrayArray, Array(String)) COMMENT 'Assignees.',
    reopen_event_ids SimpleAggregateFunction(groupUniqArrayArray, Array(String)) COMMENT 'Reopen events.',
    comment_ids SimpleAggregateFunction(groupUniqArrayArray, Array(String)) COMMENT 'Comments.',
    last_assignment SimpleAggregateFunction(max, String) COMMENT 'Latest assignment as (unix ms, zero-padded to 13) TAB agent_id TAB team: max() keeps the latest idempotently.',
    status AggregateFunction(argMax, String, Tuple(DateTime64(3, 'Asia/Shanghai'), String)) COMMENT 'Latest status (state).',
    ingested_at SimpleAggregateFunction(max, DateTime('UTC')) COMMENT 'When the row was written (the latest of the rows merged into it).'
)
ENGINE = AggregatingMergeTree
PARTITION BY toStartOfHour(ingested_at)
ORDER BY ticket_id
TTL ingested_at + INTERVAL 7 DAY
SETTINGS ttl_only_drop_parts = 1, merge_with_ttl_timeout = 3600
COMMENT 'Per-insert partial aggregates of tickets, by the hour they were written, kept 7 days (tickets_hot carries the open ones forward). Internal: read the tickets view.';

CREATE TABLE IF NOT EXISTS tickets_hot
(
    ticket_id String COMMENT 'Ticket id.',
    category SimpleAggregateFunction(max, String) COMMENT 'Ticket category.',
    priority SimpleAggregateFunction(max, String) COMMENT 'Priority.',
    product_model SimpleAggregateFunction(max, String) COMMENT 'Product model.',
    customer_id SimpleAggregateFunction(max, String) COMMENT 'Customer id.',
    contact_id SimpleAggregateFunction(max, String) COMMENT 'Contact that opened it.',
    channel SimpleAggregateFunction(max, String) COMMENT 'Channel.',
    service_category SimpleAggregateFunction(max, String) COMMENT 'Service category.',
    title SimpleAggregateFunction(max, String) COMMENT 'Title.',
    first_event_at SimpleAggregateFunction(min, DateTime64(3, 'Asia/Shanghai')) COMMENT 'Earliest event.',
    last_event_at SimpleAggregateFunction(max, DateTime64(3, 'Asia/Shanghai')) COMMENT 'Latest event.',
    created_at SimpleAggregateFunction(min, Nullable(DateTime64(3, 'Asia/Shanghai'))) COMMENT 'ticket.created time.',
    first_assigned_at SimpleAggregateFunction(min, Nullable(DateTime64(3, 'Asia/Shanghai'))) COMMENT 'First assignment.',
    first_resolved_at SimpleAggregateFunction(min, Nullable(DateTime64(3, 'Asia/Shanghai'))) COMMENT 'First resolution.',
    last_resolved_at SimpleAggregateFunction(max, Nullable(DateTime64(3, 'Asia/Shanghai'))) COMMENT 'Last resolution.',
    closed_at SimpleAggregateFunction(max, Nullable(DateTime64(3, 'Asia/Shanghai'))) COMMENT 'Close time.',
    first_escalated_at SimpleAggregateFunction(min, Nullable(DateTime64(3, 'Asia/Shanghai'))) COMMENT 'First escalation.',
    max_level SimpleAggregateFunction(max, UInt8) COMMENT 'Highest escalation level.',
    assignee_ids SimpleAggregateFunction(groupUniqArrayArray, Array(String)) COMMENT 'Assignees.',
    reopen_event_ids SimpleAggregateFunction(groupUniqArrayArray, Array(String)) COMMENT 'Reopen events.',
    comment_ids SimpleAggregateFunction(groupUniqArrayArray, Array(String)) COMMENT 'Comments.',
    last_assignment SimpleAggregateFunction(max, String) COMMENT 'Latest assignment as (unix ms, zero-padded to 13) TAB agent_id TAB team: max() keeps the latest idempotently.',
    status AggregateFunction(argMax, String, Tuple(DateTime64(3, 'Asia/Shanghai'), String)) COMMENT 'Latest status (state).',
    ingested_at SimpleAggregateFunction(max, DateTime('UTC')) COMMENT 'When the row was written (the latest of the rows merged into it).',
    as_of DateTime('UTC') COMMENT 'When this snapshot was taken: tickets_live rows written since as_of - margin_seconds are merged on top of it.',
    sealed_through DateTime64(6, 'UTC') COMMENT 'Last complete seal round when the snapshot was taken.'
)
ENGINE = MergeTree
ORDER BY ticket_id
COMMENT 'Merged state of every ticket not yet sealed, as of the last tickets_snapshot refresh (replaced atomically); the row with an empty ticket_id carries as_of and sealed_through. Internal: read the tickets view.';

INSERT INTO tickets_hot (ticket_id, first_event_at, as_of, sealed_through) VALUES ('', 0, 0, 0);

CREATE TABLE IF NOT EXISTS tickets_sealed
(
    ticket_id String COMMENT 'Ticket id.',
    category LowCardinality(String) COMMENT 'repair | installation | complaint | consultation.',
    priority LowCardinality(String) COMMENT 'low | normal | high | urgent.',
    product_model LowCardinality(String) COMMENT 'Product model.',
    customer_id String COMMENT 'Customer id.',
    contact_id String COMMENT 'Contact that opened the ticket, if any.',
    channel LowCardinality(String) COMMENT 'Channel the ticket came from.',
    service_category LowCardinality(String) COMMENT 'One of the 115 service categories.',
    topic LowCardinality(String) COMMENT 'Issue topic of the service category (service_categories.topic); empty when unknown. Frozen when the ticket is sealed.',
    title String COMMENT 'Title, redacted.',
    created_at DateTime64(3, 'Asia/Shanghai') COMMENT 'Creation time (first event if ticket.created is missing).',
    first_assigned_at Nullable(DateTime64(3, 'Asia/Shanghai')) COMMENT 'First assignment.',
    first_resolved_at Nullable(DateTime64(3, 'Asia/Shanghai')) COMMENT 'First resolution.',
    resolved_at Nullable(DateTime64(3, 'Asia/Shanghai')) COMMENT 'Last resolution (after any reopen).',
    closed_at Nullable(DateTime64(3, 'Asia/Shanghai')) COMMENT 'Close time.',
    status LowCardinality(String) COMMENT 'Current status: new | assigned | in_progress | waiting_customer | resolved | reopened | closed.',
    max_escalation_level UInt8 COMMENT '0 none, 1 agent, 2 supervisor, 3 executive.',
    first_escalated_at Nullable(DateTime64(3, 'Asia/Shanghai')) COMMENT 'First escalation.',
    assignees UInt32 COMMENT 'Distinct assignees.',
    last_agent_id String COMMENT 'Agent of the latest assignment (empty if never assigned).',
    last_team LowCardinality(String) COMMENT 'Team of the latest assignment (empty if never assigned).',
    reopens UInt32 COMMENT 'Times reopened.',
    comments UInt32 COMMENT 'Comments on the ticket.',
    sla_hours UInt16 COMMENT 'Closure SLA: 72 h for complaints, 120 h (5 days) for other tickets.',
    sla_deadline DateTime64(3, 'Asia/Shanghai') COMMENT 'created_at + sla_hours.',
    done_at Nullable(DateTime64(3, 'Asia/Shanghai')) COMMENT 'When the ticket was last resolved or closed, whichever is earlier; NULL while open.',
    resolution_hours Nullable(Float64) COMMENT 'Hours from creation to done_at.',
    sealed_at DateTime64(6, 'UTC') COMMENT 'Seal round that sealed the ticket; the row with an empty ticket_id marks the end of a round.'
)
ENGINE = ReplacingMergeTree(sealed_at)
PARTITION BY toYYYYMM(created_at)
ORDER BY (created_at, ticket_id)
COMMENT 'One row per sealed ticket with its analyst columns final (sla_breached is computed by the view), by month of creation. Read through the tickets view.';

CREATE TABLE IF NOT EXISTS tickets_sealed_ids
(
    ticket_id String COMMENT 'A sealed ticket.',
    sealed_at DateTime64(6, 'UTC') COMMENT 'Seal round that sealed it.'
)
ENGINE = EmbeddedRocksDB
PRIMARY KEY ticket_id
COMMENT 'Ids of the sealed tickets with their seal round, for key lookups; the empty id holds the last complete round.';

CREATE MATERIALIZED VIEW IF NOT EXISTS tickets_sealed_ids_from_sealed TO tickets_sealed_ids AS
SELECT ticket_id, sealed_at FROM tickets_sealed;

CREATE MATERIALIZED VIEW IF NOT EXISTS tickets_live_from_events TO tickets_live AS
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
    maxIf(concat(leftPad(toString(toUnixTimestamp64Milli(occurred_at)), 13, '0'), '\t', agent_id, '\t', toString(team)),
          event_type = 'ticket.assigned' AND agent_id != '') AS last_assignment,
    argMaxState(status_now, (if(status_now = '', toDateTime64(0, 3, 'Asia/Shanghai'), occurred_at), event_id)) AS status,
    nowInBlock() AS ingested_at
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

DROP VIEW IF EXISTS tickets_from_events;

INSERT INTO tickets_live (ticket_id, category, priority, product_model, customer_id, contact_id, channel, service_category, title, first_event_at, last_event_at, created_at, first_assigned_at, first_resolved_at, last_resolved_at, closed_at, first_escalated_at, max_level, assignee_ids, reopen_event_ids, comment_ids, status, ingested_at)
SELECT ticket_id, category, priority, product_model, customer_id, contact_id, channel, service_category, title, first_event_at, last_event_at, created_at, first_assigned_at, first_resolved_at, last_resolved_at, closed_at, first_escalated_at, max_level, assignee_ids, reopen_event_ids, comment_ids, status, now()
FROM tickets_agg;

-- tickets_agg had no latest assignment: read it from the events.
INSERT INTO tickets_live (ticket_id, first_event_at, last_event_at, last_assignment, ingested_at)
SELECT ticket_id, min(occurred_at), max(occurred_at),
    max(concat(leftPad(toString(toUnixTimestamp64Milli(occurred_at)), 13, '0'), '\t', agent_id, '\t', toString(team))),
    now()
FROM ticket_events
WHERE event_type = 'ticket.assigned' AND agent_id != ''
GROUP BY ticket_id;

CREATE VIEW IF NOT EXISTS tickets_pending_states
(
    ticket_id String COMMENT 'Ticket id.',
    category String COMMENT 'Ticket category.',
    priority String COMMENT 'Priority.',
    product_model String COMMENT 'Product model.',
    customer_id String COMMENT 'Customer id.',
    contact_id String COMMENT 'Contact that opened it.',
    channel String COMMENT 'Channel.',
    service_category String COMMENT 'Service category.',
    title String COMMENT 'Title.',
    first_event_at DateTime64(3, 'Asia/Shanghai') COMMENT 'Earliest event.',
    last_event_at DateTime64(3, 'Asia/Shanghai') COMMENT 'Latest event.',
    created_at Nullable(DateTime64(3, 'Asia/Shanghai')) COMMENT 'ticket.created time.',
    first_assigned_at Nullable(DateTime64(3, 'Asia/Shanghai')) COMMENT 'First assignment.',
    first_resolved_at Nullable(DateTime64(3, 'Asia/Shanghai')) COMMENT 'First resolution.',
    last_resolved_at Nullable(DateTime64(3, 'Asia/Shanghai')) COMMENT 'Last resolution.',
    closed_at Nullable(DateTime64(3, 'Asia/Shanghai')) COMMENT 'Close time.',
    first_escalated_at Nullable(DateTime64(3, 'Asia/Shanghai')) COMMENT 'First escalation.',
    max_level UInt8 COMMENT 'Highest escalation level.',
    assignee_ids Array(String) COMMENT 'Assignees.',
    reopen_event_ids Array(String) COMMENT 'Reopen events.',
    comment_ids Array(String) COMMENT 'Comments.',
    last_assignment String COMMENT 'Latest assignment as (unix ms, zero-padded to 13) TAB agent_id TAB team: max() keeps the latest idempotently.',
    status AggregateFunction(argMax, String, Tuple(DateTime64(3, 'Asia/Shanghai'), String)) COMMENT 'Latest status (state).',
    ingested_at DateTime('UTC') COMMENT 'When the row was written (the latest of the rows merged into it).'
)
AS
WITH
    (SELECT toDateTime(greatest(toInt64(toUnixTimestamp(max(as_of)))
                                - ifNull((SELECT any(value) FROM seal_settings FINAL WHERE name = 'margin_seconds'), 120), 0), 'UTC')
     FROM tickets_hot WHERE ticket_id = '') AS live_from,
    (SELECT max(sealed_through) FROM tickets_hot WHERE ticket_id = '') AS sealed_through
SELECT
    ticket_id,
    max(category) AS category,
    max(priority) AS priority,
    max(product_model) AS product_model,
    max(customer_id) AS customer_id,
    max(contact_id) AS contact_id,
    max(channel) AS channel,
    max(service_category) AS service_category,
    max(title) AS title,
    min(first_event_at) AS first_event_at,
    max(last_event_at) AS last_event_at,
    min(created_at) AS created_at,
    min(first_assigned_at) AS first_assigned_at,
    min(first_resolved_at) AS first_resolved_at,
    max(last_resolved_at) AS last_resolved_at,
    max(closed_at) AS closed_at,
    min(first_escalated_at) AS first_escalated_at,
    max(max_level) AS max_level,
    groupUniqArrayArray(assignee_ids) AS assignee_ids,
    groupUniqArrayArray(reopen_event_ids) AS reopen_event_ids,
    groupUniqArrayArray(comment_ids) AS comment_ids,
    max(last_assignment) AS last_assignment,
    argMaxMergeState(status) AS status,
    max(ingested_at) AS ingested_at
FROM
(
    SELECT ticket_id, category, priority, product_model, customer_id, contact_id, channel, service_category, title, first_event_at, last_event_at, created_at, first_assigned_at, first_resolved_at, last_resolved_at, closed_at, first_escalated_at, max_level, assignee_ids, reopen_event_ids, comment_ids, last_assignment, status, ingested_at
    FROM tickets_hot
    WHERE ticket_id != ''
    UNION ALL
    SELECT ticket_id, category, priority, product_model, customer_id, contact_id, channel, service_category, title, first_event_at, last_event_at, created_at, first_assigned_at, first_resolved_at, last_resolved_at, closed_at, first_escalated_at, max_level, assignee_ids, reopen_event_ids, comment_ids, last_assignment, status, ingested_at
    FROM tickets_live
    WHERE ingested_at >= live_from
)
WHERE ticket_id NOT IN (
        SELECT ticket_id FROM tickets_sealed_ids
        WHERE ticket_id IN (SELECT ticket_id FROM tickets_live WHERE ingested_at >= live_from)
          AND sealed_at <= sealed_through)
GROUP BY ticket_id
COMMENT 'Internal: merged aggregate state of every ticket not sealed by the snapshot''s sealed_through.';

CREATE VIEW IF NOT EXISTS tickets_pending
(
    ticket_id String COMMENT 'Ticket id.',
    category String COMMENT 'repair | installation | complaint | consultation.',
    priority String COMMENT 'low | normal | high | urgent.',
    product_model String COMMENT 'Product model.',
    customer_id String COMMENT 'Customer id.',
    contact_id String COMMENT 'Contact that opened the ticket, if any.',
    channel String COMMENT 'Channel the ticket came from.',
    service_category String COMMENT 'One of the 115 service categories.',
    topic String COMMENT 'Issue topic of the service category (service_categories.topic); empty when unknown. Frozen when the ticket is sealed.',
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
    last_agent_id String COMMENT 'Agent of the latest assignment (empty if never assigned).',
    last_team String COMMENT 'Team of the latest assignment (empty if never assigned).',
    reopens UInt32 COMMENT 'Times reopened.',
    comments UInt32 COMMENT 'Comments on the ticket.',
    sla_hours UInt16 COMMENT 'Closure SLA: 72 h for complaints, 120 h (5 days) for other tickets.',
    sla_deadline DateTime64(3, 'Asia/Shanghai') COMMENT 'created_at + sla_hours.',
    done_at Nullable(DateTime64(3, 'Asia/Shanghai')) COMMENT 'When the ticket was last resolved or closed, whichever is earlier; NULL while open.',
    resolution_hours Nullable(Float64) COMMENT 'Hours from creation to done_at.',
    ingested_at DateTime('UTC') COMMENT 'Latest write of the ticket''s rows.',
    seal_ready UInt8 COMMENT '1 when tickets_seal may seal it: closed and quiet for ticket_grace_seconds, or quiet for ticket_stale_seconds.'
)
AS SELECT
    ticket_id, category, priority, product_model, customer_id, contact_id, channel, service_category,
    ifNull(sc.topic, '') AS topic,
    title,
    coalesce(created_at, first_event_at) AS created_at,
    first_assigned_at, first_resolved_at,
    last_resolved_at AS resolved_at,
    closed_at,
    finalizeAggregation(status) AS status,
    max_level AS max_escalation_level,
    first_escalated_at,
    toUInt32(length(assignee_ids)) AS assignees,
    splitByChar('\t', last_assignment)[2] AS last_agent_id,
    splitByChar('\t', last_assignment)[3] AS last_team,
    toUInt32(length(reopen_event_ids)) AS reopens,
    toUInt32(length(comment_ids)) AS comments,
    toUInt16(if(category = 'complaint', 72, 120)) AS sla_hours,
    coalesce(created_at, first_event_at) + toIntervalHour(if(category = 'complaint', 72, 120)) AS sla_deadline,
    if(status IN ('resolved', 'closed'), least(coalesce(last_resolved_at, closed_at), coalesce(closed_at, last_resolved_at)), NULL) AS done_at,
    if(done_at IS NULL, NULL, dateDiff('second', coalesce(created_at, first_event_at), done_at) / 3600.0) AS resolution_hours,
    ingested_at,
    toUInt8(ifNull(
        (status = 'closed' AND ingested_at < now() - toIntervalSecond((SELECT any(value) FROM seal_settings FINAL WHERE name = 'ticket_grace_seconds')))
        OR ingested_at < now() - toIntervalSecond((SELECT any(value) FROM seal_settings FINAL WHERE name = 'ticket_stale_seconds')), 0)) AS seal_ready
FROM tickets_pending_states AS p
LEFT JOIN (SELECT slug, topic FROM service_categories) AS sc ON sc.slug = p.service_category
COMMENT 'Internal: the tickets not sealed yet, with the analyst columns of the tickets view (but sla_breached), and whether they are ready to seal.';

CREATE OR REPLACE VIEW tickets
(
    ticket_id String COMMENT 'Ticket id.',
    category String COMMENT 'repair | installation | complaint | consultation.',
    priority String COMMENT 'low | normal | high | urgent.',
    product_model String COMMENT 'Product model.',
    customer_id String COMMENT 'Customer id.',
    contact_id String COMMENT 'Contact that opened the ticket, if any.',
    channel String COMMENT 'Channel the ticket came from.',
    service_category String COMMENT 'One of the 115 service categories.',
    topic String COMMENT 'Issue topic of the service category (service_categories.topic); empty when unknown. Frozen when the ticket is sealed.',
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
    last_agent_id String COMMENT 'Agent of the latest assignment (empty if never assigned).',
    last_team String COMMENT 'Team of the latest assignment (empty if never assigned).',
    reopens UInt32 COMMENT 'Times reopened.',
    comments UInt32 COMMENT 'Comments on the ticket.',
    sla_hours UInt16 COMMENT 'Closure SLA: 72 h for complaints, 120 h (5 days) for other tickets.',
    sla_deadline DateTime64(3, 'Asia/Shanghai') COMMENT 'created_at + sla_hours.',
    done_at Nullable(DateTime64(3, 'Asia/Shanghai')) COMMENT 'When the ticket was last resolved or closed, whichever is earlier; NULL while open.',
    resolution_hours Nullable(Float64) COMMENT 'Hours from creation to done_at.',
    sla_breached UInt8 COMMENT '1 if done after the deadline, or still open past it (as of query time).'
)
AS SELECT ticket_id, category, priority, product_model, customer_id, contact_id, channel, service_category, topic, title, created_at, first_assigned_at, first_resolved_at, resolved_at, closed_at, status, max_escalation_level, first_escalated_at, assignees, last_agent_id, last_team, reopens, comments, sla_hours, sla_deadline, done_at, resolution_hours,
    toUInt8(coalesce(done_at, now64(3)) > sla_deadline) AS sla_breached
FROM
(
    SELECT ticket_id, category, priority, product_model, customer_id, contact_id, channel, service_category, topic, title, created_at, first_assigned_at, first_resolved_at, resolved_at, closed_at, status, max_escalation_level, first_escalated_at, assignees, last_agent_id, last_team, reopens, comments, sla_hours, sla_deadline, done_at, resolution_hours
    FROM tickets_sealed FINAL
    WHERE sealed_at <= (SELECT max(sealed_through) FROM tickets_hot WHERE ticket_id = '') AND ticket_id != ''
    UNION ALL
    SELECT ticket_id, category, priority, product_model, customer_id, contact_id, channel, service_category, topic, title, created_at, first_assigned_at, first_resolved_at, resolved_at, closed_at, status, max_escalation_level, first_escalated_at, assignees, last_agent_id, last_team, reopens, comments, sla_hours, sla_deadline, done_at, resolution_hours
    FROM tickets_pending
)
COMMENT 'One row per ticket: lifecycle times, current status, escalation, latest assignee, reopens and the 5-day/3-day closure SLA. Each event counts once however often it was delivered; a ticket sealed after it closed never changes again.';

-- The seal: up to ticket_batch_rows ready tickets, then (one thread, sorted)
-- the round's marker. Tickets sealed by a round no snapshot has published yet
-- are still pending: the batch leaves out every sealed id.
CREATE MATERIALIZED VIEW IF NOT EXISTS tickets_seal
REFRESH EVERY 1 MINUTE APPEND TO tickets_sealed AS
WITH
    now64(6, 'UTC') AS round,
    (SELECT toDateTime(greatest(toInt64(toUnixTimestamp(max(as_of)))
                                - ifNull((SELECT any(value) FROM seal_settings FINAL WHERE name = 'margin_seconds'), 120), 0), 'UTC')
     FROM tickets_hot WHERE ticket_id = '') AS live_from
SELECT ticket_id, category, priority, product_model, customer_id, contact_id, channel, service_category, topic, title, created_at, first_assigned_at, first_resolved_at, resolved_at, closed_at, status, max_escalation_level, first_escalated_at, assignees, last_agent_id, last_team, reopens, comments, sla_hours, sla_deadline, done_at, resolution_hours, sealed_at
FROM
(
    SELECT ticket_id, category, priority, product_model, customer_id, contact_id, channel, service_category, topic, title, created_at, first_assigned_at, first_resolved_at, resolved_at, closed_at, status, max_escalation_level, first_escalated_at, assignees, last_agent_id, last_team, reopens, comments, sla_hours, sla_deadline, done_at, resolution_hours, round AS sealed_at
    FROM tickets_pending
    WHERE seal_ready = 1
      AND ticket_id NOT IN (SELECT ticket_id FROM tickets_sealed_ids WHERE ticket_id IN (SELECT ticket_id FROM tickets_hot WHERE ticket_id != '' UNION ALL SELECT ticket_id FROM tickets_live WHERE ingested_at >= live_from))
    LIMIT ifNull((SELECT any(value) FROM seal_settings FINAL WHERE name = 'ticket_batch_rows'), 1000000)
    UNION ALL
    SELECT '', '', '', '', '', '', '', '', '', '', toDateTime64(0, 3, 'Asia/Shanghai'), NULL, NULL, NULL, NULL, '', 0, NULL, 0, '', '', 0, 0, 0, toDateTime64(0, 3, 'Asia/Shanghai'), NULL, NULL, round
)
ORDER BY ticket_id = ''
SETTINGS max_threads = 1, max_insert_threads = 1,
    max_bytes_before_external_group_by = 1000000000, max_bytes_before_external_sort = 1000000000;

CREATE MATERIALIZED VIEW IF NOT EXISTS tickets_snapshot
REFRESH EVERY 1 MINUTE OFFSET 30 SECOND TO tickets_hot AS
WITH
    ifNull((SELECT any(sealed_at) FROM tickets_sealed_ids WHERE ticket_id = ''), toDateTime64(0, 6, 'UTC')) AS new_sealed_through,
    (SELECT toDateTime(greatest(toInt64(toUnixTimestamp(max(as_of)))
                                - ifNull((SELECT any(value) FROM seal_settings FINAL WHERE name = 'margin_seconds'), 120), 0), 'UTC')
     FROM tickets_hot WHERE ticket_id = '') AS live_from
SELECT ticket_id, category, priority, product_model, customer_id, contact_id, channel, service_category, title, first_event_at, last_event_at, created_at, first_assigned_at, first_resolved_at, last_resolved_at, closed_at, first_escalated_at, max_level, assignee_ids, reopen_event_ids, comment_ids, last_assignment, status, ingested_at, now() AS as_of, new_sealed_through AS sealed_through
FROM tickets_pending_states
WHERE ticket_id NOT IN (
    SELECT ticket_id FROM tickets_sealed_ids
    WHERE ticket_id IN (SELECT ticket_id FROM tickets_hot WHERE ticket_id != '' UNION ALL SELECT ticket_id FROM tickets_live WHERE ingested_at >= live_from)
      AND sealed_at <= new_sealed_through)
UNION ALL
SELECT '' AS ticket_id, '', '', '', '', '', '', '', '', toDateTime64(0, 3, 'Asia/Shanghai'), toDateTime64(0, 3, 'Asia/Shanghai'), NULL, NULL, NULL, NULL, NULL, NULL, 0, [], [], [], '', initializeAggregation('argMaxState', '', (toDateTime64(0, 3, 'Asia/Shanghai'), '')), toDateTime(0, 'UTC'), now() AS as_of, new_sealed_through AS sealed_through
SETTINGS max_bytes_before_external_group_by = 1000000000;

DROP TABLE IF EXISTS tickets_agg;
