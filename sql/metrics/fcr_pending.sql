-- name: fcr_pending
-- title: Contacts awaiting their FCR verdict
-- definition: Contacts answered by a human agent in the range whose repeat window has not yet elapsed
--   at evaluation time (started less than repeat_window days before it): fcr leaves them out until a
--   repeat can no longer appear.
-- unit: count
-- direction: none
-- grain: contact
-- time: started_at
-- dimensions: day, week, hour_of_week, channel, product_model, service_category, topic, team, agent, customer_tag
-- param: repeat_window UInt16 = 7: days after a contact in which a contact about the same topic is a repeat
SELECT {{dims}}
    toFloat64(count()) AS fcr_pending
FROM contacts AS c
{{joins}}
WHERE c.started_at >= {from:DateTime64(3, 'UTC')} AND c.started_at < {to:DateTime64(3, 'UTC')}
  AND c.answered_at IS NOT NULL
  AND c.started_at + toIntervalDay({repeat_window:UInt16}) > {now:DateTime64(3, 'UTC')}{{filters}}
{{group_by}}
