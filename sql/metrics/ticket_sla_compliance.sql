-- name: ticket_sla_compliance
-- title: Ticket SLA compliance
-- definition: Over tickets created in the range, the share resolved at or before their deadline
--   (created + service_sla_hours, or complaint_sla_hours for complaints). A reopened ticket is measured
--   to its last resolution; a ticket still open past its deadline at evaluation time is breached; a
--   ticket still open before its deadline is pending and left out.
-- unit: ratio
-- direction: higher
-- grain: ticket
-- time: created_at
-- dimensions: day, week, hour_of_week, channel, product_model, service_category, topic, team, agent, ticket_category, priority, escalation_level
-- param: service_sla_hours UInt16 = 120: hours a service ticket (repair, installation, consultation) may take: 5 days
-- param: complaint_sla_hours UInt16 = 72: hours a complaint ticket may take: 3 days
-- target: 1.0 (DOMAIN.md: service tickets close within 5 days, complaints within 3)
SELECT {{dims}}
    countIf(t.done_time IS NOT NULL AND t.done_time <= t.deadline) / count() AS ticket_sla_compliance
FROM (
    SELECT *,
        if(status IN ('resolved', 'closed'), coalesce(resolved_at, closed_at), NULL) AS done_time,
        created_at + toIntervalHour(if(category = 'complaint', {complaint_sla_hours:UInt16}, {service_sla_hours:UInt16})) AS deadline
    FROM tickets
    WHERE created_at >= {from:DateTime64(3, 'UTC')} AND created_at < {to:DateTime64(3, 'UTC')}
) AS t
{{joins}}
WHERE (t.done_time IS NOT NULL OR t.deadline < {now:DateTime64(3, 'UTC')}){{filters}}
{{group_by}}
