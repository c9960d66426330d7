SELECT survey_id, contact_id, customer_id, channel, sent_at, answered_at, answered, csat, nps_group FROM surveys ORDER BY survey_id
