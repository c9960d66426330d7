-- Events of two contacts, one ticket, two surveys (one never answered) and one post. The test
-- inserts this file twice, as Kafka re-delivery would: results must not change.
INSERT INTO contact_events (event_id, event_type, schema_version, occurred_at, contact_id, customer_id, channel, product_model, customer_tags, queue, agent_id, to_team, stage, resolved, service_category, ticket_id) VALUES
('e1', 'contact.started', 1, '2026-11-02 10:00:00', 'c1', 'u1', 'app', 'E8N 65', ['vip'], '', '', '', '', NULL, '', ''),
('e2', 'contact.bot_handoff', 1, '2026-11-02 10:01:00', 'c1', '', '', '', [], 'tv', '', '', '', NULL, '', ''),
('e3', 'contact.queued', 1, '2026-11-02 10:01:00', 'c1', '', '', '', [], 'tv', '', '', '', NULL, '', ''),
('e4', 'contact.agent_answered', 1, '2026-11-02 10:09:00', 'c1', '', '', '', [], '', 'a7', '', '', NULL, '', ''),
('e5', 'contact.transferred', 1, '2026-11-02 10:12:00', 'c1', '', '', '', [], '', '', 'repair', '', NULL, '', ''),
('e6', 'contact.transferred', 1, '2026-11-02 10:14:00', 'c1', '', '', '', [], '', '', 'billing', '', NULL, '', ''),
('e7', 'contact.ended', 1, '2026-11-02 10:20:00', 'c1', '', '', 'E8N 65', [], '', '', '', '', true, 'remote-no-response', 't1'),
('e8', 'contact.started', 1, '2026-11-02 11:00:00', 'c2', 'u2', 'phone', 'A7 Pro', [], '', '', '', '', NULL, '', ''),
('e9', 'contact.queued', 1, '2026-11-02 11:00:05', 'c2', '', '', '', [], 'phone', '', '', '', NULL, '', ''),
('e10', 'contact.abandoned', 1, '2026-11-02 11:00:35', 'c2', '', '', '', [], '', '', '', 'queue', NULL, '', '');
-- A transfer within the same team: counted in transfers, not in cross_team_transfers
-- (e5 and e6 have no from_team and count as cross-team).
INSERT INTO contact_events (event_id, event_type, schema_version, occurred_at, contact_id, from_team, to_team) VALUES
('e11', 'contact.transferred', 1, '2026-11-02 10:15:00', 'c1', 'billing', 'billing');
INSERT INTO messages (event_id, message_id, contact_id, occurred_at, sender, text, lang, sentiment_score, sentiment_label, topics) VALUES
('m1', '1', 'c1', '2026-11-02 10:00:10', 'customer', '遥控器没反应', 'zh', -0.4, 'neg', ['remote']),
('m2', '2', 'c1', '2026-11-02 10:00:20', 'bot', '请尝试更换电池', 'zh', 0, 'neu', []),
('m3', '3', 'c1', '2026-11-02 10:10:00', 'customer', '等了半天没人理', 'zh', -0.8, 'neg', ['wait-time']),
('m4', '4', 'c1', '2026-11-02 10:11:00', 'agent', '抱歉久等了', 'zh', 0.1, 'neu', []),
('m5', '5', 'c1', '2026-11-02 10:19:00', 'customer', '好了，谢谢', 'zh', 0.6, 'pos', []);
INSERT INTO ticket_events (event_id, event_type, schema_version, occurred_at, ticket_id, category, priority, customer_id, agent_id, to_status, level, comment_id) VALUES
('t1e1', 'ticket.created', 1, '2026-11-02 10:20:00', 't1', 'complaint', 'high', 'u1', '', '', 0, ''),
('t1e2', 'ticket.assigned', 1, '2026-11-02 11:00:00', 't1', '', '', '', 'a9', '', 0, ''),
('t1e3', 'ticket.escalated', 1, '2026-11-03 11:00:00', 't1', '', '', '', '', '', 2, ''),
('t1e4', 'ticket.commented', 1, '2026-11-03 12:00:00', 't1', '', '', '', '', '', 0, 'k1'),
('t1e5', 'ticket.resolved', 1, '2026-11-04 10:20:00', 't1', '', '', '', '', '', 0, ''),
('t1e6', 'ticket.reopened', 1, '2026-11-04 12:00:00', 't1', '', '', '', '', '', 0, ''),
('t1e7', 'ticket.resolved', 1, '2026-11-05 22:20:00', 't1', '', '', '', '', '', 0, ''),
('t1e8', 'ticket.closed', 1, '2026-11-06 10:20:00', 't1', '', '', '', '', '', 0, '');
INSERT INTO survey_events (event_id, event_type, schema_version, occurred_at, survey_id, contact_id, customer_id, channel, csat, likes32, nps, solved, comment, sentiment_score, sentiment_label) VALUES
('s1e1', 'survey.sent', 1, '2026-11-02 10:21:00', 's1', 'c1', 'u1', 'app', NULL, NULL, NULL, NULL, '', 0, ''),
('s1e2', 'survey.answered', 1, '2026-11-02 12:00:00', 's1', '', '', '', 2, -1, 3, false, '转来转去太麻烦', -0.7, 'neg'),
('s2e1', 'survey.sent', 1, '2026-11-02 11:05:00', 's2', 'c2', 'u2', 'phone', NULL, NULL, NULL, NULL, '', 0, '');
INSERT INTO suggestion_events (event_id, event_type, schema_version, occurred_at, post_id, author_id, title, text, voter_id, comment_id, to_status) VALUES
('p1e1', 'suggestion.posted', 1, '2026-11-03 09:00:00', 'p1', 'emp1', '减少转接', '建议按问题类型直接路由', '', '', ''),
('p1e2', 'suggestion.endorsed', 1, '2026-11-03 10:00:00', 'p1', '', '', '', 'emp2', '', ''),
('p1e3', 'suggestion.endorsed', 1, '2026-11-03 11:00:00', 'p1', '', '', '', 'emp3', '', ''),
('p1e4', 'suggestion.commented', 1, '2026-11-03 12:00:00', 'p1', 'emp4', '', '同意', '', 'k1', ''),
('p1e5', 'suggestion.status_changed', 1, '2026-11-10 09:00:00', 'p1', '', '', '', '', '', 'adopted');
