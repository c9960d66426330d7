-- Surveys at scale, as contacts in 0010: an answered survey is sealed into
-- surveys_sealed (by month of sending, ordered by sent time) once nothing was
-- written for it for seal_settings.survey_grace_seconds (1 hour); a survey
-- never answered is sealed as unanswered once nothing was written for it for
-- survey_stale_seconds (14 days), and an answer after that is kept in
-- survey_events but counts nowhere. survey_answers and surveys read
-- surveys_current: surveys_sealed plus the pending surveys (surveys_hot
-- merged with the live rows written since), exact at every moment; seal
-- rounds are published by the snapshot as contacts' are.

INSERT INTO seal_settings (name, value) VALUES
    ('survey_grace_seconds', 3600),
    ('survey_stale_seconds', 1209600),
    ('survey_batch_rows', 2000000);

CREATE TABLE IF NOT EXISTS surveys_live
(
    survey_id String COMMENT 'Survey id.',
    contact_id SimpleAggregateFunction(max, String) COMMENT 'Contact surveyed.',
    ticket_id SimpleAggregateFunction(max, String) COMMENT 'Ticket surveyed.',
    customer_id SimpleAggregateFunction(max, String) COMMENT 'Customer.',
    channel SimpleAggregateFunction(max, String) COMMENT 'Channel.',
    sent_at SimpleAggregateFunction(min, Nullable(DateTime64(3, 'Asia/Shanghai'))) COMMENT 'Sent time.',
    answered_at SimpleAggregateFunction(min, Nullable(DateTime64(3, 'Asia/Shanghai'))) COMMENT 'Answer time.',
    csat SimpleAggregateFunction(max, Nullable(UInt8)) COMMENT 'CSAT.',
    likes32 SimpleAggregateFunction(max, Nullable(Int8)) COMMENT '32 likes.',
    nps SimpleAggregateFunction(max, Nullable(UInt8)) COMMENT 'NPS.',
    solved SimpleAggregateFunction(max, Nullable(UInt8)) COMMENT 'Solved.',
    comment SimpleAggregateFunction(max, String) COMMENT 'Comment.',
    comment_sentiment SimpleAggregateFunction(max, Nullable(Float32)) COMMENT 'Comment sentiment.',
    comment_label SimpleAggregateFunction(max, String) COMMENT 'Comment label.',
    topics SimpleAggregateFunction(groupUniqArrayArray, Array(String)) COMMENT 'Comment topics.',
    ingested_at SimpleAggregateFunction(max, DateTime('UTC')) COMMENT 'When the row was written (the latest of the rows merged into it).'
)
ENGINE = AggregatingMergeTree
PARTITION BY toStartOfHour(ingested_at)
ORDER BY survey_id
TTL ingested_at + INTERVAL 7 DAY
SETTINGS ttl_only_drop_parts = 1, merge_with_ttl_timeout = 3600
COMMENT 'Per-insert partial aggregates of surveys, by the hour they were written, kept 7 days (surveys_hot carries the open ones forward). Internal: read survey_answers or surveys.';

CREATE TABLE IF NOT EXISTS surveys_hot
(
    survey_id String COMMENT 'Survey id.',
    contact_id SimpleAggregateFunction(max, String) COMMENT 'Contact surveyed.',
    ticket_id SimpleAggregateFunction(max, String) COMMENT 'Ticket surveyed.',
    customer_id SimpleAggregateFunction(max, String) COMMENT 'Customer.',
    channel SimpleAggregateFunction(max, String) COMMENT 'Channel.',
    sent_at SimpleAggregateFunction(min, Nullable(DateTime64(3, 'Asia/Shanghai'))) COMMENT 'Sent time.',
    answered_at SimpleAggregateFunction(min, Nullable(DateTime64(3, 'Asia/Shanghai'))) COMMENT 'Answer time.',
    csat SimpleAggregateFunction(max, Nullable(UInt8)) COMMENT 'CSAT.',
    likes32 SimpleAggregateFunction(max, Nullable(Int8)) COMMENT '32 likes.',
    nps SimpleAggregateFunction(max, Nullable(UInt8)) COMMENT 'NPS.',
    solved SimpleAggregateFunction(max, Nullable(UInt8)) COMMENT 'Solved.',
    comment SimpleAggregateFunction(max, String) COMMENT 'Comment.',
    comment_sentiment SimpleAggregateFunction(max, Nullable(Float32)) COMMENT 'Comment sentiment.',
    comment_label SimpleAggregateFunction(max, String) COMMENT 'Comment label.',
    topics SimpleAggregateFunction(groupUniqArrayArray, Array(String)) COMMENT 'Comment topics.',
    ingested_at SimpleAggregateFunction(max, DateTime('UTC')) COMMENT 'When the row was written (the latest of the rows merged into it).',
    as_of DateTime('UTC') COMMENT 'When this snapshot was taken: surveys_live rows written since as_of - margin_seconds are merged on top of it.',
    sealed_through DateTime64(6, 'UTC') COMMENT 'Last complete seal round when the snapshot was taken.'
)
ENGINE = MergeTree
ORDER BY survey_id
COMMENT 'Merged state of every survey not yet sealed, as of the last surveys_snapshot refresh (replaced atomically); the row with an empty survey_id carries as_of and sealed_through. Internal.';

