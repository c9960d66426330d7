-- survey_answers promised one row per answered survey but returned sent-only
-- surveys too: its filter `WHERE answered_at IS NOT NULL` read the SELECT
-- alias `assumeNotNull(answered_at) AS answered_at` (ClickHouse resolves a
-- WHERE identifier to a SELECT alias of the same name first), so it was always
-- true. The filter now runs in a subquery, on the stored column, before the
-- alias exists. The other views were checked for the same trap: contacts
-- (started_at), tickets (created_at, status, done_at) and suggestion_posts
-- (posted_at, status) reuse aliases only where the alias is the value meant.
--
-- surveys is new: one row per survey sent, answered or not, for the
-- response rate (answered / sent) that survey_answers cannot give.

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
FROM (SELECT * FROM surveys_agg FINAL WHERE answered_at IS NOT NULL)
COMMENT 'One row per answered survey (every survey, answered or not, is in surveys): CSAT, 32 likes, NPS, solved?, comment sentiment.';

CREATE VIEW IF NOT EXISTS surveys
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
FROM surveys_agg FINAL
COMMENT 'One row per survey, sent or answered: the population of the survey response rate. Answers are in survey_answers.';
