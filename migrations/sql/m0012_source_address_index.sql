-- One index for both questions asked of a connection's source (issue 14: every index a load
-- builds costs about 2 s per million connections, and bytes in every row):
--   analysts' pivots on a source address      were network_by_source_ip   (source_ip_ref)
--   the alert context's source-side look-up   was  network_by_source_port (source_port, source_ip_ref, ts_us)
-- network_by_source (source_ip_ref, source_port, ts_us) answers both: the look-up gives the
-- address and the port, a pivot the address alone. A rule's range test on the source port
-- alone (Sigma's `SourcePort|gte`) no longer finds an index to walk, which it should not.
--
-- A load killed before it rebuilt its deferred indexes may have left either old index
-- recorded in deferred_indexes: forget them there too. This runs in the migration runner's
-- transaction: the old indexes or the new one, never neither.
DROP INDEX IF EXISTS network_by_source_ip;
DROP INDEX IF EXISTS network_by_source_port;
DELETE FROM deferred_indexes WHERE name IN ('network_by_source_ip', 'network_by_source_port');
CREATE INDEX network_by_source ON network_rows (source_ip_ref, source_port, ts_us);
