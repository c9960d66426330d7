-- name: term_contacts
-- title: Contacts mentioning a term
-- definition: Contacts with at least one customer message sent in the range whose keywords (the text
--   analytics' top keywords of the redacted text) include the term; by term, each contact counts once
--   under every term it used. The weekly report's emerging-term test counts these against contacts.
-- unit: count
-- direction: none
-- grain: message
-- time: occurred_at
-- dimensions: day, week, channel, product_model, service_category, topic, term
SELECT {{dims}}
    toFloat64(uniqExact(m.contact_id)) AS term_contacts
FROM messages AS m FINAL
{{joins}}
WHERE m.occurred_at >= {from:DateTime64(3, 'UTC')} AND m.occurred_at < {to:DateTime64(3, 'UTC')}
  AND m.sender = 'customer'{{filters}}
{{group_by}}
