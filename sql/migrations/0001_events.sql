-- Event tables: one row per accepted event of each input stream, as delivered
-- by Kafka, after validation, PII redaction and enrichment. Re-delivered
-- events (same event_id) are collapsed by ReplacingMergeTree; read them with
-- FINAL (or through the entity views in 0002) to see each event once.

CREATE TABLE IF NOT EXISTS contact_events
(
    event_id         String COMMENT 'Unique event id from the source; re-deliveries share it and are collapsed.',
    event_type       LowCardinality(String) COMMENT 'contact.started | contact.queued | contact.agent_answered | contact.transferred | contact.bot_handoff | contact.abandoned | contact.ended (messages are in the messages table).',
    schema_version   UInt8 COMMENT 'Event contract version (docs/events.md).',
    occurred_at      DateTime64(3, 'Asia/Shanghai') COMMENT 'When the event happened at the source (shown in China Standard Time).',
    contact_id       String COMMENT 'Chat session or phone call id; the Kafka key of voc.chats.',
    customer_id      String COMMENT 'Customer id (contact.started).',
    channel          LowCardinality(String) COMMENT 'app | web | phone | wechat | community | email (contact.started).',
    customer_tags    Array(LowCardinality(String)) COMMENT 'Customer tags such as vip, elderly, gamer (contact.started).',
    vip_level        UInt8 COMMENT 'VIP level 0-3 (contact.started).',
    product_model    LowCardinality(String) COMMENT 'Product model the contact is about, e.g. E8N 65.',
    purchase_date    Nullable(Date) COMMENT 'Purchase date of the product, when known.',
    language         LowCardinality(String) COMMENT 'Language the customer chose: zh or en.',
    queue            LowCardinality(String) COMMENT 'Queue entered (contact.queued, contact.bot_handoff, contact.transferred).',
    agent_id         String COMMENT 'Agent who answered (contact.agent_answered).',
    team             LowCardinality(String) COMMENT 'Team of the answering agent.',
    from_team        LowCardinality(String) COMMENT 'Team a transfer came from (contact.transferred).',
    to_team          LowCardinality(String) COMMENT 'Team a transfer went to (contact.transferred).',
    reason           String COMMENT 'Reason given for a transfer, bot hand-off or abandonment.',
    stage            LowCardinality(String) COMMENT 'Where the customer abandoned: bot | queue | agent (contact.abandoned).',
    resolved         Nullable(Bool) COMMENT 'Agent-set resolution flag (contact.ended). Not FCR: see the contacts view and docs/metrics.',
    service_category LowCardinality(String) COMMENT 'One of the 115 service categories, set at the end of the contact.',
    ticket_id        String COMMENT 'Ticket opened for follow-up at the end of the contact, if any.',
    kafka_partition  Int32 COMMENT 'Kafka partition the event was read from (provenance).',
    kafka_offset     Int64 COMMENT 'Kafka offset the event was read from (provenance).',
    ingested_at      DateTime64(3, 'UTC') DEFAULT now64(3) COMMENT 'When voc wrote the row.'
)
ENGINE = ReplacingMergeTree
PARTITION BY toYYYYMM(occurred_at)
ORDER BY (contact_id, event_id)
COMMENT 'One row per chat/call lifecycle event (voc.chats), except messages. Deduplicated by event_id: query with FINAL.';

CREATE TABLE IF NOT EXISTS messages
(
    event_id         String COMMENT 'Unique event id of the contact.message event.',
    message_id       String COMMENT 'Message id, unique within the contact.',
    contact_id       String COMMENT 'Chat session or phone call the message belongs to.',
    occurred_at      DateTime64(3, 'Asia/Shanghai') COMMENT 'When the message was sent.',
    sender           LowCardinality(String) COMMENT 'customer | agent | bot.',
    agent_id         String COMMENT 'Agent who wrote it, for agent messages.',
    channel          LowCardinality(String) COMMENT 'Channel, when the event carries it.',
    text             String COMMENT 'Message text with personal data replaced by [PHONE], [ID], [CARD], [EMAIL], [ADDRESS].',
    pii_kinds        Array(LowCardinality(String)) COMMENT 'Kinds of personal data that were redacted from the text.',
    lang             LowCardinality(String) COMMENT 'Detected language: zh | en | mixed.',
    sentiment_score  Float32 COMMENT 'Sentiment score in [-1, 1] (negative to positive).',
    sentiment_label  LowCardinality(String) COMMENT 'neg | neu | pos.',
    keywords         Array(String) COMMENT 'Top keywords (TF-IDF, stop words removed).',
    topics           Array(LowCardinality(String)) COMMENT 'Issue topics from sentiment/taxonomy.yaml; a text can have several.',
    kafka_partition  Int32 COMMENT 'Kafka partition (provenance).',
    kafka_offset     Int64 COMMENT 'Kafka offset (provenance).',
    ingested_at      DateTime64(3, 'UTC') DEFAULT now64(3) COMMENT 'When voc wrote the row.'
)
ENGINE = ReplacingMergeTree
PARTITION BY toYYYYMM(occurred_at)
ORDER BY (contact_id, message_id, event_id)
COMMENT 'One row per chat or call-transcript message, redacted and enriched. Deduplicated by event_id: query with FINAL.';

