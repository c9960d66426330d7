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
-- The repeat: over the contacts of the range and the repeat window after it, each contact's next
-- contact of the same customer and topic in (started_at, contact_id) order (one sort, a window
-- function); the contact is repeated when that next one starts within the window.
SELECT {{dims}}
    countIf(c.cross_team_transfers = 0 AND c.ticket_id = '' AND tk.opened_by = ''
        AND NOT (c.fcr_known = 1 AND c.fcr_next_at IS NOT NULL
                 AND c.fcr_next_at < c.started_at + toIntervalDay({repeat_window:UInt16})))
    / count() AS fcr
FROM
(
    SELECT *,
        leadInFrame(toNullable(started_at)) OVER (PARTITION BY customer_id, fcr_known, fcr_topic ORDER BY started_at, contact_id
                                                  ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING) AS fcr_next_at
    FROM
    (
        SELECT ac.*, fsc.topic AS fcr_topic, fsc.known AS fcr_known
        FROM contacts AS ac
        LEFT JOIN (SELECT slug, topic, toUInt8(1) AS known FROM service_categories) AS fsc ON fsc.slug = ac.service_category
        WHERE ac.started_at >= {from:DateTime64(3, 'UTC')}
          AND ac.started_at < {to:DateTime64(3, 'UTC')} + toIntervalDay({repeat_window:UInt16})
    )
) AS c
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
