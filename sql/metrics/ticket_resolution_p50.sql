-- name: ticket_resolution_p50
-- title: Ticket resolution time, 50th percentile
-- definition: The 50th percentile of the seconds from creation to the last resolution (or the close,
--   without one), over tickets created in the range that are resolved or closed now; linear
--   interpolation (quantileExactInclusive).
-- unit: seconds
-- direction: lower
-- grain: ticket
-- time: created_at
-- dimensions: day, week, hour_of_week, channel, product_model, service_category, topic, team, agent, ticket_category, priority, escalation_level
SELECT {{dims}}
    quantileExactInclusive(0.50)(dateDiff('millisecond', t.created_at, t.done_time) / 1000) AS ticket_resolution_p50
FROM
(
    SELECT *, if(status IN ('resolved', 'closed'), coalesce(resolved_at, closed_at), NULL) AS done_time
    FROM tickets
    WHERE created_at >= {from:DateTime64(3, 'UTC')} AND created_at < {to:DateTime64(3, 'UTC')}
) AS t
{{joins}}
WHERE t.done_time IS NOT NULL{{filters}}
{{group_by}}