CREATE TABLE IF NOT EXISTS ticket_events
(
    event_id         String COMMENT 'Unique event id; re-deliveries share it and are collapsed.',
    event_type       LowCardinality(String) COMMENT 'ticket.created | assigned | status_changed | escalated | commented | resolved | reopened | closed.',
    schema_version   UInt8 COMMENT 'Event contract version.',
    occurred_at      DateTime64(3, 'Asia/Shanghai') COMMENT 'When the event happened.',
    ticket_id        String COMMENT 'Ticket id; the Kafka key of voc.tickets.',
    category         LowCardinality(String) COMMENT 'repair | installation | complaint | consultation (ticket.created).',
    priority         LowCardinality(String) COMMENT 'low | normal | high | urgent (ticket.created).',
    product_model    LowCardinality(String) COMMENT 'Product model (ticket.created).',
    customer_id      String COMMENT 'Customer id (ticket.created).',
    contact_id       String COMMENT 'Contact that opened the ticket, if any.',
    channel          LowCardinality(String) COMMENT 'Channel the ticket came from.',
    service_category LowCardinality(String) COMMENT 'One of the 115 service categories.',
    title            String COMMENT 'Ticket title (ticket.created), redacted.',
    text             String COMMENT 'Description (created), comment (commented) or resolution (resolved), redacted.',
    agent_id         String COMMENT 'Assignee (ticket.assigned).',
    team             LowCardinality(String) COMMENT 'Team of the assignee.',
    from_status      LowCardinality(String) COMMENT 'Previous status (ticket.status_changed).',
    to_status        LowCardinality(String) COMMENT 'New status (ticket.status_changed).',
    level            UInt8 COMMENT 'Escalation level 1 agent, 2 supervisor, 3 executive (ticket.escalated); 0 otherwise.',
    reason           String COMMENT 'Reason for an escalation or reopen.',
    comment_id       String COMMENT 'Comment id (ticket.commented).',
    author           LowCardinality(String) COMMENT 'Comment author: agent | customer | system.',
    pii_kinds        Array(LowCardinality(String)) COMMENT 'Kinds of personal data redacted from title/text.',
    lang             LowCardinality(String) COMMENT 'Detected language of the text.',
    sentiment_score  Float32 COMMENT 'Sentiment of the text in [-1, 1]; 0 when there is no text.',
    sentiment_label  LowCardinality(String) COMMENT 'neg | neu | pos; empty when there is no text.',
    keywords         Array(String) COMMENT 'Top keywords of the text.',
    topics           Array(LowCardinality(String)) COMMENT 'Issue topics of the text.',
    kafka_partition  Int32 COMMENT 'Kafka partition (provenance).',
    kafka_offset     Int64 COMMENT 'Kafka offset (provenance).',
    ingested_at      DateTime64(3, 'UTC') DEFAULT now64(3) COMMENT 'When voc wrote the row.'
)
ENGINE = ReplacingMergeTree
PARTITION BY toYYYYMM(occurred_at)
ORDER BY (ticket_id, event_id)
COMMENT 'One row per ticket lifecycle event (voc.tickets), texts redacted and enriched. Deduplicated by event_id: query with FINAL.';

