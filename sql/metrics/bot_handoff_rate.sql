-- name: bot_handoff_rate
-- title: Bot hand-off rate
-- definition: Over contacts a bot took part in (a bot message or a bot hand-off), the share the bot
--   handed off to a human queue.
-- unit: ratio
-- direction: lower
-- grain: contact
-- time: started_at
-- dimensions: day, week, hour_of_week, channel, product_model, service_category, topic, team, agent, customer_tag
SELECT {{dims}}
    countIf(c.bot_handoff = 1) / count() AS bot_handoff_rate
FROM contacts AS c
{{joins}}
WHERE c.started_at >= {from:DateTime64(3, 'UTC')} AND c.started_at < {to:DateTime64(3, 'UTC')}
  AND (c.bot_messages > 0 OR c.bot_handoff = 1){{filters}}
{{group_by}}
