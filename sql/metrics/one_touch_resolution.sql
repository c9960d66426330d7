-- name: one_touch_resolution
-- title: One-touch resolution
-- definition: Over contacts answered by a human agent that have ended, the share that ended with
--   exactly one agent message and no transfer of any kind.
-- unit: ratio
-- direction: higher
-- grain: contact
-- time: started_at
-- dimensions: day, week, hour_of_week, channel, product_model, service_category, topic, team, agent, customer_tag
SELECT {{dims}}
    countIf(c.agent_messages = 1 AND c.transfers = 0) / count() AS one_touch_resolution
FROM contacts AS c
{{joins}}
WHERE c.started_at >= {from:DateTime64(3, 'UTC')} AND c.started_at < {to:DateTime64(3, 'UTC')}
  AND c.answered_at IS NOT NULL AND c.ended_at IS NOT NULL{{filters}}
{{group_by}}