INSERT INTO surveys_hot (survey_id, as_of, sealed_through) VALUES ('', 0, 0);

CREATE TABLE IF NOT EXISTS surveys_sealed
(
    event_at DateTime64(3, 'Asia/Shanghai') COMMENT 'sent_at, or answered_at when the survey.sent event never arrived: the sort key.',
    survey_id String COMMENT 'Survey id.',
    contact_id String COMMENT 'Contact surveyed.',
    ticket_id String COMMENT 'Ticket surveyed.',
    customer_id String COMMENT 'Customer.',
    channel LowCardinality(String) COMMENT 'Channel.',
    sent_at Nullable(DateTime64(3, 'Asia/Shanghai')) COMMENT 'Sent time.',
    answered_at Nullable(DateTime64(3, 'Asia/Shanghai')) COMMENT 'Answer time.',
    csat Nullable(UInt8) COMMENT 'CSAT.',
    likes32 Nullable(Int8) COMMENT '32 likes.',
    nps Nullable(UInt8) COMMENT 'NPS.',
    solved Nullable(UInt8) COMMENT 'Solved.',
    comment String COMMENT 'Comment.',
    comment_sentiment Nullable(Float32) COMMENT 'Comment sentiment.',
    comment_label LowCardinality(String) COMMENT 'Comment label.',
    topics Array(String) COMMENT 'Comment topics.',
    sealed_at DateTime64(6, 'UTC') COMMENT 'Seal round that sealed the survey; the row with an empty survey_id marks the end of a round.',
    INDEX sent_idx sent_at TYPE minmax GRANULARITY 1,
    INDEX answered_idx answered_at TYPE minmax GRANULARITY 1
)
ENGINE = ReplacingMergeTree(sealed_at)
PARTITION BY toYYYYMM(event_at)
ORDER BY (event_at, survey_id)
COMMENT 'One row per sealed survey with its columns final, by month of sending. Read through survey_answers or surveys.';

CREATE TABLE IF NOT EXISTS surveys_sealed_ids
(
    survey_id String COMMENT 'A sealed survey.',
    sealed_at DateTime64(6, 'UTC') COMMENT 'Seal round that sealed it.'
)
ENGINE = EmbeddedRocksDB
PRIMARY KEY survey_id
COMMENT 'Ids of the sealed surveys with their seal round, for key lookups; the empty id holds the last complete round.';

CREATE MATERIALIZED VIEW IF NOT EXISTS surveys_sealed_ids_from_sealed TO surveys_sealed_ids AS
SELECT survey_id, sealed_at FROM surveys_sealed;

CREATE MATERIALIZED VIEW IF NOT EXISTS surveys_live_from_events TO surveys_live AS
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
    groupUniqArrayArray(arrayMap(x -> toString(x), topics)) AS topics,
    nowInBlock() AS ingested_at
FROM survey_events
GROUP BY survey_id;

DROP VIEW IF EXISTS surveys_from_events;

INSERT INTO surveys_live (survey_id, contact_id, ticket_id, customer_id, channel, sent_at, answered_at, csat, likes32, nps, solved, comment, comment_sentiment, comment_label, topics, ingested_at)
SELECT survey_id, contact_id, ticket_id, customer_id, channel, sent_at, answered_at, csat, likes32, nps, solved, comment, comment_sentiment, comment_label, topics, now()
FROM surveys_agg;

