-- The pending part of the sealed views re-reads the live rows written since
-- margin_seconds before the last snapshot, for inserts that were in flight
-- when it was taken. 30 minutes made every query re-read (and look up in
-- contacts_sealed_ids) all that a bulk load wrote in the last half hour;
-- an in-flight insert block commits within seconds of being stamped, so two
-- minutes is still a wide margin.

INSERT INTO seal_settings (name, value) VALUES ('margin_seconds', 120);
