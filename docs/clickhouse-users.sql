-- ClickHouse users for voc on an external server: the SQL that
-- 'voc migrate --create-users' runs (generated from internal/chusers; do not edit).
-- Run it as a user with access management after replacing the two hashes:
--   printf %s 'the-password' | sha256sum
-- The embedded server of 'voc local' gets the same users from a generated users.xml.
--
-- Analyst profile:
--   readonly = 1: read queries only; no setting can be changed (SET, SETTINGS, URL parameters), so these limits hold
--   max_execution_time = 1800: seconds one query may run, counted while the client reads the result: a voc export of tens of millions of rows streams for minutes (voc serve stops its own queries after 60 s); clients may lower it (1..1800; Grafana's ClickHouse plugin sets it on every query), never raise it
--   max_result_rows = 0: no cap on the rows of a result: a result streams to the client and costs the server no memory, so an export of any size works; the memory, time and concurrency limits protect the server, and voc serve's SQL page shows at most 10,000 rows itself
--   max_result_bytes = 0: no cap on the bytes of a result, for the same reason
--   max_memory_usage = 4294967296: memory of one query (4 GiB)
--   max_memory_usage_for_user = 8589934592: memory of all the user's queries together (8 GiB)
--   max_concurrent_queries_for_user = 16: queries running at once (voc serve, Grafana and people share the user)
--
-- CHANGEABLE_IN_READONLY needs the server setting
-- access_control_improvements.settings_constraints_replace_previous = true (config.xml; the
-- default config of recent ClickHouse releases has it). Without it the analyst cannot lower
-- max_execution_time, and Grafana's ClickHouse plugin, which sets it on every query, fails
-- with READONLY.
--
-- The analyst reads every column of voc's tables except rejects.payload, the raw and
-- unredacted bytes of bad input (SELECT * FROM rejects is refused; name the columns).
-- ClickHouse still answers length(payload) from the column's size subcolumn: the length
-- is readable, never a byte of it.

CREATE ROLE IF NOT EXISTS voc_writer;
GRANT ALL ON `voc`.* TO voc_writer;
GRANT TABLE ENGINE ON * TO voc_writer;
GRANT SELECT ON system.* TO voc_writer;
CREATE ROLE IF NOT EXISTS voc_analyst;
GRANT SELECT ON `voc`.* TO voc_analyst;
GRANT SELECT ON system.databases TO voc_analyst;
GRANT SELECT ON system.tables TO voc_analyst;
GRANT SELECT ON system.columns TO voc_analyst;
GRANT SELECT ON system.parts TO voc_analyst;
GRANT SELECT ON system.functions TO voc_analyst;
GRANT SELECT ON system.data_type_families TO voc_analyst;
REVOKE SELECT(payload) ON `voc`.rejects FROM voc_analyst;
CREATE SETTINGS PROFILE IF NOT EXISTS voc_analyst;
ALTER SETTINGS PROFILE voc_analyst SETTINGS readonly = 1, max_execution_time = 1800 MIN 1 MAX 1800 CHANGEABLE_IN_READONLY, max_result_rows = 0, max_result_bytes = 0, max_memory_usage = 4294967296, max_memory_usage_for_user = 8589934592, max_concurrent_queries_for_user = 16;
CREATE USER IF NOT EXISTS `voc` IDENTIFIED WITH sha256_hash BY '<sha256 hex of the writer password>';
ALTER USER `voc` IDENTIFIED WITH sha256_hash BY '<sha256 hex of the writer password>';
GRANT voc_writer TO `voc`;
ALTER USER `voc` DEFAULT ROLE voc_writer DEFAULT DATABASE `voc`;
CREATE USER IF NOT EXISTS `analyst` IDENTIFIED WITH sha256_hash BY '<sha256 hex of the analyst password>';
ALTER USER `analyst` IDENTIFIED WITH sha256_hash BY '<sha256 hex of the analyst password>';
GRANT voc_analyst TO `analyst`;
ALTER USER `analyst` DEFAULT ROLE voc_analyst DEFAULT DATABASE `voc` SETTINGS PROFILE 'voc_analyst';
