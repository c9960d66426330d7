SELECT post_id, author_id, title, endorsements, comments, status, (SELECT count() FROM suggestion_votes), (SELECT count() FROM suggestion_comments) FROM suggestion_posts
