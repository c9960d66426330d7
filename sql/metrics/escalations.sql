-- name: escalations
-- title: Escalated tickets
-- definition: Tickets created in the range that were escalated (agent, supervisor or executive level);
--   group by escalation_level for the count at each highest level reached.
-- unit: count
-- direction: lower
-- grain: ticket
-- time: created_at
-- dimensions: day, week, hour_of_week, channel, product_model, service_category, topic, team, agent, ticket_category, priority, escalation_level
SELECT {{dims}}
    toFloat64(count()) AS escalations
FROM tickets AS t
{{joins}}
WHERE t.created_at >= {from:DateTime64(3, 'UTC')} AND t.created_at < {to:DateTime64(3, 'UTC')}
  AND t.max_escalation_level > 0{{filters}}
{{group_by}}
