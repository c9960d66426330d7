-- name: nps
-- title: Net promoter score
-- definition: Among the surveys sent in the range answered with a 0-10 likelihood to recommend, the
--   percentage of promoters (9-10) minus the percentage of detractors (0-6), from -100 to 100.
-- unit: nps
-- direction: higher
-- grain: survey
-- time: sent_at
-- dimensions: day, week, hour_of_week, channel, product_model, service_category, topic, customer_tag
SELECT {{dims}}
    100 * (countIf(s.nps >= 9) - countIf(s.nps <= 6)) / count() AS nps
FROM survey_answers AS s
{{joins}}
WHERE s.sent_at >= {from:DateTime64(3, 'UTC')} AND s.sent_at < {to:DateTime64(3, 'UTC')}
  AND s.nps IS NOT NULL{{filters}}
{{group_by}}
