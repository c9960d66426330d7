-- name: ticket_early_warning
-- title: Ticket early warning
-- definition: The three-level early warning: of the tickets created in the range and still open at the
--   end of the range (or at evaluation time, if earlier), those that have used at least 50 % of their
--   SLA time (created to deadline, see ticket_sla_compliance). warning_level_1 counts those at 50-80 %,
--   warning_level_2 at 80-100 %, warning_level_3 those at or past their deadline.
-- unit: count
-- direction: lower
-- grain: ticket
-- time: created_at
-- dimensions: day, week, hour_of_week, channel, product_model, service_category, topic, team, agent, ticket_category, priority, escalation_level, age
-- param: service_sla_hours UInt16 = 120: hours a service ticket (repair, installation, consultation) may take: 5 days
-- param: complaint_sla_hours UInt16 = 72: hours a complaint ticket may take: 3 days
-- outputs: warning_level_1 count: open tickets at 50-80 % of their SLA time;
--   warning_level_2 count: open tickets at 80-100 % of their SLA time;
--   warning_level_3 count: open tickets at or past their deadline
SELECT {{dims}}
    toFloat64(countIf(t.used >= 0.5)) AS ticket_early_warning,
    toFloat64(countIf(t.used >= 0.5 AND t.used < 0.8)) AS warning_level_1,
    toFloat64(countIf(t.used >= 0.8 AND t.used < 1)) AS warning_level_2,
    toFloat64(countIf(t.used >= 1)) AS warning_level_3
FROM
(
    SELECT *,
        dateDiff('second', created_at, least({to:DateTime64(3, 'UTC')}, {now:DateTime64(3, 'UTC')}))
            / (3600 * if(category = 'complaint', {complaint_sla_hours:UInt16}, {service_sla_hours:UInt16})) AS used,
        if(status IN ('resolved', 'closed'), coalesce(resolved_at, closed_at), NULL) AS done_time
    FROM tickets
    WHERE created_at >= {from:DateTime64(3, 'UTC')} AND created_at < {to:DateTime64(3, 'UTC')}
) AS t
{{joins}}
WHERE (t.done_time IS NULL OR t.done_time > least({to:DateTime64(3, 'UTC')}, {now:DateTime64(3, 'UTC')}))
  AND t.created_at < least({to:DateTime64(3, 'UTC')}, {now:DateTime64(3, 'UTC')}){{filters}}
{{group_by}}
