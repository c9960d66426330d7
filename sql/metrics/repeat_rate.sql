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
    countIf(arrayExists(x -> (x.1 > c.started_at OR (x.1 = c.started_at AND x.2 > c.contact_id))
                             AND x.1 < c.started_at + toIntervalDay({repeat_window:UInt16}), rp.starts))
    / count() AS repeat_rate
FROM contacts AS c
INNER JOIN service_categories AS rsc ON rsc.slug = c.service_category
LEFT JOIN later AS rp ON rp.customer_id = c.customer_id AND rp.topic = rsc.topic
{{joins}}
WHERE c.started_at >= {from:DateTime64(3, 'UTC')} AND c.started_at < {to:DateTime64(3, 'UTC')}
  AND c.started_at + toIntervalDay({repeat_window:UInt16}) <= {now:DateTime64(3, 'UTC')}{{filters}}
{{group_by}}
