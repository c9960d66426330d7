-- Contacts at scale: closed contacts are sealed into a month-partitioned table,
-- so a query over a time range reads that range instead of merging every
-- contact ever seen (contacts_agg FINAL merged the whole table whatever the
-- filter: 2.6 s at 10 M contacts for a one-month query, ~26 s at 100 M).
--
-- Where a contact lives:
--   contacts_live    per-insert partial aggregates, written by the materialized
--                    views on contact_events and messages (idempotent
--                    aggregates, as contacts_agg had). Partitioned by the hour
--                    it was written; hours older than 7 days are dropped.
--   contacts_hot     the merged state of every contact not yet sealed, rebuilt
--                    every minute from itself and the live rows written since
--                    (refreshable view contacts_snapshot; atomic replace).
--   contacts_sealed  one row per sealed contact with the analyst columns
--                    final, partitioned by month of started_at, ordered by
--                    started_at: a month's query reads a month. Written every
--                    minute by the refreshable view contacts_seal.
-- The contacts view is contacts_sealed plus the pending ones (contacts_hot
-- merged with the live rows since its snapshot, minus anything sealed), so it
-- is exact at every moment whether or not a seal or snapshot has run.
--
-- Sealing: a contact is sealed once it has ended or been abandoned and
-- nothing was written for it for seal_settings.contact_grace_seconds (300),
-- or nothing was written for it for contact_stale_seconds (7 days) even
-- without an end. A sealed contact is final: a re-delivered or late event for
-- it still lands in the event tables but never changes it or duplicates it
-- (the pending part leaves out the contacts in contacts_sealed_ids).
--
-- Publication: a seal round writes its rows, then a marker row (empty id)
-- last, which lands in contacts_sealed_ids after every id of the round. Each
-- snapshot records the marker's time (sealed_through) and leaves out exactly the
-- contacts sealed up to it; the view shows sealed rows up to it. Snapshot and
-- sealed_through change together (the snapshot is replaced atomically), so a
-- contact being sealed is counted once at every moment: pending until the next
-- snapshot, sealed after it.
--
-- FCR inputs: next_same_topic_at is the start of the customer's next contact
-- about the same issue topic (service_categories.topic of its category), on any
-- channel; next_contact_at the start of the customer's next contact of any
-- topic. When a contact is sealed, the seal also lowers these two columns of
-- the customer's earlier sealed contacts whose next contact it now is
-- (contacts_sealed keeps them as min(); all its other columns as max(), so a
-- row that carries only a key and a next time changes nothing else).

CREATE TABLE IF NOT EXISTS seal_settings
(
    name       String COMMENT 'Setting name.',
    value      Int64 COMMENT 'Value (seconds or rows).',
    updated_at DateTime64(6) DEFAULT now64(6) COMMENT 'When it was set; the latest wins.'
)
ENGINE = ReplacingMergeTree(updated_at)
ORDER BY name
COMMENT 'Tunables of the sealing refreshes: contact_grace_seconds (quiet time after a contact ended before it is sealed), contact_stale_seconds (quiet time after which an open contact is sealed as it is), contact_batch_rows (contacts sealed per refresh at most), margin_seconds (how far before the last snapshot pending rows are re-read). Change with INSERT; read with FINAL.';

INSERT INTO seal_settings (name, value) VALUES
    ('contact_grace_seconds', 300),
    ('contact_stale_seconds', 604800),
    ('contact_batch_rows', 1000000),
    ('margin_seconds', 1800);

CREATE TABLE IF NOT EXISTS contacts_live
(
    contact_id          String COMMENT 'Chat session or phone call id.',
    customer_id         SimpleAggregateFunction(max, String) COMMENT 'Customer id.',
    channel             SimpleAggregateFunction(max, String) COMMENT 'Channel.',
    product_model       SimpleAggregateFunction(max, String) COMMENT 'Product model.',
    customer_tags       SimpleAggregateFunction(groupUniqArrayArray, Array(String)) COMMENT 'Customer tags.',
    vip_level           SimpleAggregateFunction(max, UInt8) COMMENT 'VIP level.',
    language            SimpleAggregateFunction(max, String) COMMENT 'Language chosen.',
    first_event_at      SimpleAggregateFunction(min, DateTime64(3, 'Asia/Shanghai')) COMMENT 'Earliest event of the contact.',
    last_event_at       SimpleAggregateFunction(max, DateTime64(3, 'Asia/Shanghai')) COMMENT 'Latest event of the contact.',
    started_at          SimpleAggregateFunction(min, Nullable(DateTime64(3, 'Asia/Shanghai'))) COMMENT 'contact.started time.',
    queued_at           SimpleAggregateFunction(min, Nullable(DateTime64(3, 'Asia/Shanghai'))) COMMENT 'First queue entry.',
    bot_handoff_at      SimpleAggregateFunction(min, Nullable(DateTime64(3, 'Asia/Shanghai'))) COMMENT 'First bot hand-off to a human queue.',
    answered_at         SimpleAggregateFunction(min, Nullable(DateTime64(3, 'Asia/Shanghai'))) COMMENT 'First agent answer.',
    abandoned_at        SimpleAggregateFunction(min, Nullable(DateTime64(3, 'Asia/Shanghai'))) COMMENT 'Abandonment time.',
    ended_at            SimpleAggregateFunction(max, Nullable(DateTime64(3, 'Asia/Shanghai'))) COMMENT 'contact.ended time.',
    abandon_stage       SimpleAggregateFunction(max, String) COMMENT 'bot | queue | agent.',
    resolved_flag       SimpleAggregateFunction(max, Nullable(UInt8)) COMMENT 'Agent-set resolution flag.',
    service_category    SimpleAggregateFunction(max, String) COMMENT 'Service category.',
    ticket_id           SimpleAggregateFunction(max, String) COMMENT 'Follow-up ticket.',
    agent_ids           SimpleAggregateFunction(groupUniqArrayArray, Array(String)) COMMENT 'Agents who answered.',
    transfer_event_ids  SimpleAggregateFunction(groupUniqArrayArray, Array(String)) COMMENT 'Event ids of transfers (counted, idempotently).',
    cross_team_transfer_ids SimpleAggregateFunction(groupUniqArrayArray, Array(String)) COMMENT 'Event ids of transfers to a different team.',
    to_teams            SimpleAggregateFunction(groupUniqArrayArray, Array(String)) COMMENT 'Teams transferred to.',
    first_answer        SimpleAggregateFunction(max, String) COMMENT 'First agent answer as (9999999999999 - unix ms, zero-padded to 13) TAB agent_id TAB team: the largest string is the earliest answer, so max() keeps it idempotently.',
    customer_msg_ids    SimpleAggregateFunction(groupUniqArrayArray, Array(String)) COMMENT 'Customer message ids.',
    agent_msg_ids       SimpleAggregateFunction(groupUniqArrayArray, Array(String)) COMMENT 'Agent message ids.',
    bot_msg_ids         SimpleAggregateFunction(groupUniqArrayArray, Array(String)) COMMENT 'Bot message ids.',
    negative_msg_ids    SimpleAggregateFunction(groupUniqArrayArray, Array(String)) COMMENT 'Customer message ids labelled neg.',
    positive_msg_ids    SimpleAggregateFunction(groupUniqArrayArray, Array(String)) COMMENT 'Customer message ids labelled pos.',
    first_sentiment_state AggregateFunction(argMin, Float32, Tuple(DateTime64(3, 'Asia/Shanghai'), String)) COMMENT 'Sentiment of the first customer message.',
    last_sentiment_state  AggregateFunction(argMax, Float32, Tuple(DateTime64(3, 'Asia/Shanghai'), String)) COMMENT 'Sentiment of the last customer message.',
    min_customer_sentiment SimpleAggregateFunction(min, Nullable(Float32)) COMMENT 'Most negative customer message.',
    topics              SimpleAggregateFunction(groupUniqArrayArray, Array(String)) COMMENT 'Issue topics of customer messages.',
    ingested_at         SimpleAggregateFunction(max, DateTime('UTC')) COMMENT 'When the row was written (the latest of the rows merged into it).'
)
ENGINE = AggregatingMergeTree
PARTITION BY toStartOfHour(ingested_at)
ORDER BY contact_id
TTL ingested_at + INTERVAL 7 DAY
SETTINGS ttl_only_drop_parts = 1, merge_with_ttl_timeout = 3600
COMMENT 'Per-insert partial aggregates of contacts, by the hour they were written, kept 7 days (contacts_hot carries the open ones forward). Internal: read the contacts view.';