CREATE VIEW IF NOT EXISTS surveys_pending_states
(
    survey_id String COMMENT 'Survey id.',
    contact_id String COMMENT 'Contact surveyed.',
    ticket_id String COMMENT 'Ticket surveyed.',
    customer_id String COMMENT 'Customer.',
    channel String COMMENT 'Channel.',
    sent_at Nullable(DateTime64(3, 'Asia/Shanghai')) COMMENT 'Sent time.',
    answered_at Nullable(DateTime64(3, 'Asia/Shanghai')) COMMENT 'Answer time.',
    csat Nullable(UInt8) COMMENT 'CSAT.',
    likes32 Nullable(Int8) COMMENT '32 likes.',
    nps Nullable(UInt8) COMMENT 'NPS.',
    solved Nullable(UInt8) COMMENT 'Solved.',
    comment String COMMENT 'Comment.',
    comment_sentiment Nullable(Float32) COMMENT 'Comment sentiment.',
    comment_label String COMMENT 'Comment label.',
    topics Array(String) COMMENT 'Comment topics.',
    ingested_at DateTime('UTC') COMMENT 'When the row was written (the latest of the rows merged into it).'
)
AS
WITH
    (SELECT toDateTime(greatest(toInt64(toUnixTimestamp(max(as_of)))
                                - ifNull((SELECT any(value) FROM seal_settings FINAL WHERE name = 'margin_seconds'), 120), 0), 'UTC')
     FROM surveys_hot WHERE survey_id = '') AS live_from,
    (SELECT max(sealed_through) FROM surveys_hot WHERE survey_id = '') AS sealed_through
SELECT
    survey_id,
    max(contact_id) AS contact_id,
    max(ticket_id) AS ticket_id,
    max(customer_id) AS customer_id,
    max(channel) AS channel,
    min(sent_at) AS sent_at,
    min(answered_at) AS answered_at,
    max(csat) AS csat,
    max(likes32) AS likes32,
    max(nps) AS nps,
    max(solved) AS solved,
    max(comment) AS comment,
    max(comment_sentiment) AS comment_sentiment,
    max(comment_label) AS comment_label,
    groupUniqArrayArray(topics) AS topics,
    max(ingested_at) AS ingested_at
FROM
(
    SELECT survey_id, contact_id, ticket_id, customer_id, channel, sent_at, answered_at, csat, likes32, nps, solved, comment, comment_sentiment, comment_label, topics, ingested_at
    FROM surveys_hot
    WHERE survey_id != ''
    UNION ALL
    SELECT survey_id, contact_id, ticket_id, customer_id, channel, sent_at, answered_at, csat, likes32, nps, solved, comment, comment_sentiment, comment_label, topics, ingested_at
    FROM surveys_live
    WHERE ingested_at >= live_from
)
WHERE survey_id NOT IN (
        SELECT survey_id FROM surveys_sealed_ids
        WHERE survey_id IN (SELECT survey_id FROM surveys_live WHERE ingested_at >= live_from)
          AND sealed_at <= sealed_through)
GROUP BY survey_id
COMMENT 'Internal: merged aggregate state of every survey not sealed by the snapshot''s sealed_through.';

CREATE VIEW IF NOT EXISTS surveys_pending
(
    survey_id String COMMENT 'Survey id.',
    contact_id String COMMENT 'Contact surveyed.',
    ticket_id String COMMENT 'Ticket surveyed.',
    customer_id String COMMENT 'Customer.',
    channel String COMMENT 'Channel.',
    sent_at Nullable(DateTime64(3, 'Asia/Shanghai')) COMMENT 'Sent time.',
    answered_at Nullable(DateTime64(3, 'Asia/Shanghai')) COMMENT 'Answer time.',
    csat Nullable(UInt8) COMMENT 'CSAT.',
    likes32 Nullable(Int8) COMMENT '32 likes.',
    nps Nullable(UInt8) COMMENT 'NPS.',
    solved Nullable(UInt8) COMMENT 'Solved.',
    comment String COMMENT 'Comment.',
    comment_sentiment Nullable(Float32) COMMENT 'Comment sentiment.',
    comment_label String COMMENT 'Comment label.',
    topics Array(String) COMMENT 'Comment topics.',
    ingested_at DateTime('UTC') COMMENT 'Latest write of the survey''s rows.',
    seal_ready UInt8 COMMENT '1 when surveys_seal may seal it: answered and quiet for survey_grace_seconds, or quiet for survey_stale_seconds.'
)
AS SELECT survey_id, contact_id, ticket_id, customer_id, channel, sent_at, answered_at, csat, likes32, nps, solved, comment, comment_sentiment, comment_label, topics, ingested_at,
    toUInt8(ifNull(
        (answered_at IS NOT NULL AND ingested_at < now() - toIntervalSecond((SELECT any(value) FROM seal_settings FINAL WHERE name = 'survey_grace_seconds')))
        OR ingested_at < now() - toIntervalSecond((SELECT any(value) FROM seal_settings FINAL WHERE name = 'survey_stale_seconds')), 0)) AS seal_ready
