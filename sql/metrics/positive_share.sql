-- name: positive_share
-- title: Positive customer messages
-- definition: Share of the customer's messages sent in the range that the text analytics labels
--   positive (sentiment_label = pos, the most probable of neg/neu/pos). Bot and agent messages are left out.
-- unit: ratio
-- direction: higher
-- grain: message
-- time: occurred_at
-- dimensions: day, week, hour_of_week, channel, product_model, service_category, topic, customer_tag
SELECT {{dims}}
    countIf(m.sentiment_label = 'pos') / count() AS positive_share
FROM messages AS m FINAL
{{joins}}
WHERE m.occurred_at >= {from:DateTime64(3, 'UTC')} AND m.occurred_at < {to:DateTime64(3, 'UTC')}
  AND m.sender = 'customer'{{filters}}
{{group_by}}
