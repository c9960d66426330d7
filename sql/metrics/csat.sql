-- name: csat
-- title: Customer satisfaction (CSAT)
-- definition: Share of satisfied answers (4 or 5 stars) among the surveys sent in the range that were
--   answered with a 1-5 star CSAT rating.
-- unit: ratio
-- direction: higher
-- grain: survey
-- time: sent_at
-- dimensions: day, week, hour_of_week, channel, product_model, service_category, topic, customer_tag
-- target: 0.85 (DOMAIN.md: overall satisfaction 68 % today, target 85 %)
SELECT {{dims}}
    countIf(s.csat >= 4) / count() AS csat
FROM survey_answers AS s
{{joins}}
WHERE s.sent_at >= {from:DateTime64(3, 'UTC')} AND s.sent_at < {to:DateTime64(3, 'UTC')}
  AND s.csat IS NOT NULL{{filters}}
{{group_by}}
