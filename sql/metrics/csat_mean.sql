-- name: csat_mean
-- title: Mean CSAT
-- definition: Mean star rating (1-5) of the surveys sent in the range that were answered with a CSAT rating.
-- unit: score
-- direction: higher
-- grain: survey
-- time: sent_at
-- dimensions: day, week, hour_of_week, channel, product_model, service_category, topic, customer_tag
SELECT {{dims}}
    avg(s.csat) AS csat_mean
FROM survey_answers AS s
{{joins}}
WHERE s.sent_at >= {from:DateTime64(3, 'UTC')} AND s.sent_at < {to:DateTime64(3, 'UTC')}
  AND s.csat IS NOT NULL{{filters}}
{{group_by}}
