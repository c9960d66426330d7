-- name: service_level
-- title: Service level
-- definition: Contacts answered by an agent within the threshold (phone_threshold seconds on the
--   phone, other_threshold on every other channel) ÷ offered contacts (entered a human queue; abandons
--   shorter than short_abandon seconds left out, as in abandonment_rate).
-- unit: ratio
-- direction: higher
-- grain: contact
-- time: started_at
-- dimensions: day, week, hour_of_week, channel, product_model, service_category, topic, team, agent, customer_tag
-- param: phone_threshold Float64 = 20: seconds within which a phone call counts as answered in time
-- param: other_threshold Float64 = 60: seconds within which a chat, WeChat, web ... contact counts as answered in time
-- param: short_abandon Float64 = 5: abandons after fewer seconds of waiting are not counted as offered
-- target: 0.80 (the 80/20 convention of contact centres)
SELECT {{dims}}
    countIf(c.answered_at IS NOT NULL
            AND c.wait_seconds <= if(c.channel = 'phone', {phone_threshold:Float64}, {other_threshold:Float64}))
    / count() AS service_level
FROM contacts AS c
{{joins}}
WHERE c.started_at >= {from:DateTime64(3, 'UTC')} AND c.started_at < {to:DateTime64(3, 'UTC')}
  AND (c.queued_at IS NOT NULL OR c.bot_handoff = 1)
  AND NOT (c.abandoned = 1 AND c.answered_at IS NULL AND coalesce(c.abandon_wait_seconds, 0) < {short_abandon:Float64}){{filters}}
{{group_by}}
