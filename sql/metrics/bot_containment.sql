-- name: bot_containment
-- title: Bot containment
-- definition: Over contacts a bot took part in whose repeat window has elapsed at evaluation time, the
--   share the bot handled alone (no hand-off, no human queue, no agent answer, not abandoned) and whose
--   customer did not come back: no other contact from the same customer, on any channel and about any
--   issue, starting after it and less than repeat_window days after its start.
-- unit: ratio
-- direction: higher
-- grain: contact
-- time: started_at
-- dimensions: day, week, hour_of_week, channel, product_model, service_category, topic, team, agent, customer_tag
-- param: repeat_window UInt16 = 7: days after a bot contact in which any contact of the customer means it came back
WITH later AS
(
    SELECT lc.customer_id AS customer_id, groupArray((lc.started_at, lc.contact_id)) AS starts
    FROM contacts AS lc
    WHERE lc.started_at >= {from:DateTime64(3, 'UTC')}
      AND lc.started_at < {to:DateTime64(3, 'UTC')} + toIntervalDay({repeat_window:UInt16})
    GROUP BY customer_id
)
SELECT {{dims}}
    countIf(c.bot_handoff = 0 AND c.queued_at IS NULL AND c.answered_at IS NULL AND c.abandoned = 0
        AND NOT arrayExists(x -> (x.1 > c.started_at OR (x.1 = c.started_at AND x.2 > c.contact_id))
                                 AND x.1 < c.started_at + toIntervalDay({repeat_window:UInt16}), rp.starts))
    / count() AS bot_containment
FROM contacts AS c
LEFT JOIN later AS rp ON rp.customer_id = c.customer_id
{{joins}}
WHERE c.started_at >= {from:DateTime64(3, 'UTC')} AND c.started_at < {to:DateTime64(3, 'UTC')}
  AND (c.bot_messages > 0 OR c.bot_handoff = 1)
  AND c.started_at + toIntervalDay({repeat_window:UInt16}) <= {now:DateTime64(3, 'UTC')}{{filters}}
{{group_by}}
