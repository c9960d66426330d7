-- name: endorsements
-- title: Suggestion endorsements
-- definition: Endorsements (a colleague's vote, at most one per colleague and post) received so far by
--   the posts posted in the range.
-- unit: count
-- direction: higher
-- grain: post
-- time: posted_at
-- dimensions: day, week, hour_of_week, department, status, topic
SELECT {{dims}}
    toFloat64(sum(p.endorsements)) AS endorsements
FROM suggestion_posts AS p
{{joins}}
WHERE p.posted_at >= {from:DateTime64(3, 'UTC')} AND p.posted_at < {to:DateTime64(3, 'UTC')}{{filters}}
{{group_by}}