FROM surveys_pending_states
COMMENT 'Internal: the surveys not sealed yet, and whether they are ready to seal.';

CREATE VIEW IF NOT EXISTS surveys_current
(
    survey_id String COMMENT 'Survey id.',
    contact_id String COMMENT 'Contact surveyed.',
    ticket_id String COMMENT 'Ticket surveyed.',
    customer_id String COMMENT 'Customer.',
    channel String COMMENT 'Channel.',
    sent_at Nullable(DateTime64(3, 'Asia/Shanghai')) COMMENT 'Sent time.',
    answered_at Nullable(DateTime64(3, 'Asia/Shanghai')) COMMENT 'Answer time.',
    csat Nullable(UInt8) COMMENT 'CSAT.',
    likes32 Nullable(Int8) COMMENT '32 likes.',
    nps Nullable(UInt8) COMMENT 'NPS.',
    solved Nullable(UInt8) COMMENT 'Solved.',
    comment String COMMENT 'Comment.',
    comment_sentiment Nullable(Float32) COMMENT 'Comment sentiment.',
    comment_label String COMMENT 'Comment label.',
    topics Array(String) COMMENT 'Comment topics.'
)
AS
SELECT survey_id, contact_id, ticket_id, customer_id, channel, sent_at, answered_at, csat, likes32, nps, solved, comment, comment_sentiment, comment_label, topics
FROM surveys_sealed
WHERE sealed_at <= (SELECT max(sealed_through) FROM surveys_hot WHERE survey_id = '') AND survey_id != ''
UNION ALL
SELECT survey_id, contact_id, ticket_id, customer_id, channel, sent_at, answered_at, csat, likes32, nps, solved, comment, comment_sentiment, comment_label, topics
FROM surveys_pending
COMMENT 'Internal: one row per survey with its aggregated columns, sealed or pending; survey_answers and surveys read it.';

