-- name: repeat_rate
-- title: Repeat-contact rate
-- definition: Over contacts that started in the range with a known issue topic (the topic of their service
--   category) and whose repeat window has elapsed at evaluation time, the share followed by another contact
--   from the same customer about the same topic, on any channel, starting after it and less than
--   repeat_window days after its start: the repeat part of FCR's rule, whatever the first contact's outcome
--   (answered, abandoned or bot-only). Contacts whose window has not elapsed are left out.
-- unit: ratio
-- direction: lower
-- grain: contact
-- time: started_at
-- dimensions: day, week, hour_of_week, channel, product_model, service_category, topic, team, agent, customer_tag
-- param: repeat_window UInt16 = 7: days after a contact in which a contact about the same topic is a repeat
-- The repeat: each contact's next contact of the same customer and topic in (started_at, contact_id)
-- order over the range and the repeat window after it (one sort, a window function).
SELECT {{dims}}
    countIf(c.rr_next_at IS NOT NULL AND c.rr_next_at < c.started_at + toIntervalDay({repeat_window:UInt16}))
    / count() AS repeat_rate
FROM
(
    SELECT *,
        leadInFrame(toNullable(started_at)) OVER (PARTITION BY customer_id, rr_topic ORDER BY started_at, contact_id
                                                  ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING) AS rr_next_at
    FROM
    (
        SELECT ac.*, rsc.topic AS rr_topic
        FROM contacts AS ac
        INNER JOIN service_categories AS rsc ON rsc.slug = ac.service_category
        WHERE ac.started_at >= {from:DateTime64(3, 'UTC')}
          AND ac.started_at < {to:DateTime64(3, 'UTC')} + toIntervalDay({repeat_window:UInt16})
    )
) AS c
{{joins}}
WHERE c.started_at >= {from:DateTime64(3, 'UTC')} AND c.started_at < {to:DateTime64(3, 'UTC')}
  AND c.started_at + toIntervalDay({repeat_window:UInt16}) <= {now:DateTime64(3, 'UTC')}{{filters}}
{{group_by}}
