-- name: sentiment_recovery
-- title: Sentiment recovery
-- definition: Over contacts started in the range whose first customer message is negative and that have
--   at least two customer messages, the share whose last customer message is not negative: the agent
--   turned the conversation around.
-- unit: ratio
-- direction: higher
-- grain: contact
-- time: started_at
-- dimensions: day, week, hour_of_week, channel, product_model, service_category, topic, team, agent, customer_tag
SELECT {{dims}}
    countIf(ms.last_label != 'neg') / count() AS sentiment_recovery
FROM contacts AS c
INNER JOIN
(
    SELECT contact_id,
        countIf(sentiment_label = 'neg') AS neg_messages,
        countIf(sentiment_label = 'neu') AS neu_messages,
        countIf(sentiment_label = 'pos') AS pos_messages,
        argMin(toString(sentiment_label), (occurred_at, message_id)) AS first_label,
        argMax(toString(sentiment_label), (occurred_at, message_id)) AS last_label,
        count() AS customer_messages_n
    FROM messages FINAL
    WHERE sender = 'customer'
      AND occurred_at >= {from:DateTime64(3, 'UTC')} AND occurred_at < {to:DateTime64(3, 'UTC')} + INTERVAL 1 DAY
    GROUP BY contact_id
) AS ms ON ms.contact_id = c.contact_id
{{joins}}
WHERE c.started_at >= {from:DateTime64(3, 'UTC')} AND c.started_at < {to:DateTime64(3, 'UTC')}
  AND ms.first_label = 'neg' AND ms.customer_messages_n >= 2{{filters}}
{{group_by}}
