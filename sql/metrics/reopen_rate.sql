-- name: reopen_rate
-- title: Reopen rate
-- definition: Over tickets created in the range that were resolved at least once, the share that was
--   reopened afterwards.
-- unit: ratio
-- direction: lower
-- grain: ticket
-- time: created_at
-- dimensions: day, week, hour_of_week, channel, product_model, service_category, topic, team, agent, ticket_category, priority, escalation_level
SELECT {{dims}}
    countIf(t.reopens > 0) / count() AS reopen_rate
FROM tickets AS t
{{joins}}
WHERE t.created_at >= {from:DateTime64(3, 'UTC')} AND t.created_at < {to:DateTime64(3, 'UTC')}
  AND t.first_resolved_at IS NOT NULL{{filters}}
{{group_by}}
