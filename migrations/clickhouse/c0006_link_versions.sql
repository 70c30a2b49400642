-- Versions of linked rows and the volumes learned per host (issue 15, session 10).
--
-- The Security linker (ClickHouseSecurityLinker) writes a row again when its links change
-- (entity, parent entity, a device path mapped to a drive): the new copy has the same identity
-- and sorting key and a higher link_version (rows as loaded have 0). Readers without FINAL (the
-- rules, the alert context, the linker itself) keep, per event id, the copy of the highest
-- link_version (`ORDER BY link_version DESC LIMIT 1 BY event_id`), so a stale copy that no
-- merge has removed yet (OPTIMIZE does nothing while a merge runs, or merges are stopped) is
-- never what they see. FINAL readers keep the last inserted copy, which is the highest version
-- too: a rewrite is inserted after the copy it replaces. The tables keep their engine (18.16
-- cannot change it with ALTER): no table is recreated. 18.16 has no ADD COLUMN IF NOT EXISTS:
-- the store skips an ADD COLUMN whose column exists, so every statement may run again.

-- sharded
ALTER TABLE processes ADD COLUMN link_version Int64 DEFAULT 0;

-- sharded
ALTER TABLE network_connections ADD COLUMN link_version Int64 DEFAULT 0;

-- sharded
ALTER TABLE lifecycle_events ADD COLUMN link_version Int64 DEFAULT 0;

-- The volumes (`\device\harddiskvolume2` → `C:`) the linker learned per host, with the time of
-- the connection that showed each (the earliest wins, like the linker's reading order). A row
-- with device '' marks a host whose volumes were learned from all its events (a host linked
-- before c0006 is learned once from its whole history, then only from each batch's events).
-- Small: written on every shard, like hosts.
CREATE TABLE IF NOT EXISTS host_volumes (
    host_id        Int64,
    device         String,
    drive          String,
    evidence_ts_us Int64
) ENGINE = ReplacingMergeTree
ORDER BY (host_id, device, drive, evidence_ts_us);
