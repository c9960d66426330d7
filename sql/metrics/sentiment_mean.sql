-- name: sentiment_mean
-- title: Mean customer sentiment
-- definition: Mean sentiment score, from -1 (negative) to 1 (positive), of the customer's messages sent
--   in the range.
-- unit: score
-- direction: higher
-- grain: message
-- time: occurred_at
-- dimensions: day, week, hour_of_week, channel, product_model, service_category, topic, customer_tag
SELECT {{dims}}
    avg(m.sentiment_score) AS sentiment_mean
FROM messages AS m FINAL
{{joins}}
WHERE m.occurred_at >= {from:DateTime64(3, 'UTC')} AND m.occurred_at < {to:DateTime64(3, 'UTC')}
  AND m.sender = 'customer'{{filters}}
{{group_by}}
