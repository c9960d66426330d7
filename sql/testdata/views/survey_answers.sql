SELECT survey_id, contact_id, customer_id, csat, satisfied, likes32, nps, nps_group, solved, comment, comment_label FROM survey_answers
