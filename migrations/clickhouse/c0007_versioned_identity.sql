-- Versioned rows and one identity for a Security record in every time precision (issue 15,
-- session 11).
--
-- 1. The event and context tables become ReplacingMergeTree(link_version): FINAL and merges
--    keep each row's highest version, whatever the order the copies arrived in. Before, they
--    kept the copy inserted last, so a concurrent load that inserted an unlinked copy after
--    the Security linker's rewrite won until the next rewrite.
-- 2. They are sorted by (host_id, ts_key, record_key, content_key). `ts_key` is `ts_us`, except
--    for a record SQLite matches across time precisions (Security in the event tables; every
--    record but Sysmon's in the context tables; never a content-hash key), where it is the
--    time floored to the second. The same 4688 exported by NXLog (to the second) and read from
--    the EVTX (to 100 ns) then has one sorting key: the loader stores the finer copy under the
--    coarser one's event id with a higher version, and every reader sees one row at the finer
--    time, as SQLite keeps it. The tables stay partitioned by ts_us.
--
-- A `REBUILD TABLE name ENGINE = …` statement is HuntDB's own, not ClickHouse SQL: the store
-- (ClickHouseSchema) copies the table into a new one with that engine and swaps the two by
-- renaming, on each server (on a cluster, the shards' NAME_local tables). A rebuild killed at
-- any step is finished by the next load; a table whose engine is already the one named is
-- left alone. Parts a concurrent load writes into a table while it is copied are copied after
-- the swap; an insert that spans the swap can still be lost: upgrade with no other load running.

-- sharded
ALTER TABLE processes ADD COLUMN ts_key Int64 DEFAULT if(source_kind = 'security' AND record_key_is_hash = 0, ts_us - (ts_us % 1000000 + 1000000) % 1000000, ts_us);

-- sharded
ALTER TABLE network_connections ADD COLUMN ts_key Int64 DEFAULT if(source_kind = 'security' AND record_key_is_hash = 0, ts_us - (ts_us % 1000000 + 1000000) % 1000000, ts_us);

-- sharded
ALTER TABLE lifecycle_events ADD COLUMN ts_key Int64 DEFAULT if(source_kind = 'security' AND record_key_is_hash = 0, ts_us - (ts_us % 1000000 + 1000000) % 1000000, ts_us);

-- sharded
ALTER TABLE logons ADD COLUMN ts_key Int64 DEFAULT if(source_kind != 'sysmon' AND record_key_is_hash = 0, ts_us - (ts_us % 1000000 + 1000000) % 1000000, ts_us);

-- sharded
ALTER TABLE service_installs ADD COLUMN ts_key Int64 DEFAULT if(source_kind != 'sysmon' AND record_key_is_hash = 0, ts_us - (ts_us % 1000000 + 1000000) % 1000000, ts_us);

-- sharded
ALTER TABLE command_line_evidence ADD COLUMN ts_key Int64 DEFAULT if(source_kind != 'sysmon' AND record_key_is_hash = 0, ts_us - (ts_us % 1000000 + 1000000) % 1000000, ts_us);

-- The context tables get the version column the event tables have since c0006.

-- sharded
ALTER TABLE logons ADD COLUMN link_version Int64 DEFAULT 0;

-- sharded
ALTER TABLE service_installs ADD COLUMN link_version Int64 DEFAULT 0;

-- sharded
ALTER TABLE command_line_evidence ADD COLUMN link_version Int64 DEFAULT 0;

-- sharded
REBUILD TABLE processes ENGINE = ReplacingMergeTree(link_version) PARTITION BY intDiv(ts_us, 2592000000000) ORDER BY (host_id, ts_key, record_key, content_key);

-- sharded
REBUILD TABLE network_connections ENGINE = ReplacingMergeTree(link_version) PARTITION BY intDiv(ts_us, 2592000000000) ORDER BY (host_id, ts_key, record_key, content_key);

-- sharded
REBUILD TABLE lifecycle_events ENGINE = ReplacingMergeTree(link_version) PARTITION BY intDiv(ts_us, 2592000000000) ORDER BY (host_id, ts_key, record_key, content_key);

-- sharded
REBUILD TABLE logons ENGINE = ReplacingMergeTree(link_version) PARTITION BY intDiv(ts_us, 2592000000000) ORDER BY (host_id, ts_key, record_key, content_key);

-- sharded
REBUILD TABLE service_installs ENGINE = ReplacingMergeTree(link_version) PARTITION BY intDiv(ts_us, 2592000000000) ORDER BY (host_id, ts_key, record_key, content_key);

-- sharded
REBUILD TABLE command_line_evidence ENGINE = ReplacingMergeTree(link_version) PARTITION BY intDiv(ts_us, 2592000000000) ORDER BY (host_id, ts_key, record_key, content_key);