CREATE TABLE IF NOT EXISTS survey_events
(
    event_id         String COMMENT 'Unique event id.',
    event_type       LowCardinality(String) COMMENT 'survey.sent | survey.answered.',
    schema_version   UInt8 COMMENT 'Event contract version.',
    occurred_at      DateTime64(3, 'Asia/Shanghai') COMMENT 'When the survey was sent or answered.',
    survey_id        String COMMENT 'Survey id; the Kafka key of voc.surveys.',
    contact_id       String COMMENT 'Contact the survey asks about (survey.sent).',
    ticket_id        String COMMENT 'Ticket the survey asks about (survey.sent).',
    customer_id      String COMMENT 'Customer asked.',
    channel          LowCardinality(String) COMMENT 'Channel the survey was sent on.',
    csat             Nullable(UInt8) COMMENT 'Satisfaction, 1-5 stars (survey.answered).',
    likes32          Nullable(Int8) COMMENT '"32 likes" rating: -1 dissatisfied, 0 neutral, 1 satisfied, 32 very satisfied.',
    nps              Nullable(UInt8) COMMENT 'Likelihood to recommend, 0-10.',
    solved           Nullable(Bool) COMMENT 'Answer to "was your problem solved?" (survey-reported FCR).',
    comment          String COMMENT 'Free-text comment, redacted.',
    pii_kinds        Array(LowCardinality(String)) COMMENT 'Kinds of personal data redacted from the comment.',
    lang             LowCardinality(String) COMMENT 'Detected language of the comment.',
    sentiment_score  Float32 COMMENT 'Sentiment of the comment in [-1, 1]; 0 without comment.',
    sentiment_label  LowCardinality(String) COMMENT 'neg | neu | pos; empty without comment.',
    keywords         Array(String) COMMENT 'Top keywords of the comment.',
    topics           Array(LowCardinality(String)) COMMENT 'Issue topics of the comment.',
    kafka_partition  Int32 COMMENT 'Kafka partition (provenance).',
    kafka_offset     Int64 COMMENT 'Kafka offset (provenance).',
    ingested_at      DateTime64(3, 'UTC') DEFAULT now64(3) COMMENT 'When voc wrote the row.'
)
ENGINE = ReplacingMergeTree
PARTITION BY toYYYYMM(occurred_at)
ORDER BY (survey_id, event_id)
COMMENT 'One row per survey event (voc.surveys). Deduplicated by event_id: query with FINAL.';

CREATE TABLE IF NOT EXISTS suggestion_events
(
    event_id         String COMMENT 'Unique event id.',
    event_type       LowCardinality(String) COMMENT 'suggestion.posted | endorsed | commented | status_changed.',
    schema_version   UInt8 COMMENT 'Event contract version.',
    occurred_at      DateTime64(3, 'Asia/Shanghai') COMMENT 'When it happened.',
    post_id          String COMMENT 'Suggestion post id; the Kafka key of voc.suggestions.',
    author_id        String COMMENT 'Employee who posted or commented.',
    department       LowCardinality(String) COMMENT 'Department of the author (suggestion.posted).',
    title            String COMMENT 'Post title (suggestion.posted), redacted.',
    text             String COMMENT 'Post body or comment, redacted.',
    tags             Array(LowCardinality(String)) COMMENT 'Tags the author gave the post.',
    voter_id         String COMMENT 'Employee who endorsed (suggestion.endorsed).',
    comment_id       String COMMENT 'Comment id (suggestion.commented).',
    from_status      LowCardinality(String) COMMENT 'Previous status (suggestion.status_changed).',
    to_status        LowCardinality(String) COMMENT 'open | under_review | adopted | rejected | implemented.',
    pii_kinds        Array(LowCardinality(String)) COMMENT 'Kinds of personal data redacted.',
    lang             LowCardinality(String) COMMENT 'Detected language of the text.',
    sentiment_score  Float32 COMMENT 'Sentiment of the text in [-1, 1].',
    sentiment_label  LowCardinality(String) COMMENT 'neg | neu | pos; empty without text.',
    keywords         Array(String) COMMENT 'Top keywords of title and text.',
    topics           Array(LowCardinality(String)) COMMENT 'Issue topics the post is about.',
    kafka_partition  Int32 COMMENT 'Kafka partition (provenance).',
    kafka_offset     Int64 COMMENT 'Kafka offset (provenance).',
    ingested_at      DateTime64(3, 'UTC') DEFAULT now64(3) COMMENT 'When voc wrote the row.'
)
ENGINE = ReplacingMergeTree
PARTITION BY toYYYYMM(occurred_at)
ORDER BY (post_id, event_id)
COMMENT 'One row per event on the internal suggestion board (voc.suggestions). Deduplicated by event_id: query with FINAL.';

CREATE TABLE IF NOT EXISTS rejects
(
    topic            LowCardinality(String) COMMENT 'Topic the bad message came from.',
    kafka_partition  Int32 COMMENT 'Partition of the bad message.',
    kafka_offset     Int64 COMMENT 'Offset of the bad message; with topic and partition it identifies it.',
    message_key      String COMMENT 'Kafka key, as bytes.',
    reason           LowCardinality(String) COMMENT 'Stable reason code: invalid_json, invalid_utf8, missing_field, invalid_field, unknown_type, wrong_topic, unsupported_version, text_too_long, timestamp_out_of_range, key_mismatch.',
    field            String COMMENT 'Offending field, when one is to blame.',
    detail           String COMMENT 'Human-readable explanation.',
    payload          String COMMENT 'Original message bytes, unredacted: restrict access to this table.',
    event_id         String COMMENT 'event_id, if it could be read.',
    rejected_at      DateTime64(3, 'UTC') DEFAULT now64(3) COMMENT 'When voc rejected it.'
)
ENGINE = ReplacingMergeTree
ORDER BY (topic, kafka_partition, kafka_offset)
COMMENT 'Messages that failed validation, with the reason; the same message also goes to the voc.dlq topic. Query with FINAL.';
