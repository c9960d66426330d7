-- Transfers to another team, kept apart from all transfers: FCR (DOMAIN.md) counts a
-- contact transferred to another team as not resolved at first contact, while the
-- "transfers per contact" metric counts every transfer. A transfer whose from_team is
-- unknown counts as cross-team.
--
-- The materialized view is re-created with the new column, then every existing contact is
-- re-aggregated from contact_events. That is safe because contacts_agg keeps only
-- idempotent aggregates (min, max, unique arrays): re-reading an event never changes a
-- result, and events inserted between the DROP and the CREATE are read by the backfill.

ALTER TABLE contacts_agg ADD COLUMN IF NOT EXISTS cross_team_transfer_ids SimpleAggregateFunction(groupUniqArrayArray, Array(String)) COMMENT 'Event ids of transfers to a different team.' AFTER transfer_event_ids;

DROP VIEW IF EXISTS contacts_from_events;

CREATE MATERIALIZED VIEW contacts_from_events TO contacts_agg AS
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
    groupUniqArrayIf(toString(to_team), event_type = 'contact.transferred' AND to_team != '') AS to_teams
FROM contact_events
GROUP BY contact_id;

INSERT INTO contacts_agg (contact_id, customer_id, channel, product_model, customer_tags, vip_level, language, first_event_at, last_event_at, started_at, queued_at, bot_handoff_at, answered_at, abandoned_at, ended_at, abandon_stage, resolved_flag, service_category, ticket_id, agent_ids, transfer_event_ids, cross_team_transfer_ids, to_teams)
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
    groupUniqArrayIf(toString(to_team), event_type = 'contact.transferred' AND to_team != '') AS to_teams
FROM contact_events
GROUP BY contact_id;

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
    bot_handoff UInt8 COMMENT '1 if a bot handed the contact to a human.',
    resolved_flag Nullable(UInt8) COMMENT 'Agent-set resolution flag at the end (1 resolved); not FCR.',
    service_category String COMMENT 'One of the 115 service categories.',
    ticket_id String COMMENT 'Follow-up ticket opened from this contact, if any.',
    customer_messages UInt32 COMMENT 'Messages written by the customer.',
    agent_messages UInt32 COMMENT 'Messages written by agents.',
    bot_messages UInt32 COMMENT 'Messages written by bots.',
    first_customer_sentiment Nullable(Float32) COMMENT 'Sentiment of the first customer message.',
    last_customer_sentiment Nullable(Float32) COMMENT 'Sentiment of the last customer message.',
    min_customer_sentiment Nullable(Float32) COMMENT 'Most negative customer message.',
    sentiment_shift Nullable(Float32) COMMENT 'last_customer_sentiment - first_customer_sentiment: positive means the customer left happier.',
    topics Array(String) COMMENT 'Issue topics raised by the customer.'
)
AS SELECT
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
    toUInt8(bot_handoff_at IS NOT NULL) AS bot_handoff,
    resolved_flag,
    service_category,
    ticket_id,
    toUInt32(length(customer_msg_ids)) AS customer_messages,
    toUInt32(length(agent_msg_ids)) AS agent_messages,
    toUInt32(length(bot_msg_ids)) AS bot_messages,
    if(length(customer_msg_ids) = 0, NULL, finalizeAggregation(first_sentiment_state)) AS first_customer_sentiment,
    if(length(customer_msg_ids) = 0, NULL, finalizeAggregation(last_sentiment_state)) AS last_customer_sentiment,
    min_customer_sentiment,
    if(length(customer_msg_ids) = 0, NULL,
       finalizeAggregation(last_sentiment_state) - finalizeAggregation(first_sentiment_state)) AS sentiment_shift,
    topics
FROM contacts_agg FINAL
COMMENT 'One row per chat session or phone call: waits, transfers, outcome and customer sentiment. Each event counts once however often it was delivered.';
