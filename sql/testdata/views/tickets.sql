SELECT ticket_id, category, status, max_escalation_level, assignees, reopens, comments, sla_hours, resolution_hours, sla_breached FROM tickets ORDER BY ticket_id