CREATE TABLE IF NOT EXISTS contacts_hot
(
    contact_id          String COMMENT 'Contact id; the row with an empty id only carries as_of and sealed_through.',
    customer_id         SimpleAggregateFunction(max, String) COMMENT 'As in contacts_live.',
    channel             SimpleAggregateFunction(max, String) COMMENT 'As in contacts_live.',
    product_model       SimpleAggregateFunction(max, String) COMMENT 'As in contacts_live.',
    customer_tags       SimpleAggregateFunction(groupUniqArrayArray, Array(String)) COMMENT 'As in contacts_live.',
    vip_level           SimpleAggregateFunction(max, UInt8) COMMENT 'As in contacts_live.',
    language            SimpleAggregateFunction(max, String) COMMENT 'As in contacts_live.',
    first_event_at      SimpleAggregateFunction(min, DateTime64(3, 'Asia/Shanghai')) COMMENT 'As in contacts_live.',
    last_event_at       SimpleAggregateFunction(max, DateTime64(3, 'Asia/Shanghai')) COMMENT 'As in contacts_live.',
    started_at          SimpleAggregateFunction(min, Nullable(DateTime64(3, 'Asia/Shanghai'))) COMMENT 'As in contacts_live.',
    queued_at           SimpleAggregateFunction(min, Nullable(DateTime64(3, 'Asia/Shanghai'))) COMMENT 'As in contacts_live.',
    bot_handoff_at      SimpleAggregateFunction(min, Nullable(DateTime64(3, 'Asia/Shanghai'))) COMMENT 'As in contacts_live.',
    answered_at         SimpleAggregateFunction(min, Nullable(DateTime64(3, 'Asia/Shanghai'))) COMMENT 'As in contacts_live.',
    abandoned_at        SimpleAggregateFunction(min, Nullable(DateTime64(3, 'Asia/Shanghai'))) COMMENT 'As in contacts_live.',
    ended_at            SimpleAggregateFunction(max, Nullable(DateTime64(3, 'Asia/Shanghai'))) COMMENT 'As in contacts_live.',
    abandon_stage       SimpleAggregateFunction(max, String) COMMENT 'As in contacts_live.',
    resolved_flag       SimpleAggregateFunction(max, Nullable(UInt8)) COMMENT 'As in contacts_live.',
    service_category    SimpleAggregateFunction(max, String) COMMENT 'As in contacts_live.',
    ticket_id           SimpleAggregateFunction(max, String) COMMENT 'As in contacts_live.',
    agent_ids           SimpleAggregateFunction(groupUniqArrayArray, Array(String)) COMMENT 'As in contacts_live.',
    transfer_event_ids  SimpleAggregateFunction(groupUniqArrayArray, Array(String)) COMMENT 'As in contacts_live.',
    cross_team_transfer_ids SimpleAggregateFunction(groupUniqArrayArray, Array(String)) COMMENT 'As in contacts_live.',
    to_teams            SimpleAggregateFunction(groupUniqArrayArray, Array(String)) COMMENT 'As in contacts_live.',
    first_answer        SimpleAggregateFunction(max, String) COMMENT 'As in contacts_live.',
    customer_msg_ids    SimpleAggregateFunction(groupUniqArrayArray, Array(String)) COMMENT 'As in contacts_live.',
    agent_msg_ids       SimpleAggregateFunction(groupUniqArrayArray, Array(String)) COMMENT 'As in contacts_live.',
    bot_msg_ids         SimpleAggregateFunction(groupUniqArrayArray, Array(String)) COMMENT 'As in contacts_live.',
    negative_msg_ids    SimpleAggregateFunction(groupUniqArrayArray, Array(String)) COMMENT 'As in contacts_live.',
    positive_msg_ids    SimpleAggregateFunction(groupUniqArrayArray, Array(String)) COMMENT 'As in contacts_live.',
    first_sentiment_state AggregateFunction(argMin, Float32, Tuple(DateTime64(3, 'Asia/Shanghai'), String)) COMMENT 'As in contacts_live.',
    last_sentiment_state  AggregateFunction(argMax, Float32, Tuple(DateTime64(3, 'Asia/Shanghai'), String)) COMMENT 'As in contacts_live.',
    min_customer_sentiment SimpleAggregateFunction(min, Nullable(Float32)) COMMENT 'As in contacts_live.',
    topics              SimpleAggregateFunction(groupUniqArrayArray, Array(String)) COMMENT 'As in contacts_live.',
    ingested_at         SimpleAggregateFunction(max, DateTime('UTC')) COMMENT 'Latest write of any of the contact''s rows.',
    as_of               DateTime('UTC') COMMENT 'When this snapshot was taken: contacts_live rows written since as_of - margin_seconds are merged on top of it.',
    sealed_through      DateTime64(6, 'UTC') COMMENT 'Last complete seal round when the snapshot was taken: the contacts sealed up to it are left out of the snapshot and shown from contacts_sealed.'
)
ENGINE = MergeTree
ORDER BY contact_id
COMMENT 'Merged state of every contact not yet sealed, as of the last contacts_snapshot refresh (replaced atomically each time). Internal: read the contacts view.';

INSERT INTO contacts_hot (contact_id, first_event_at, as_of, sealed_through) VALUES ('', 0, 0, 0);

