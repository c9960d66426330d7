-- name: asa
-- title: Average speed of answer
-- definition: Mean seconds from entering the human queue (or the bot hand-off, or the start when
--   neither was recorded) to the first agent answer, over contacts a human agent answered.
-- unit: seconds
-- direction: lower
-- grain: contact
-- time: started_at
-- dimensions: day, week, hour_of_week, channel, product_model, service_category, topic, team, agent, customer_tag
-- target: 300 (DOMAIN.md: Huawei answers within 5 min; seeds measured phone 12 min, app chat 8 min)
SELECT {{dims}}
    avg(c.wait_seconds) AS asa
FROM contacts AS c
{{joins}}
WHERE c.started_at >= {from:DateTime64(3, 'UTC')} AND c.started_at < {to:DateTime64(3, 'UTC')}
  AND c.answered_at IS NOT NULL{{filters}}
{{group_by}}
