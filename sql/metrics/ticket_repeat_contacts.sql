-- name: ticket_repeat_contacts
-- title: Repeat contacts about an open ticket
-- definition: Contacts from a ticket's customer about the ticket's issue topic, or asking after its
--   progress (a topic in progress_topics), that started while the ticket was open (after its creation, before its last resolution or close, or before evaluation time
--   while it is still open), not counting the contact that opened it; over tickets created in the range.
--   The aim is zero (DOMAIN.md: "zero repeat calls for the same issue").
-- unit: count
-- direction: lower
-- grain: ticket
-- time: created_at
-- dimensions: day, week, hour_of_week, channel, product_model, service_category, topic, team, agent, ticket_category, priority, escalation_level
-- param: progress_topics Array(String) = ['repair-progress']: topics of contacts that ask after any open ticket of the customer
-- target: 0
WITH later AS
(
    SELECT lc.customer_id AS customer_id, lsc.topic AS topic, groupArray((lc.started_at, lc.contact_id)) AS starts
    FROM contacts AS lc
    INNER JOIN service_categories AS lsc ON lsc.slug = lc.service_category
    WHERE lc.started_at >= {from:DateTime64(3, 'UTC')}
    GROUP BY customer_id, topic
)
SELECT {{dims}}
    toFloat64(sum(arrayCount(x -> x.1 > t.created_at AND x.1 < coalesce(t.done_time, {now:DateTime64(3, 'UTC')})
                                  AND x.2 != t.contact_id, rp.starts))) AS ticket_repeat_contacts
FROM
(
    SELECT *, if(status IN ('resolved', 'closed'), coalesce(resolved_at, closed_at), NULL) AS done_time
    FROM tickets
    WHERE created_at >= {from:DateTime64(3, 'UTC')} AND created_at < {to:DateTime64(3, 'UTC')}
) AS t
LEFT JOIN service_categories AS tsc ON tsc.slug = t.service_category
LEFT JOIN later AS rp ON rp.customer_id = t.customer_id
    AND (rp.topic = tsc.topic OR has({progress_topics:Array(String)}, toString(rp.topic)))
{{joins}}
WHERE 1{{filters}}
{{group_by}}
