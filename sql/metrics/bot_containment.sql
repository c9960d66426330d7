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
-- The return: each contact's next contact of the same customer in (started_at, contact_id) order over
-- the range and the repeat window after it (one sort, a window function).
SELECT {{dims}}
    countIf(c.bot_handoff = 0 AND c.queued_at IS NULL AND c.answered_at IS NULL AND c.abandoned = 0
        AND NOT (c.bc_next_at IS NOT NULL AND c.bc_next_at < c.started_at + toIntervalDay({repeat_window:UInt16})))
    / count() AS bot_containment
FROM
(
    SELECT *,
        leadInFrame(toNullable(started_at)) OVER (PARTITION BY customer_id ORDER BY started_at, contact_id
                                                  ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING) AS bc_next_at
    FROM contacts
    WHERE started_at >= {from:DateTime64(3, 'UTC')}
      AND started_at < {to:DateTime64(3, 'UTC')} + toIntervalDay({repeat_window:UInt16})
) AS c
{{joins}}
WHERE c.started_at >= {from:DateTime64(3, 'UTC')} AND c.started_at < {to:DateTime64(3, 'UTC')}
  AND (c.bot_messages > 0 OR c.bot_handoff = 1)
  AND c.started_at + toIntervalDay({repeat_window:UInt16}) <= {now:DateTime64(3, 'UTC')}{{filters}}
{{group_by}}
