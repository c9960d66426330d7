-- name: survey_response_rate
-- title: Survey response rate
-- definition: Answered ÷ sent, over the surveys sent in the range (the surveys view, one row per survey
--   sent, answered or not).
-- unit: ratio
-- direction: higher
-- grain: survey
-- time: sent_at
-- dimensions: day, week, hour_of_week, channel, product_model, service_category, topic, customer_tag
SELECT {{dims}}
    countIf(s.answered = 1) / count() AS survey_response_rate
FROM surveys AS s
{{joins}}
WHERE s.sent_at >= {from:DateTime64(3, 'UTC')} AND s.sent_at < {to:DateTime64(3, 'UTC')}{{filters}}
{{group_by}}
