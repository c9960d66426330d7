-- name: asa_p50
-- title: Speed of answer, 50th percentile
-- definition: The 50th percentile of the seconds from entering the human queue (or the bot hand-off,
--   or the start when neither was recorded) to the first agent answer, over contacts a human agent
--   answered; linear interpolation between the two nearest waits (quantileExactInclusive).
-- unit: seconds
-- direction: lower
-- grain: contact
-- time: started_at
-- dimensions: day, week, hour_of_week, channel, product_model, service_category, topic, team, agent, customer_tag
-- target: 300 (DOMAIN.md: Huawei answers within 5 min)
SELECT {{dims}}
    quantileExactInclusive(0.50)(c.wait_seconds) AS asa_p50
FROM contacts AS c
{{joins}}
WHERE c.started_at >= {from:DateTime64(3, 'UTC')} AND c.started_at < {to:DateTime64(3, 'UTC')}
  AND c.answered_at IS NOT NULL{{filters}}
{{group_by}}
