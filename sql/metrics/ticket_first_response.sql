-- name: ticket_first_response
-- title: Ticket first response time
-- definition: Mean seconds from a ticket's creation to the first thing an agent did with it (assigned
--   it, commented, changed its status or resolved it), over tickets created in the range that have had
--   one.
-- unit: seconds
-- direction: lower
-- grain: ticket
-- time: created_at
-- dimensions: day, week, hour_of_week, channel, product_model, service_category, topic, team, agent, ticket_category, priority, escalation_level
SELECT {{dims}}
    avg(dateDiff('millisecond', t.created_at, fr.first_action) / 1000) AS ticket_first_response
FROM tickets AS t
INNER JOIN
(
    SELECT ticket_id, min(occurred_at) AS first_action
    FROM ticket_events
    WHERE (event_type IN ('ticket.assigned', 'ticket.status_changed', 'ticket.resolved', 'ticket.closed')
           OR (event_type = 'ticket.commented' AND author = 'agent'))
      AND occurred_at >= {from:DateTime64(3, 'UTC')}
    GROUP BY ticket_id
) AS fr ON fr.ticket_id = t.ticket_id
{{joins}}
WHERE t.created_at >= {from:DateTime64(3, 'UTC')} AND t.created_at < {to:DateTime64(3, 'UTC')}{{filters}}
{{group_by}}
