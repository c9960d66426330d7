-- name: top_issues
-- title: Top issues
-- definition: Issue topics ranked by how often customers raised them in the range: contacts (chats and
--   calls, by the topic of their service category), tickets not opened from a contact (by their
--   category's topic) and survey comments (by the topics the text analytics finds in them). With the
--   count of the previous period of the same length, the change against it, and, from the negative_share
--   and fcr metrics by topic, the topic's share of negative customer messages and its FCR.
-- unit: count
-- direction: none
-- grain: contact
-- time: started_at
-- dimensions: topic
-- fixed: topic
-- ranked: true
-- outputs: previous count: the same count over the previous period of the same length;
--   change ratio: (count - previous) / previous, null when previous is 0
-- with: negative_share, fcr
SELECT topic,
    toFloat64(countIf(cur)) AS top_issues,
    toFloat64(countIf(NOT cur)) AS previous,
    if(countIf(NOT cur) = 0, NULL, (countIf(cur) - countIf(NOT cur)) / countIf(NOT cur)) AS change
FROM
(
    SELECT toString(sc.topic) AS topic, c.started_at >= {from:DateTime64(3, 'UTC')} AS cur
    FROM contacts AS c
    INNER JOIN service_categories AS sc ON sc.slug = c.service_category
    WHERE c.started_at >= {prev_from:DateTime64(3, 'UTC')} AND c.started_at < {to:DateTime64(3, 'UTC')}
    UNION ALL
    SELECT toString(sc.topic) AS topic, t.created_at >= {from:DateTime64(3, 'UTC')} AS cur
    FROM tickets AS t
    INNER JOIN service_categories AS sc ON sc.slug = t.service_category
    WHERE t.created_at >= {prev_from:DateTime64(3, 'UTC')} AND t.created_at < {to:DateTime64(3, 'UTC')}
      AND t.contact_id = ''
    UNION ALL
    SELECT arrayJoin(s.topics) AS topic, assumeNotNull(s.sent_at) >= {from:DateTime64(3, 'UTC')} AS cur
    FROM survey_answers AS s
    WHERE s.sent_at >= {prev_from:DateTime64(3, 'UTC')} AND s.sent_at < {to:DateTime64(3, 'UTC')}
      AND s.comment != ''
)
WHERE topic != ''{{filters}}
GROUP BY topic
HAVING countIf(cur) > 0
ORDER BY top_issues DESC, topic
LIMIT {limit:UInt32}
