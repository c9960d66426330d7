-- name: likes32
-- title: 32 likes, mean
-- definition: Mean "32 likes" rating (very satisfied 32, satisfied 1, neutral 0, dissatisfied -1) of the surveys sent in the range that were answered with one.
-- unit: score
-- direction: higher
-- grain: survey
-- time: sent_at
-- dimensions: day, week, hour_of_week, channel, product_model, service_category, topic, customer_tag
SELECT {{dims}}
    avg(s.likes32) AS likes32
FROM survey_answers AS s
{{joins}}
WHERE s.sent_at >= {from:DateTime64(3, 'UTC')} AND s.sent_at < {to:DateTime64(3, 'UTC')}
  AND s.likes32 IS NOT NULL{{filters}}
{{group_by}}
