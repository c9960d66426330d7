-- name: abandonment_rate
-- title: Abandonment rate
-- definition: Abandoned ÷ offered. Offered: contacts that entered a human queue (queued, or handed off
--   by a bot). Abandoned: offered contacts the customer left before any agent answered. Abandons after
--   less than short_abandon seconds of waiting are left out of both (misdials, instant hang-ups).
-- unit: ratio
-- direction: lower
-- grain: contact
-- time: started_at
-- dimensions: day, week, hour_of_week, channel, product_model, service_category, topic, team, agent, customer_tag
-- param: short_abandon Float64 = 5: abandons after fewer seconds of waiting are not counted as offered
SELECT {{dims}}
    countIf(c.abandoned = 1 AND c.answered_at IS NULL) / count() AS abandonment_rate
FROM contacts AS c
{{joins}}
WHERE c.started_at >= {from:DateTime64(3, 'UTC')} AND c.started_at < {to:DateTime64(3, 'UTC')}
  AND (c.queued_at IS NOT NULL OR c.bot_handoff = 1)
  AND NOT (c.abandoned = 1 AND c.answered_at IS NULL AND coalesce(c.abandon_wait_seconds, 0) < {short_abandon:Float64}){{filters}}
{{group_by}}
