-- name: comment_negative_share
-- title: Negative survey comments
-- definition: Over the surveys sent in the range that were answered with a free-text comment, the share
--   of comments the text analytics labels negative (comment_label = neg, the most probable of
--   neg/neu/pos). Answers without a comment and unanswered surveys are left out.
-- unit: ratio
-- direction: lower
-- grain: survey
-- time: sent_at
-- dimensions: day, week, hour_of_week, channel, product_model, service_category, topic, customer_tag
SELECT {{dims}}
    countIf(s.comment_label = 'neg') / count() AS comment_negative_share
FROM survey_answers AS s
{{joins}}
WHERE s.sent_at >= {from:DateTime64(3, 'UTC')} AND s.sent_at < {to:DateTime64(3, 'UTC')}
  AND s.comment != ''{{filters}}
{{group_by}}
