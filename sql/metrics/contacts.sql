-- name: contacts
-- title: Contacts
-- definition: Chat sessions and phone calls that started in the range, whatever became of them
--   (answered, abandoned, bot-only).
-- unit: count
-- direction: none
-- grain: contact
-- time: started_at
-- dimensions: day, week, hour_of_week, channel, product_model, service_category, topic, team, agent, customer_tag
SELECT {{dims}}
    toFloat64(count()) AS contacts
FROM contacts AS c
{{joins}}
WHERE c.started_at >= {from:DateTime64(3, 'UTC')} AND c.started_at < {to:DateTime64(3, 'UTC')}{{filters}}
{{group_by}}
