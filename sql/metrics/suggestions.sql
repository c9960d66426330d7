-- name: suggestions
-- title: Suggestion posts
-- definition: Posts employees put on the internal suggestion board in the range.
-- unit: count
-- direction: higher
-- grain: post
-- time: posted_at
-- dimensions: day, week, hour_of_week, department, status, topic
SELECT {{dims}}
    toFloat64(count()) AS suggestions
FROM suggestion_posts AS p
{{joins}}
WHERE p.posted_at >= {from:DateTime64(3, 'UTC')} AND p.posted_at < {to:DateTime64(3, 'UTC')}{{filters}}
{{group_by}}
