-- name: complaint_share
-- title: Complaint share
-- definition: Share of contacts that are complaints: their issue topic is one of complaint_topics
--   (waiting time, service attitude) or their service category is other-complaint-general, or they
--   opened a ticket of category complaint.
-- unit: ratio
-- direction: lower
-- grain: contact
-- time: started_at
-- dimensions: day, week, hour_of_week, channel, product_model, service_category, topic, team, agent, customer_tag
-- param: complaint_topics Array(String) = ['wait-time','service-attitude']: issue topics that are complaints
SELECT {{dims}}
    countIf(has({complaint_topics:Array(String)}, toString(csc.topic)) OR c.service_category = 'other-complaint-general'
            OR ct.ticket_id != '') / count() AS complaint_share
FROM contacts AS c
LEFT JOIN service_categories AS csc ON csc.slug = c.service_category
LEFT JOIN
(
    SELECT ticket_id FROM tickets
    WHERE category = 'complaint' AND created_at >= {from:DateTime64(3, 'UTC')} AND created_at < {to:DateTime64(3, 'UTC')} + INTERVAL 1 DAY
) AS ct ON ct.ticket_id = c.ticket_id AND c.ticket_id != ''
{{joins}}
WHERE c.started_at >= {from:DateTime64(3, 'UTC')} AND c.started_at < {to:DateTime64(3, 'UTC')}{{filters}}
{{group_by}}
