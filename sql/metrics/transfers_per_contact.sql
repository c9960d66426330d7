-- name: transfers_per_contact
-- title: Transfers per contact
-- definition: Mean number of transfers (within or across teams) of the contacts a human agent
--   answered.
-- unit: count
-- direction: lower
-- grain: contact
-- time: started_at
-- dimensions: day, week, hour_of_week, channel, product_model, service_category, topic, team, agent, customer_tag
-- target: 1.0 (DOMAIN.md: 1.5 today, "too many")
SELECT {{dims}}
    avg(c.transfers) AS transfers_per_contact
FROM contacts AS c
{{joins}}
WHERE c.started_at >= {from:DateTime64(3, 'UTC')} AND c.started_at < {to:DateTime64(3, 'UTC')}
  AND c.answered_at IS NOT NULL{{filters}}
{{group_by}}
