-- name: top_suggestions
-- title: Top endorsed suggestions
-- definition: The posts posted in the range with the most endorsements (ties: the earlier post first),
--   with their comments and status: the candidates for next month's management plan.
-- unit: count
-- direction: higher
-- grain: post
-- time: posted_at
-- dimensions: post, title
-- fixed: post, title
-- ranked: true
-- outputs: suggestion_comments count: comments on the post
SELECT p.post_id AS post, p.title AS title,
    toFloat64(p.endorsements) AS top_suggestions,
    toFloat64(p.comments) AS suggestion_comments
FROM suggestion_posts AS p
WHERE p.posted_at >= {from:DateTime64(3, 'UTC')} AND p.posted_at < {to:DateTime64(3, 'UTC')}{{filters}}
ORDER BY top_suggestions DESC, p.posted_at, post
LIMIT {limit:UInt32}
