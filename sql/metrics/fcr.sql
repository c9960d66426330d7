-- name: fcr
-- title: First-contact resolution
-- definition: Over contacts answered by a human agent whose repeat window has elapsed at evaluation
--   time, the share resolved at first contact: no other contact from the same customer about the same
--   issue topic (the topic of its service category in service_categories), on any channel, starting
--   after it and less than repeat_window days after its start; and no transfer to another team; and
--   no ticket opened from it (the ticket the contact names, or a ticket that names the contact). A contact whose category is unknown has no topic, so no repeat of it is
--   found. Contacts whose window has not elapsed are left out: see fcr_pending.
-- unit: ratio
-- direction: higher
-- grain: contact
-- time: started_at
-- dimensions: day, week, hour_of_week, channel, product_model, service_category, topic, team, agent, customer_tag
-- param: repeat_window UInt16 = 7: days after a contact in which a contact about the same topic is a repeat
-- target: 0.70 (DOMAIN.md: >= 70 %; Huawei 72 %, world class >= 80 %)
WITH later AS
(
    SELECT lc.customer_id AS customer_id, lsc.topic AS topic, groupArray((lc.started_at, lc.contact_id)) AS starts
    FROM contacts AS lc
    INNER JOIN service_categories AS lsc ON lsc.slug = lc.service_category
    WHERE lc.started_at >= {from:DateTime64(3, 'UTC')}
      AND lc.started_at < {to:DateTime64(3, 'UTC')} + toIntervalDay({repeat_window:UInt16})
    GROUP BY customer_id, topic
)
SELECT {{dims}}
    countIf(c.cross_team_transfers = 0 AND c.ticket_id = '' AND tk.opened_by = ''
        AND NOT arrayExists(x -> (x.1 > c.started_at OR (x.1 = c.started_at AND x.2 > c.contact_id))
                                 AND x.1 < c.started_at + toIntervalDay({repeat_window:UInt16}), rp.starts))
    / count() AS fcr
FROM contacts AS c
LEFT JOIN service_categories AS fsc ON fsc.slug = c.service_category
LEFT JOIN later AS rp ON rp.customer_id = c.customer_id AND rp.topic = fsc.topic
LEFT JOIN
(
    SELECT DISTINCT contact_id AS opened_by
    FROM tickets
    WHERE contact_id != '' AND created_at >= {from:DateTime64(3, 'UTC')}
      AND created_at < {to:DateTime64(3, 'UTC')} + toIntervalDay({repeat_window:UInt16})
) AS tk ON tk.opened_by = c.contact_id
{{joins}}
WHERE c.started_at >= {from:DateTime64(3, 'UTC')} AND c.started_at < {to:DateTime64(3, 'UTC')}
  AND c.answered_at IS NOT NULL
  AND c.started_at + toIntervalDay({repeat_window:UInt16}) <= {now:DateTime64(3, 'UTC')}{{filters}}
{{group_by}}
