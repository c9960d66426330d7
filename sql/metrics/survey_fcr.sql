-- name: survey_fcr
-- title: Survey-reported FCR
-- definition: Share of yes among the answers to "was your problem solved?" of the surveys sent in the range that asked it.
-- unit: ratio
-- direction: higher
-- grain: survey
-- time: sent_at
-- dimensions: day, week, hour_of_week, channel, product_model, service_category, topic, customer_tag
-- target: 0.70 (DOMAIN.md FCR target)
SELECT {{dims}}
    countIf(s.solved = 1) / count() AS survey_fcr
FROM survey_answers AS s
{{joins}}
WHERE s.sent_at >= {from:DateTime64(3, 'UTC')} AND s.sent_at < {to:DateTime64(3, 'UTC')}
  AND s.solved IS NOT NULL{{filters}}
{{group_by}}
