-- name: ticket_backlog
-- title: Ticket backlog
-- definition: Tickets created in the range that are still open at the end of the range (or at
--   evaluation time, if earlier): not resolved or closed by then. Group by age (time since creation at
--   that moment) for the backlog by age.
-- unit: count
-- direction: lower
-- grain: ticket
-- time: created_at
-- dimensions: day, week, hour_of_week, channel, product_model, service_category, topic, team, agent, ticket_category, priority, escalation_level, age
-- param: service_sla_hours UInt16 = 120: hours a service ticket (repair, installation, consultation) may take: 5 days
-- param: complaint_sla_hours UInt16 = 72: hours a complaint ticket may take: 3 days
SELECT {{dims}}
    toFloat64(count()) AS ticket_backlog
FROM (
    SELECT *,
        if(status IN ('resolved', 'closed'), coalesce(resolved_at, closed_at), NULL) AS done_time,
        created_at + toIntervalHour(if(category = 'complaint', {complaint_sla_hours:UInt16}, {service_sla_hours:UInt16})) AS deadline
    FROM tickets
    WHERE created_at >= {from:DateTime64(3, 'UTC')} AND created_at < {to:DateTime64(3, 'UTC')}
) AS t
{{joins}}
WHERE (t.done_time IS NULL OR t.done_time > least({to:DateTime64(3, 'UTC')}, {now:DateTime64(3, 'UTC')}))
  AND t.created_at < least({to:DateTime64(3, 'UTC')}, {now:DateTime64(3, 'UTC')}){{filters}}
{{group_by}}
