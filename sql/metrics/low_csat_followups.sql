-- name: low_csat_followups
-- title: Low-CSAT follow-ups
-- definition: Survey answers below 3 stars (surveys sent in the range): each triggers a second follow-up (DOMAIN.md).
-- unit: count
-- direction: lower
-- grain: survey
-- time: sent_at
-- dimensions: day, week, hour_of_week, channel, product_model, service_category, topic, customer_tag
SELECT {{dims}}
    toFloat64(count()) AS low_csat_followups
FROM survey_answers AS s
{{joins}}
WHERE s.sent_at >= {from:DateTime64(3, 'UTC')} AND s.sent_at < {to:DateTime64(3, 'UTC')}
  AND s.csat < 3{{filters}}
{{group_by}}
