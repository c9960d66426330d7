-- name: negative_contact_share
-- title: Negative contacts
-- definition: Share of the contacts started in the range (with at least one customer message) whose
--   customer was mostly negative: a contact is negative when it has at least as many negative customer
--   messages as neutral and as positive ones, else positive when it has more positive than neutral
--   ones, else neutral.
-- unit: ratio
-- direction: lower
-- grain: contact
-- time: started_at
-- dimensions: day, week, hour_of_week, channel, product_model, service_category, topic, team, agent, customer_tag
SELECT {{dims}}
    countIf(multiIf(ms.neg_messages >= ms.neu_messages AND ms.neg_messages >= ms.pos_messages, 'neg', ms.pos_messages > ms.neu_messages, 'pos', 'neu') = 'neg') / count() AS negative_contact_share
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
WHERE c.started_at >= {from:DateTime64(3, 'UTC')} AND c.started_at < {to:DateTime64(3, 'UTC')}{{filters}}
{{group_by}}