CREATE TABLE IF NOT EXISTS contacts_sealed
(
    started_at          DateTime64(3, 'Asia/Shanghai') COMMENT 'Start of the contact (first event if contact.started is missing).',
    contact_id          String COMMENT 'Chat session or phone call id.',
    customer_id         SimpleAggregateFunction(max, String) COMMENT 'Customer id.',
    channel             SimpleAggregateFunction(max, LowCardinality(String)) COMMENT 'Channel.',
    product_model       SimpleAggregateFunction(max, LowCardinality(String)) COMMENT 'Product model.',
    customer_tags       SimpleAggregateFunction(max, Array(String)) COMMENT 'Customer tags.',
    vip_level           SimpleAggregateFunction(max, UInt8) COMMENT 'VIP level.',
    language            SimpleAggregateFunction(max, LowCardinality(String)) COMMENT 'Language chosen.',
    queued_at           SimpleAggregateFunction(max, Nullable(DateTime64(3, 'Asia/Shanghai'))) COMMENT 'First entry into a human queue.',
    answered_at         SimpleAggregateFunction(max, Nullable(DateTime64(3, 'Asia/Shanghai'))) COMMENT 'First answer by a human agent.',
    ended_at            SimpleAggregateFunction(max, Nullable(DateTime64(3, 'Asia/Shanghai'))) COMMENT 'End of the contact.',
    abandoned           SimpleAggregateFunction(max, UInt8) COMMENT '1 if abandoned.',
    abandon_stage       SimpleAggregateFunction(max, LowCardinality(String)) COMMENT 'bot | queue | agent.',
    wait_seconds        SimpleAggregateFunction(max, Nullable(Float64)) COMMENT 'Seconds to the first agent answer.',
    abandon_wait_seconds SimpleAggregateFunction(max, Nullable(Float64)) COMMENT 'Seconds waited before abandoning.',
    handle_seconds      SimpleAggregateFunction(max, Nullable(Float64)) COMMENT 'Seconds from first answer to end.',
    transfers           SimpleAggregateFunction(max, UInt32) COMMENT 'Transfers.',
    cross_team_transfers SimpleAggregateFunction(max, UInt32) COMMENT 'Transfers to a different team.',
    agents              SimpleAggregateFunction(max, UInt32) COMMENT 'Distinct agents who answered.',
    first_agent_id      SimpleAggregateFunction(max, String) COMMENT 'First agent who answered.',
    first_team          SimpleAggregateFunction(max, LowCardinality(String)) COMMENT 'Team of the first agent who answered.',
    bot_handoff         SimpleAggregateFunction(max, UInt8) COMMENT '1 if a bot handed the contact to a human.',
    resolved_flag       SimpleAggregateFunction(max, Nullable(UInt8)) COMMENT 'Agent-set resolution flag.',
    service_category    SimpleAggregateFunction(max, LowCardinality(String)) COMMENT 'Service category.',
    topic               SimpleAggregateFunction(max, LowCardinality(String)) COMMENT 'Issue topic of the service category, as service_categories said when the contact was sealed.',
    ticket_id           SimpleAggregateFunction(max, String) COMMENT 'Follow-up ticket.',
    customer_messages   SimpleAggregateFunction(max, UInt32) COMMENT 'Customer messages.',
    agent_messages      SimpleAggregateFunction(max, UInt32) COMMENT 'Agent messages.',
    bot_messages        SimpleAggregateFunction(max, UInt32) COMMENT 'Bot messages.',
    negative_customer_messages SimpleAggregateFunction(max, UInt32) COMMENT 'Customer messages labelled neg.',
    positive_customer_messages SimpleAggregateFunction(max, UInt32) COMMENT 'Customer messages labelled pos.',
    first_customer_sentiment SimpleAggregateFunction(max, Nullable(Float32)) COMMENT 'Sentiment of the first customer message.',
    last_customer_sentiment  SimpleAggregateFunction(max, Nullable(Float32)) COMMENT 'Sentiment of the last customer message.',
    min_customer_sentiment   SimpleAggregateFunction(max, Nullable(Float32)) COMMENT 'Most negative customer message.',
    sentiment_shift     SimpleAggregateFunction(max, Nullable(Float32)) COMMENT 'last - first customer sentiment.',
    topics              SimpleAggregateFunction(max, Array(String)) COMMENT 'Issue topics raised by the customer.',
    next_same_topic_at  SimpleAggregateFunction(min, Nullable(DateTime64(3, 'Asia/Shanghai'))) COMMENT 'Start of the customer''s next sealed contact about the same topic.',
    next_contact_at     SimpleAggregateFunction(min, Nullable(DateTime64(3, 'Asia/Shanghai'))) COMMENT 'Start of the customer''s next sealed contact.',
    sealed_at           SimpleAggregateFunction(max, DateTime64(6, 'UTC')) COMMENT 'Seal round that sealed the contact (0 on rows that only lower next_*); the row with an empty contact_id marks the end of a round.'
)
ENGINE = AggregatingMergeTree
PARTITION BY toYYYYMM(started_at)
ORDER BY (started_at, contact_id)
COMMENT 'One row per sealed contact with its analyst columns final, by month of its start. Read with FINAL (next_* are lowered by later rows) and contact_id != '''', or through the contacts view.';

CREATE TABLE IF NOT EXISTS contacts_sealed_ids
(
    contact_id String COMMENT 'A sealed contact.',
    sealed_at  DateTime64(6, 'UTC') COMMENT 'Seal round that sealed it.'
)
ENGINE = EmbeddedRocksDB
PRIMARY KEY contact_id
COMMENT 'Ids of the sealed contacts with their seal round, for key lookups: the pending part of the contacts view leaves these out. The empty id holds the last complete round.';

CREATE MATERIALIZED VIEW IF NOT EXISTS contacts_sealed_ids_from_sealed TO contacts_sealed_ids AS
SELECT contact_id, sealed_at FROM contacts_sealed WHERE sealed_at > 0;

CREATE TABLE IF NOT EXISTS contacts_by_customer
(
    customer_id String COMMENT 'Customer id.',
    started_at  DateTime64(3, 'Asia/Shanghai') COMMENT 'Start of the contact.',
    contact_id  String COMMENT 'Contact id.',
    topic       LowCardinality(String) COMMENT 'Issue topic.'
)
ENGINE = ReplacingMergeTree
ORDER BY (customer_id, started_at, contact_id)
COMMENT 'Sealed contacts by customer: the seal looks up each customer''s earlier and later contacts here to set next_same_topic_at and next_contact_at.';

CREATE MATERIALIZED VIEW IF NOT EXISTS contacts_by_customer_from_sealed TO contacts_by_customer AS
SELECT customer_id, started_at, contact_id, toString(topic) AS topic FROM contacts_sealed WHERE sealed_at > 0 AND customer_id != '' AND contact_id != '';

-- The new writers start before the old ones stop (both idempotent), and
-- contacts_agg is copied after the old ones stopped: no event is missed.
CREATE MATERIALIZED VIEW IF NOT EXISTS contacts_live_from_events TO contacts_live AS
SELECT
    contact_id,
    max(customer_id) AS customer_id,
    max(toString(channel)) AS channel,
    max(toString(product_model)) AS product_model,
    groupUniqArrayArray(arrayMap(x -> toString(x), customer_tags)) AS customer_tags,
    max(vip_level) AS vip_level,
    max(toString(language)) AS language,
    min(occurred_at) AS first_event_at,
    max(occurred_at) AS last_event_at,
    minIf(toNullable(occurred_at), event_type = 'contact.started') AS started_at,
    minIf(toNullable(occurred_at), event_type = 'contact.queued') AS queued_at,
    minIf(toNullable(occurred_at), event_type = 'contact.bot_handoff') AS bot_handoff_at,
    minIf(toNullable(occurred_at), event_type = 'contact.agent_answered') AS answered_at,
    minIf(toNullable(occurred_at), event_type = 'contact.abandoned') AS abandoned_at,
    maxIf(toNullable(occurred_at), event_type = 'contact.ended') AS ended_at,
    max(toString(stage)) AS abandon_stage,
    maxIf(toNullable(toUInt8(resolved)), event_type = 'contact.ended') AS resolved_flag,
    max(toString(service_category)) AS service_category,
    max(ticket_id) AS ticket_id,
    groupUniqArrayIf(agent_id, event_type = 'contact.agent_answered' AND agent_id != '') AS agent_ids,
    groupUniqArrayIf(event_id, event_type = 'contact.transferred') AS transfer_event_ids,
    groupUniqArrayIf(event_id, event_type = 'contact.transferred' AND to_team != from_team) AS cross_team_transfer_ids,
    groupUniqArrayIf(toString(to_team), event_type = 'contact.transferred' AND to_team != '') AS to_teams,
    maxIf(concat(leftPad(toString(9999999999999 - toUnixTimestamp64Milli(occurred_at)), 13, '0'), '\t', agent_id, '\t', toString(team)),
          event_type = 'contact.agent_answered' AND agent_id != '') AS first_answer,
    nowInBlock() AS ingested_at
FROM contact_events
GROUP BY contact_id;

CREATE MATERIALIZED VIEW IF NOT EXISTS contacts_live_from_messages TO contacts_live AS
SELECT
    contact_id,
    min(occurred_at) AS first_event_at,
    max(occurred_at) AS last_event_at,
    groupUniqArrayIf(message_id, sender = 'customer') AS customer_msg_ids,
    groupUniqArrayIf(message_id, sender = 'agent') AS agent_msg_ids,
    groupUniqArrayIf(message_id, sender = 'bot') AS bot_msg_ids,
    groupUniqArrayIf(message_id, sender = 'customer' AND sentiment_label = 'neg') AS negative_msg_ids,
    groupUniqArrayIf(message_id, sender = 'customer' AND sentiment_label = 'pos') AS positive_msg_ids,
    argMinStateIf(sentiment_score, (occurred_at, message_id), sender = 'customer') AS first_sentiment_state,
    argMaxStateIf(sentiment_score, (occurred_at, message_id), sender = 'customer') AS last_sentiment_state,
    minIf(toNullable(sentiment_score), sender = 'customer') AS min_customer_sentiment,
    groupUniqArrayArrayIf(arrayMap(x -> toString(x), topics), sender = 'customer') AS topics,
    nowInBlock() AS ingested_at
FROM messages
GROUP BY contact_id;

DROP VIEW IF EXISTS contacts_from_events;

DROP VIEW IF EXISTS contacts_from_messages;

INSERT INTO contacts_live (contact_id, customer_id, channel, product_model, customer_tags, vip_level, language, first_event_at, last_event_at, started_at, queued_at, bot_handoff_at, answered_at, abandoned_at, ended_at, abandon_stage, resolved_flag, service_category, ticket_id, agent_ids, transfer_event_ids, cross_team_transfer_ids, to_teams, customer_msg_ids, agent_msg_ids, bot_msg_ids, first_sentiment_state, last_sentiment_state, min_customer_sentiment, topics, ingested_at)
SELECT contact_id, customer_id, channel, product_model, customer_tags, vip_level, language, first_event_at, last_event_at, started_at, queued_at, bot_handoff_at, answered_at, abandoned_at, ended_at, abandon_stage, resolved_flag, service_category, ticket_id, agent_ids, transfer_event_ids, cross_team_transfer_ids, to_teams, customer_msg_ids, agent_msg_ids, bot_msg_ids, first_sentiment_state, last_sentiment_state, min_customer_sentiment, topics, now()
FROM contacts_agg;

-- contacts_agg had no first answer and no message labels: read them from the events.
INSERT INTO contacts_live (contact_id, first_event_at, last_event_at, first_answer, ingested_at)
SELECT contact_id, min(occurred_at), max(occurred_at),
    max(concat(leftPad(toString(9999999999999 - toUnixTimestamp64Milli(occurred_at)), 13, '0'), '\t', agent_id, '\t', toString(team))),
    now()
FROM contact_events
WHERE event_type = 'contact.agent_answered' AND agent_id != ''
GROUP BY contact_id;

INSERT INTO contacts_live (contact_id, first_event_at, last_event_at, negative_msg_ids, positive_msg_ids, ingested_at)
SELECT contact_id, min(occurred_at), max(occurred_at),
    groupUniqArrayIf(message_id, sentiment_label = 'neg'), groupUniqArrayIf(message_id, sentiment_label = 'pos'), now()
FROM messages
WHERE sender = 'customer' AND sentiment_label IN ('neg', 'pos')
GROUP BY contact_id;

-- Merged state of the contacts not sealed: the last snapshot, plus what was
-- written since (margin_seconds before it, for inserts that were in flight),
-- minus every contact that is sealed.
CREATE VIEW IF NOT EXISTS contacts_pending_states
(
    contact_id String COMMENT 'Contact id.',
    customer_id String COMMENT 'Customer id.',
    channel String COMMENT 'Channel.',
    product_model String COMMENT 'Product model.',
    customer_tags Array(String) COMMENT 'Customer tags.',
    vip_level UInt8 COMMENT 'VIP level.',
    language String COMMENT 'Language chosen.',
    first_event_at DateTime64(3, 'Asia/Shanghai') COMMENT 'Earliest event.',
    last_event_at DateTime64(3, 'Asia/Shanghai') COMMENT 'Latest event.',
    started_at Nullable(DateTime64(3, 'Asia/Shanghai')) COMMENT 'contact.started time.',
    queued_at Nullable(DateTime64(3, 'Asia/Shanghai')) COMMENT 'First queue entry.',
    bot_handoff_at Nullable(DateTime64(3, 'Asia/Shanghai')) COMMENT 'First bot hand-off.',
    answered_at Nullable(DateTime64(3, 'Asia/Shanghai')) COMMENT 'First agent answer.',
    abandoned_at Nullable(DateTime64(3, 'Asia/Shanghai')) COMMENT 'Abandonment time.',
    ended_at Nullable(DateTime64(3, 'Asia/Shanghai')) COMMENT 'contact.ended time.',
    abandon_stage String COMMENT 'bot | queue | agent.',
    resolved_flag Nullable(UInt8) COMMENT 'Agent-set resolution flag.',
    service_category String COMMENT 'Service category.',
    ticket_id String COMMENT 'Follow-up ticket.',
    agent_ids Array(String) COMMENT 'Agents who answered.',
    transfer_event_ids Array(String) COMMENT 'Transfer event ids.',
    cross_team_transfer_ids Array(String) COMMENT 'Cross-team transfer event ids.',
    to_teams Array(String) COMMENT 'Teams transferred to.',
    first_answer String COMMENT 'First answer key (see contacts_live).',
    customer_msg_ids Array(String) COMMENT 'Customer message ids.',
    agent_msg_ids Array(String) COMMENT 'Agent message ids.',
    bot_msg_ids Array(String) COMMENT 'Bot message ids.',
    negative_msg_ids Array(String) COMMENT 'Negative customer message ids.',
    positive_msg_ids Array(String) COMMENT 'Positive customer message ids.',
    first_sentiment_state AggregateFunction(argMin, Float32, Tuple(DateTime64(3, 'Asia/Shanghai'), String)) COMMENT 'First customer sentiment (state).',
    last_sentiment_state AggregateFunction(argMax, Float32, Tuple(DateTime64(3, 'Asia/Shanghai'), String)) COMMENT 'Last customer sentiment (state).',
    min_customer_sentiment Nullable(Float32) COMMENT 'Most negative customer message.',
    topics Array(String) COMMENT 'Issue topics of customer messages.',
    ingested_at DateTime('UTC') COMMENT 'Latest write of the contact''s rows.'
)
AS
WITH
    (SELECT toDateTime(greatest(toInt64(toUnixTimestamp(max(as_of)))
                                - ifNull((SELECT any(value) FROM seal_settings FINAL WHERE name = 'margin_seconds'), 1800), 0), 'UTC')
     FROM contacts_hot WHERE contact_id = '') AS live_from,
    (SELECT max(sealed_through) FROM contacts_hot WHERE contact_id = '') AS sealed_through
SELECT
    contact_id,
    max(customer_id) AS customer_id,
    max(channel) AS channel,
    max(product_model) AS product_model,
    groupUniqArrayArray(customer_tags) AS customer_tags,
    max(vip_level) AS vip_level,
    max(language) AS language,
    min(first_event_at) AS first_event_at,
    max(last_event_at) AS last_event_at,
    min(started_at) AS started_at,
    min(queued_at) AS queued_at,
    min(bot_handoff_at) AS bot_handoff_at,
    min(answered_at) AS answered_at,
    min(abandoned_at) AS abandoned_at,
    max(ended_at) AS ended_at,
    max(abandon_stage) AS abandon_stage,
    max(resolved_flag) AS resolved_flag,
    max(service_category) AS service_category,
    max(ticket_id) AS ticket_id,
    groupUniqArrayArray(agent_ids) AS agent_ids,
    groupUniqArrayArray(transfer_event_ids) AS transfer_event_ids,
    groupUniqArrayArray(cross_team_transfer_ids) AS cross_team_transfer_ids,
    groupUniqArrayArray(to_teams) AS to_teams,
    max(first_answer) AS first_answer,
    groupUniqArrayArray(customer_msg_ids) AS customer_msg_ids,
    groupUniqArrayArray(agent_msg_ids) AS agent_msg_ids,
    groupUniqArrayArray(bot_msg_ids) AS bot_msg_ids,
    groupUniqArrayArray(negative_msg_ids) AS negative_msg_ids,
    groupUniqArrayArray(positive_msg_ids) AS positive_msg_ids,
    argMinMergeState(first_sentiment_state) AS first_sentiment_state,
    argMaxMergeState(last_sentiment_state) AS last_sentiment_state,
    min(min_customer_sentiment) AS min_customer_sentiment,
    groupUniqArrayArray(topics) AS topics,
    max(ingested_at) AS ingested_at
FROM
(
    SELECT contact_id, customer_id, channel, product_model, customer_tags, vip_level, language, first_event_at, last_event_at, started_at, queued_at, bot_handoff_at, answered_at, abandoned_at, ended_at, abandon_stage, resolved_flag, service_category, ticket_id, agent_ids, transfer_event_ids, cross_team_transfer_ids, to_teams, first_answer, customer_msg_ids, agent_msg_ids, bot_msg_ids, negative_msg_ids, positive_msg_ids, first_sentiment_state, last_sentiment_state, min_customer_sentiment, topics, ingested_at
    FROM contacts_hot
    WHERE contact_id != ''
    UNION ALL
    SELECT contact_id, customer_id, channel, product_model, customer_tags, vip_level, language, first_event_at, last_event_at, started_at, queued_at, bot_handoff_at, answered_at, abandoned_at, ended_at, abandon_stage, resolved_flag, service_category, ticket_id, agent_ids, transfer_event_ids, cross_team_transfer_ids, to_teams, first_answer, customer_msg_ids, agent_msg_ids, bot_msg_ids, negative_msg_ids, positive_msg_ids, first_sentiment_state, last_sentiment_state, min_customer_sentiment, topics, ingested_at
    FROM contacts_live
    WHERE ingested_at >= live_from
)
WHERE contact_id NOT IN (
        SELECT contact_id FROM contacts_sealed_ids
        WHERE contact_id IN (SELECT contact_id FROM contacts_live WHERE ingested_at >= live_from)
          AND sealed_at <= sealed_through)
GROUP BY contact_id
COMMENT 'Internal: merged aggregate state of every contact not sealed by the snapshot''s sealed_through (contacts_hot merged with the contacts_live rows written since the snapshot, minus the contacts sealed up to sealed_through).';

-- The analyst columns of the pending contacts, from their states (the
-- formulas of the contacts view of 0004), plus what sealing needs.
CREATE VIEW IF NOT EXISTS contacts_pending
(
    contact_id String COMMENT 'Chat session or phone call id.',
    customer_id String COMMENT 'Customer id.',
    channel String COMMENT 'app | web | phone | wechat | community | email.',
    product_model String COMMENT 'Product model the contact is about.',
    customer_tags Array(String) COMMENT 'Customer tags (vip, elderly, gamer ...).',
    vip_level UInt8 COMMENT 'VIP level 0-3.',
    language String COMMENT 'zh | en, as chosen by the customer.',
    started_at DateTime64(3, 'Asia/Shanghai') COMMENT 'Start of the contact (first event if contact.started is missing).',
    queued_at Nullable(DateTime64(3, 'Asia/Shanghai')) COMMENT 'First entry into a human queue.',
    answered_at Nullable(DateTime64(3, 'Asia/Shanghai')) COMMENT 'First answer by a human agent; NULL if never answered.',
    ended_at Nullable(DateTime64(3, 'Asia/Shanghai')) COMMENT 'End of the contact; NULL while open or when abandoned without an end event.',
    abandoned UInt8 COMMENT '1 if the customer left before being served (contact.abandoned).',
    abandon_stage String COMMENT 'bot | queue | agent, where the customer abandoned.',
    wait_seconds Nullable(Float64) COMMENT 'Seconds from entering the human queue (or bot hand-off, or start) to the first agent answer; NULL if never answered.',
    abandon_wait_seconds Nullable(Float64) COMMENT 'Seconds waited before abandoning; NULL if not abandoned.',
    handle_seconds Nullable(Float64) COMMENT 'Seconds from first agent answer to end.',
    transfers UInt32 COMMENT 'Number of transfers, including those within the same team (the "transfers per contact" metric).',
    cross_team_transfers UInt32 COMMENT 'Transfers to a different team (to_team != from_team, or from_team unknown); a contact with any is not resolved at first contact.',
    agents UInt32 COMMENT 'Number of distinct agents who answered.',
    first_agent_id String COMMENT 'Agent who answered first (empty if never answered).',
    first_team String COMMENT 'Team of the agent who answered first (empty if never answered).',
    bot_handoff UInt8 COMMENT '1 if a bot handed the contact to a human.',
    resolved_flag Nullable(UInt8) COMMENT 'Agent-set resolution flag at the end (1 resolved); not FCR.',
    service_category String COMMENT 'One of the 115 service categories.',
    topic String COMMENT 'Issue topic of the service category (service_categories.topic); empty when the category is unknown. Frozen when the contact is sealed.',
    ticket_id String COMMENT 'Follow-up ticket opened from this contact, if any.',
    customer_messages UInt32 COMMENT 'Messages written by the customer.',
    agent_messages UInt32 COMMENT 'Messages written by agents.',
    bot_messages UInt32 COMMENT 'Messages written by bots.',
    negative_customer_messages UInt32 COMMENT 'Customer messages the text analytics labelled neg.',
    positive_customer_messages UInt32 COMMENT 'Customer messages the text analytics labelled pos (the rest of customer_messages are neu).',
    first_customer_sentiment Nullable(Float32) COMMENT 'Sentiment of the first customer message.',
    last_customer_sentiment Nullable(Float32) COMMENT 'Sentiment of the last customer message.',
    min_customer_sentiment Nullable(Float32) COMMENT 'Most negative customer message.',
    sentiment_shift Nullable(Float32) COMMENT 'last_customer_sentiment - first_customer_sentiment: positive means the customer left happier.',
    topics Array(String) COMMENT 'Issue topics raised by the customer.',
    ingested_at DateTime('UTC') COMMENT 'Latest write of the contact''s rows.',
    seal_ready UInt8 COMMENT '1 when contacts_seal may seal it: ended or abandoned and quiet for contact_grace_seconds, or quiet for contact_stale_seconds.'
)
AS
SELECT
    contact_id,
    customer_id,
    channel,
    product_model,
    customer_tags,
    vip_level,
    language,
    coalesce(started_at, first_event_at) AS started_at,
    queued_at,
    answered_at,
    ended_at,
    toUInt8(abandoned_at IS NOT NULL) AS abandoned,
    abandon_stage,
    if(answered_at IS NULL, NULL,
       dateDiff('millisecond', coalesce(queued_at, bot_handoff_at, started_at, first_event_at), answered_at) / 1000.0) AS wait_seconds,
    if(abandoned_at IS NULL, NULL,
       dateDiff('millisecond', coalesce(queued_at, bot_handoff_at, started_at, first_event_at), abandoned_at) / 1000.0) AS abandon_wait_seconds,
    if(answered_at IS NULL OR ended_at IS NULL, NULL, dateDiff('millisecond', answered_at, ended_at) / 1000.0) AS handle_seconds,
    toUInt32(length(transfer_event_ids)) AS transfers,
    toUInt32(length(cross_team_transfer_ids)) AS cross_team_transfers,
    toUInt32(length(agent_ids)) AS agents,
    splitByChar('\t', first_answer)[2] AS first_agent_id,
    splitByChar('\t', first_answer)[3] AS first_team,
    toUInt8(bot_handoff_at IS NOT NULL) AS bot_handoff,
    resolved_flag,
    service_category,
    ifNull(sc.topic, '') AS topic,
    ticket_id,
    toUInt32(length(customer_msg_ids)) AS customer_messages,
    toUInt32(length(agent_msg_ids)) AS agent_messages,
    toUInt32(length(bot_msg_ids)) AS bot_messages,
    toUInt32(length(negative_msg_ids)) AS negative_customer_messages,
    toUInt32(length(positive_msg_ids)) AS positive_customer_messages,
    if(length(customer_msg_ids) = 0, NULL, finalizeAggregation(first_sentiment_state)) AS first_customer_sentiment,
    if(length(customer_msg_ids) = 0, NULL, finalizeAggregation(last_sentiment_state)) AS last_customer_sentiment,
    min_customer_sentiment,
    if(length(customer_msg_ids) = 0, NULL,
       finalizeAggregation(last_sentiment_state) - finalizeAggregation(first_sentiment_state)) AS sentiment_shift,
    topics,
    ingested_at,
    toUInt8(ifNull(
        ((ended_at IS NOT NULL OR abandoned_at IS NOT NULL)
            AND ingested_at < now() - toIntervalSecond((SELECT any(value) FROM seal_settings FINAL WHERE name = 'contact_grace_seconds')))
        OR ingested_at < now() - toIntervalSecond((SELECT any(value) FROM seal_settings FINAL WHERE name = 'contact_stale_seconds')), 0)) AS seal_ready
FROM contacts_pending_states AS p
LEFT JOIN (SELECT slug, topic FROM service_categories) AS sc ON sc.slug = p.service_category
COMMENT 'Internal: the contacts not sealed yet, with the analyst columns of the contacts view (but next_*), and whether they are ready to seal.';

CREATE OR REPLACE VIEW contacts
(
    contact_id String COMMENT 'Chat session or phone call id.',
    customer_id String COMMENT 'Customer id.',
    channel String COMMENT 'app | web | phone | wechat | community | email.',
    product_model String COMMENT 'Product model the contact is about.',
    customer_tags Array(String) COMMENT 'Customer tags (vip, elderly, gamer ...).',
    vip_level UInt8 COMMENT 'VIP level 0-3.',
    language String COMMENT 'zh | en, as chosen by the customer.',
    started_at DateTime64(3, 'Asia/Shanghai') COMMENT 'Start of the contact (first event if contact.started is missing).',
    queued_at Nullable(DateTime64(3, 'Asia/Shanghai')) COMMENT 'First entry into a human queue.',
    answered_at Nullable(DateTime64(3, 'Asia/Shanghai')) COMMENT 'First answer by a human agent; NULL if never answered.',
    ended_at Nullable(DateTime64(3, 'Asia/Shanghai')) COMMENT 'End of the contact; NULL while open or when abandoned without an end event.',
    abandoned UInt8 COMMENT '1 if the customer left before being served (contact.abandoned).',
    abandon_stage String COMMENT 'bot | queue | agent, where the customer abandoned.',
    wait_seconds Nullable(Float64) COMMENT 'Seconds from entering the human queue (or bot hand-off, or start) to the first agent answer; NULL if never answered.',
    abandon_wait_seconds Nullable(Float64) COMMENT 'Seconds waited before abandoning; NULL if not abandoned.',
    handle_seconds Nullable(Float64) COMMENT 'Seconds from first agent answer to end.',
    transfers UInt32 COMMENT 'Number of transfers, including those within the same team (the "transfers per contact" metric).',
    cross_team_transfers UInt32 COMMENT 'Transfers to a different team (to_team != from_team, or from_team unknown); a contact with any is not resolved at first contact.',
    agents UInt32 COMMENT 'Number of distinct agents who answered.',
    first_agent_id String COMMENT 'Agent who answered first (empty if never answered).',
    first_team String COMMENT 'Team of the agent who answered first (empty if never answered).',
    bot_handoff UInt8 COMMENT '1 if a bot handed the contact to a human.',
    resolved_flag Nullable(UInt8) COMMENT 'Agent-set resolution flag at the end (1 resolved); not FCR.',
    service_category String COMMENT 'One of the 115 service categories.',
    topic String COMMENT 'Issue topic of the service category (service_categories.topic); empty when the category is unknown. Frozen when the contact is sealed.',
    ticket_id String COMMENT 'Follow-up ticket opened from this contact, if any.',
    customer_messages UInt32 COMMENT 'Messages written by the customer.',
    agent_messages UInt32 COMMENT 'Messages written by agents.',
    bot_messages UInt32 COMMENT 'Messages written by bots.',
    negative_customer_messages UInt32 COMMENT 'Customer messages the text analytics labelled neg.',
    positive_customer_messages UInt32 COMMENT 'Customer messages the text analytics labelled pos (the rest of customer_messages are neu).',
    first_customer_sentiment Nullable(Float32) COMMENT 'Sentiment of the first customer message.',
    last_customer_sentiment Nullable(Float32) COMMENT 'Sentiment of the last customer message.',
    min_customer_sentiment Nullable(Float32) COMMENT 'Most negative customer message.',
    sentiment_shift Nullable(Float32) COMMENT 'last_customer_sentiment - first_customer_sentiment: positive means the customer left happier.',
    topics Array(String) COMMENT 'Issue topics raised by the customer.',
    next_same_topic_at Nullable(DateTime64(3, 'Asia/Shanghai')) COMMENT 'Start of the same customer''s next contact (any channel) about the same topic, in (started_at, contact_id) order; NULL if none yet or if customer or topic is unknown. FCR: a repeat within N days is next_same_topic_at < started_at + N days. Final once both contacts are sealed (minutes after they end); until this contact is sealed it counts only contacts not yet sealed either.',
    next_contact_at Nullable(DateTime64(3, 'Asia/Shanghai')) COMMENT 'Start of the same customer''s next contact of any topic (bot containment: did the customer come back?); NULL if none yet or the customer is unknown. Sealed like next_same_topic_at.'
)
AS
SELECT contact_id, customer_id, channel, product_model, customer_tags, vip_level, language, started_at, queued_at, answered_at, ended_at,
    abandoned, abandon_stage, wait_seconds, abandon_wait_seconds, handle_seconds, transfers, cross_team_transfers, agents,
    first_agent_id, first_team, bot_handoff, resolved_flag, service_category, topic, ticket_id,
    customer_messages, agent_messages, bot_messages, negative_customer_messages, positive_customer_messages,
    first_customer_sentiment, last_customer_sentiment, min_customer_sentiment, sentiment_shift, topics,
    next_same_topic_at, next_contact_at
FROM contacts_sealed FINAL
WHERE sealed_at <= (SELECT max(sealed_through) FROM contacts_hot WHERE contact_id = '') AND contact_id != ''
UNION ALL
SELECT contact_id, customer_id, channel, product_model, customer_tags, vip_level, language, started_at, queued_at, answered_at, ended_at,
    abandoned, abandon_stage, wait_seconds, abandon_wait_seconds, handle_seconds, transfers, cross_team_transfers, agents,
    first_agent_id, first_team, bot_handoff, resolved_flag, service_category, topic, ticket_id,
    customer_messages, agent_messages, bot_messages, negative_customer_messages, positive_customer_messages,
    first_customer_sentiment, last_customer_sentiment, min_customer_sentiment, sentiment_shift, topics,
    if(customer_id = '' OR topic = '', NULL,
       leadInFrame(toNullable(started_at)) OVER (PARTITION BY customer_id, topic ORDER BY started_at, contact_id
                                                 ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING)) AS next_same_topic_at,
    if(customer_id = '', NULL,
       leadInFrame(toNullable(started_at)) OVER (PARTITION BY customer_id ORDER BY started_at, contact_id
                                                 ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING)) AS next_contact_at
FROM contacts_pending
COMMENT 'One row per chat session or phone call: waits, transfers, outcome, customer sentiment and the customer''s next contacts (FCR). Each event counts once however often it was delivered; a contact sealed after it ended never changes again.';

-- The seal: up to contact_batch_rows ready contacts, with next_* computed
-- against each other and against the customers' sealed contacts, plus one
-- key-only row for each sealed contact whose next contact is in the batch,
-- and last (one thread, sorted) the round's marker.
-- contacts_pending is read twice (the batch, and the customers to look up);
-- both see the same ready contacts, since now() is fixed for the query and a
-- write only makes a contact not ready, so the customers looked up always
-- include the batch's. Contacts sealed by a round not yet published by a
-- snapshot are still pending: the batch leaves out every sealed id.
CREATE MATERIALIZED VIEW IF NOT EXISTS contacts_seal
REFRESH EVERY 1 MINUTE APPEND TO contacts_sealed AS
WITH
    now64(6, 'UTC') AS round,
    (SELECT toDateTime(greatest(toInt64(toUnixTimestamp(max(as_of)))
                                - ifNull((SELECT any(value) FROM seal_settings FINAL WHERE name = 'margin_seconds'), 1800), 0), 'UTC')
     FROM contacts_hot WHERE contact_id = '') AS live_from
SELECT
    started_at, contact_id, customer_id, channel, product_model, customer_tags, vip_level, language,
    queued_at, answered_at, ended_at, abandoned, abandon_stage, wait_seconds, abandon_wait_seconds, handle_seconds,
    transfers, cross_team_transfers, agents, first_agent_id, first_team, bot_handoff, resolved_flag,
    service_category, topic, ticket_id, customer_messages, agent_messages, bot_messages,
    negative_customer_messages, positive_customer_messages,
    first_customer_sentiment, last_customer_sentiment, min_customer_sentiment, sentiment_shift, topics,
    next_same_topic_at, next_contact_at, sealed_at
FROM
(
    SELECT
        started_at, contact_id, customer_id, channel, product_model, customer_tags, vip_level, language,
    queued_at, answered_at, ended_at, abandoned, abandon_stage, wait_seconds, abandon_wait_seconds, handle_seconds,
    transfers, cross_team_transfers, agents, first_agent_id, first_team, bot_handoff, resolved_flag,
    service_category, topic, ticket_id, customer_messages, agent_messages, bot_messages,
    negative_customer_messages, positive_customer_messages,
    first_customer_sentiment, last_customer_sentiment, min_customer_sentiment, sentiment_shift, topics,
        if(customer_id = '' OR topic = '' OR (is_batch = 0 AND next_topic_is_batch = 0), NULL, next_topic_at) AS next_same_topic_at,
        if(customer_id = '' OR (is_batch = 0 AND next_contact_is_batch = 0), NULL, next_any_at) AS next_contact_at,
        if(is_batch = 1, round, toDateTime64(0, 6, 'UTC')) AS sealed_at
    FROM
    (
        SELECT *,
            leadInFrame(toNullable(started_at)) OVER same_topic AS next_topic_at,
            leadInFrame(is_batch) OVER same_topic AS next_topic_is_batch,
            leadInFrame(toNullable(started_at)) OVER same_customer AS next_any_at,
            leadInFrame(is_batch) OVER same_customer AS next_contact_is_batch
        FROM
        (
            SELECT started_at, contact_id, customer_id, channel, product_model, customer_tags, vip_level, language,
    queued_at, answered_at, ended_at, abandoned, abandon_stage, wait_seconds, abandon_wait_seconds, handle_seconds,
    transfers, cross_team_transfers, agents, first_agent_id, first_team, bot_handoff, resolved_flag,
    service_category, topic, ticket_id, customer_messages, agent_messages, bot_messages,
    negative_customer_messages, positive_customer_messages,
    first_customer_sentiment, last_customer_sentiment, min_customer_sentiment, sentiment_shift, topics,
                toUInt8(1) AS is_batch
            FROM contacts_pending
            WHERE seal_ready = 1
              AND contact_id NOT IN (
                  SELECT contact_id FROM contacts_sealed_ids
                  WHERE contact_id IN (SELECT contact_id FROM contacts_hot WHERE contact_id != ''
                                       UNION ALL SELECT contact_id FROM contacts_live WHERE ingested_at >= live_from))
            LIMIT ifNull((SELECT any(value) FROM seal_settings FINAL WHERE name = 'contact_batch_rows'), 1000000)
            UNION ALL
            SELECT DISTINCT started_at, contact_id, customer_id, '', '', [], 0, '',
        NULL, NULL, NULL, 0, '', NULL, NULL, NULL,
        0, 0, 0, '', '', 0, NULL,
        '', toString(topic), '', 0, 0, 0,
        0, 0,
        NULL, NULL, NULL, NULL, [],
                toUInt8(0)
            FROM contacts_by_customer
            WHERE customer_id IN (SELECT customer_id FROM contacts_pending WHERE seal_ready = 1 AND customer_id != '')
        )
        WINDOW
            same_topic AS (PARTITION BY customer_id, topic ORDER BY started_at, contact_id ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING),
            same_customer AS (PARTITION BY customer_id ORDER BY started_at, contact_id ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING)
    )
    WHERE is_batch = 1
       OR (next_topic_is_batch = 1 AND topic != '' AND customer_id != '')
       OR (next_contact_is_batch = 1 AND customer_id != '')
    UNION ALL
    SELECT toDateTime64(0, 3, 'Asia/Shanghai'), '', '', '', '', [], 0, '',
        NULL, NULL, NULL, 0, '', NULL, NULL, NULL,
        0, 0, 0, '', '', 0, NULL,
        '', '', '', 0, 0, 0,
        0, 0,
        NULL, NULL, NULL, NULL, [],
        NULL, NULL, round
)
ORDER BY contact_id = ''
SETTINGS max_threads = 1, max_insert_threads = 1,
    max_bytes_before_external_group_by = 1000000000, max_bytes_before_external_sort = 1000000000;

-- The snapshot: the merged state of every contact not sealed by the last
-- complete round, that round (sealed_through) and the time it was taken (the
-- row with an empty id). Replaces contacts_hot atomically.
CREATE MATERIALIZED VIEW IF NOT EXISTS contacts_snapshot
REFRESH EVERY 1 MINUTE OFFSET 30 SECOND TO contacts_hot AS
WITH
    ifNull((SELECT any(sealed_at) FROM contacts_sealed_ids WHERE contact_id = ''), toDateTime64(0, 6, 'UTC')) AS new_sealed_through,
    (SELECT toDateTime(greatest(toInt64(toUnixTimestamp(max(as_of)))
                                - ifNull((SELECT any(value) FROM seal_settings FINAL WHERE name = 'margin_seconds'), 1800), 0), 'UTC')
     FROM contacts_hot WHERE contact_id = '') AS live_from
SELECT contact_id, customer_id, channel, product_model, customer_tags, vip_level, language, first_event_at, last_event_at, started_at, queued_at, bot_handoff_at, answered_at, abandoned_at, ended_at, abandon_stage, resolved_flag, service_category, ticket_id, agent_ids, transfer_event_ids, cross_team_transfer_ids, to_teams, first_answer, customer_msg_ids, agent_msg_ids, bot_msg_ids, negative_msg_ids, positive_msg_ids, first_sentiment_state, last_sentiment_state, min_customer_sentiment, topics, ingested_at, now() AS as_of, new_sealed_through AS sealed_through
FROM contacts_pending_states
WHERE contact_id NOT IN (
    SELECT contact_id FROM contacts_sealed_ids
    WHERE contact_id IN (SELECT contact_id FROM contacts_hot WHERE contact_id != ''
                         UNION ALL SELECT contact_id FROM contacts_live WHERE ingested_at >= live_from)
      AND sealed_at <= new_sealed_through)
UNION ALL
SELECT '' AS contact_id, '', '', '', [], 0, '', toDateTime64(0, 3, 'Asia/Shanghai'), toDateTime64(0, 3, 'Asia/Shanghai'), NULL, NULL, NULL, NULL, NULL, NULL, '', NULL, '', '', [], [], [], [], '', [], [], [], [], [],
    initializeAggregation('argMinState', toFloat32(0), (toDateTime64(0, 3, 'Asia/Shanghai'), '')),
    initializeAggregation('argMaxState', toFloat32(0), (toDateTime64(0, 3, 'Asia/Shanghai'), '')),
    NULL, [], toDateTime(0, 'UTC'), now() AS as_of, new_sealed_through AS sealed_through
SETTINGS max_bytes_before_external_group_by = 1000000000;

DROP TABLE IF EXISTS contacts_agg;
