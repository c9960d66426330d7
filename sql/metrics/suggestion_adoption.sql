-- name: suggestion_adoption
-- title: Adopted suggestions
-- definition: Share of the posts posted in the range whose status is now adopted or implemented.
-- unit: ratio
-- direction: higher
-- grain: post
-- time: posted_at
-- dimensions: day, week, hour_of_week, department, status, topic
SELECT {{dims}}
    countIf(p.status IN ('adopted', 'implemented')) / count() AS suggestion_adoption
FROM suggestion_posts AS p
{{joins}}
WHERE p.posted_at >= {from:DateTime64(3, 'UTC')} AND p.posted_at < {to:DateTime64(3, 'UTC')}{{filters}}
{{group_by}}
