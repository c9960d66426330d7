-- name: negative_share
-- title: Negative customer messages
-- definition: Share of the customer's messages sent in the range that the text analytics labels
--   negative (sentiment_label = neg, the most probable of neg/neu/pos). Bot and agent messages are
--   left out.
-- unit: ratio
-- direction: lower
-- grain: message
-- time: occurred_at
-- dimensions: day, week, hour_of_week, channel, product_model, service_category, topic, customer_tag
SELECT {{dims}}
    countIf(m.sentiment_label = 'neg') / count() AS negative_share
FROM messages AS m FINAL
{{joins}}
WHERE m.occurred_at >= {from:DateTime64(3, 'UTC')} AND m.occurred_at < {to:DateTime64(3, 'UTC')}
  AND m.sender = 'customer'{{filters}}
{{group_by}}
