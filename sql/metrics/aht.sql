-- name: aht
-- title: Average handle time
-- definition: Mean seconds from the first agent answer to the end of the contact, over answered
--   contacts that have ended.
-- unit: seconds
-- direction: lower
-- grain: contact
-- time: started_at
-- dimensions: day, week, hour_of_week, channel, product_model, service_category, topic, team, agent, customer_tag
-- target: 300 (DOMAIN.md: fault handling takes over 10 min today, about 5 min is the aim)
SELECT {{dims}}
    avg(c.handle_seconds) AS aht
FROM contacts AS c
{{joins}}
WHERE c.started_at >= {from:DateTime64(3, 'UTC')} AND c.started_at < {to:DateTime64(3, 'UTC')}
  AND c.handle_seconds IS NOT NULL{{filters}}
{{group_by}}