CREATE OR REPLACE VIEW survey_answers
(
    survey_id String COMMENT 'Survey id.',
    contact_id String COMMENT 'Contact the survey asked about (empty for ticket surveys).',
    ticket_id String COMMENT 'Ticket the survey asked about (empty for contact surveys).',
    customer_id String COMMENT 'Customer.',
    channel String COMMENT 'Channel the survey was sent on.',
    sent_at Nullable(DateTime64(3, 'Asia/Shanghai')) COMMENT 'When it was sent (NULL if the survey.sent event never arrived); metrics attribute surveys to this time.',
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
FROM (SELECT * FROM surveys_current WHERE answered_at IS NOT NULL)
COMMENT 'One row per answered survey (every survey, answered or not, is in surveys): CSAT, 32 likes, NPS, solved?, comment sentiment.';

CREATE OR REPLACE VIEW surveys
(
    survey_id String COMMENT 'Survey id.',
    contact_id String COMMENT 'Contact the survey asked about (empty for ticket surveys).',
    ticket_id String COMMENT 'Ticket the survey asked about (empty for contact surveys).',
    customer_id String COMMENT 'Customer.',
    channel String COMMENT 'Channel the survey was sent on.',
    sent_at Nullable(DateTime64(3, 'Asia/Shanghai')) COMMENT 'When it was sent (NULL if the survey.sent event never arrived).',
    answered_at Nullable(DateTime64(3, 'Asia/Shanghai')) COMMENT 'When it was answered; NULL while unanswered.',
    answered UInt8 COMMENT '1 if answered.',
    csat Nullable(UInt8) COMMENT '1-5 stars, when answered.',
    nps_group String COMMENT 'promoter | passive | detractor | empty.'
)
AS SELECT
    survey_id, contact_id, ticket_id, customer_id, channel, sent_at, answered_at,
    toUInt8(answered_at IS NOT NULL) AS answered,
    csat,
    multiIf(nps IS NULL, '', nps >= 9, 'promoter', nps >= 7, 'passive', 'detractor') AS nps_group
FROM surveys_current
COMMENT 'One row per survey, sent or answered: the population of the survey response rate. Answers are in survey_answers.';

-- The seal: up to survey_batch_rows ready surveys, then (one thread, sorted)
-- the round's marker.
CREATE MATERIALIZED VIEW IF NOT EXISTS surveys_seal
REFRESH EVERY 1 MINUTE APPEND TO surveys_sealed AS
WITH
    now64(6, 'UTC') AS round,
    (SELECT toDateTime(greatest(toInt64(toUnixTimestamp(max(as_of)))
                                - ifNull((SELECT any(value) FROM seal_settings FINAL WHERE name = 'margin_seconds'), 120), 0), 'UTC')
     FROM surveys_hot WHERE survey_id = '') AS live_from
SELECT event_at, survey_id, contact_id, ticket_id, customer_id, channel, sent_at, answered_at, csat, likes32, nps, solved, comment, comment_sentiment, comment_label, topics, sealed_at
FROM
(
    SELECT coalesce(sent_at, answered_at, toDateTime64(0, 3, 'Asia/Shanghai')) AS event_at, survey_id, contact_id, ticket_id, customer_id, channel, sent_at, answered_at, csat, likes32, nps, solved, comment, comment_sentiment, comment_label, topics, round AS sealed_at
    FROM surveys_pending
    WHERE seal_ready = 1
      AND survey_id NOT IN (SELECT survey_id FROM surveys_sealed_ids WHERE survey_id IN (SELECT survey_id FROM surveys_hot WHERE survey_id != '' UNION ALL SELECT survey_id FROM surveys_live WHERE ingested_at >= live_from))
    LIMIT ifNull((SELECT any(value) FROM seal_settings FINAL WHERE name = 'survey_batch_rows'), 2000000)
    UNION ALL
    SELECT toDateTime64(0, 3, 'Asia/Shanghai'), '', '', '', '', '', NULL, NULL, NULL, NULL, NULL, NULL, '', NULL, '', [], round
)
ORDER BY survey_id = ''
SETTINGS max_threads = 1, max_insert_threads = 1,
    max_bytes_before_external_group_by = 1000000000, max_bytes_before_external_sort = 1000000000;

CREATE MATERIALIZED VIEW IF NOT EXISTS surveys_snapshot
REFRESH EVERY 1 MINUTE OFFSET 30 SECOND TO surveys_hot AS
WITH
    ifNull((SELECT any(sealed_at) FROM surveys_sealed_ids WHERE survey_id = ''), toDateTime64(0, 6, 'UTC')) AS new_sealed_through,
    (SELECT toDateTime(greatest(toInt64(toUnixTimestamp(max(as_of)))
                                - ifNull((SELECT any(value) FROM seal_settings FINAL WHERE name = 'margin_seconds'), 120), 0), 'UTC')
     FROM surveys_hot WHERE survey_id = '') AS live_from
SELECT survey_id, contact_id, ticket_id, customer_id, channel, sent_at, answered_at, csat, likes32, nps, solved, comment, comment_sentiment, comment_label, topics, ingested_at, now() AS as_of, new_sealed_through AS sealed_through
FROM surveys_pending_states
WHERE survey_id NOT IN (
    SELECT survey_id FROM surveys_sealed_ids
    WHERE survey_id IN (SELECT survey_id FROM surveys_hot WHERE survey_id != '' UNION ALL SELECT survey_id FROM surveys_live WHERE ingested_at >= live_from)
      AND sealed_at <= new_sealed_through)
UNION ALL
SELECT '' AS survey_id, '', '', '', '', NULL, NULL, NULL, NULL, NULL, NULL, '', NULL, '', [], toDateTime(0, 'UTC'), now() AS as_of, new_sealed_through AS sealed_through
SETTINGS max_bytes_before_external_group_by = 1000000000;

DROP TABLE IF EXISTS surveys_agg;
