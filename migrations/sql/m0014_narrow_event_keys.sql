-- A smaller store (issue 14): the events' identity key and two indexes no query needs.
--
-- Measured with dbstat on 2M generated events loaded by main a75d0c7 (302 bytes an event):
--   UNIQUE (host_id, record_key, ts_us, content_key) of process_rows and network_rows: 35.7 B an
--     event, of which 18 B are the 8-byte time and the 8-byte content key spelled out again.
--   processes_by_host_time and network_by_host_time (host_id, ts_us): 19 B an event.
--
-- 1. The identity stays (host, record key, time, content): an event loaded again is a duplicate,
--    another event under the same record key is kept and reported as colliding. The writer
--    checks it (EventWriter: one seek on (host_id, record_key) when the key is not above every
--    key the host holds, which is every key of a normal Sysmon load), so the index holds only
--    (host_id, record_key): processes_by_record / network_by_record. `hunt check` still reports
--    two rows with the same identity.
-- 2. processes_by_host_time and network_by_host_time are gone: no rule seeks by host and time
--    alone. One host's events are still an index seek (processes_by_entity, network_by_entity
--    lead with host_id; the time is read from those index entries or the rows), which is what
--    host_timeline, coverage per host and `--host` filters do: a few thousand entries per host.
--
-- SQLite cannot drop a UNIQUE constraint: both tables are rewritten. Ids (event_id) are kept, so
-- every reference to a row stays valid; the views over them (processes, network_connections,
-- process_events, network_events) name the tables and read the new ones. Foreign keys are
-- checked at commit (the rows are back by then). Like every migration this runs in the
-- migration runner's one transaction: a kill during the upgrade leaves the old schema or the
-- new one, never a mix. The freed pages stay in the file until a VACUUM.

PRAGMA defer_foreign_keys = ON;

CREATE TABLE m0014_process_copy AS SELECT * FROM process_rows;
CREATE TABLE m0014_network_copy AS SELECT * FROM network_rows;
DROP TABLE process_rows;
DROP TABLE network_rows;

CREATE TABLE process_rows (
    event_id INTEGER PRIMARY KEY,
    host_id INTEGER NOT NULL REFERENCES hosts (host_id),
    ts_us INTEGER NOT NULL,
    record_key ANY NOT NULL,
    content_key INTEGER NOT NULL,
    source_id INTEGER NOT NULL REFERENCES sources (source_id),
    source_record INTEGER NOT NULL,
    entity_ref INTEGER NOT NULL,  -- entities
    pid INTEGER,
    executable_ref INTEGER,  -- strings
    name_ref INTEGER,  -- names
    command_line_ref INTEGER,  -- strings
    args_ref INTEGER,  -- strings
    working_directory_ref INTEGER,  -- strings
    parent_entity_ref INTEGER,  -- entities
    parent_pid INTEGER,
    parent_executable_ref INTEGER,  -- strings
    parent_name_ref INTEGER,  -- names
    parent_command_line_ref INTEGER,  -- strings
    user_name_ref INTEGER,  -- strings
    user_domain_ref INTEGER,  -- strings
    integrity_level_ref INTEGER,  -- strings
    hashes_ref INTEGER,  -- strings
    source_kind INTEGER NOT NULL,  -- 0 sysmon, 1 security, 2 ecs
    ts_precision_us INTEGER NOT NULL,
    original_file_name_ref INTEGER,  -- strings
    description_ref INTEGER,  -- strings
    product_ref INTEGER,  -- strings
    company_ref INTEGER,  -- strings
    file_version_ref INTEGER,  -- strings
    logon_id_ref INTEGER,  -- strings
    logon_guid_ref INTEGER,  -- strings
    terminal_session_id INTEGER,
    parent_user_ref INTEGER  -- strings
) STRICT;

CREATE TABLE network_rows (
    event_id INTEGER PRIMARY KEY,
    host_id INTEGER NOT NULL REFERENCES hosts (host_id),
    ts_us INTEGER NOT NULL,
    record_key ANY NOT NULL,
    content_key INTEGER NOT NULL,
    source_id INTEGER NOT NULL REFERENCES sources (source_id),
    source_record INTEGER NOT NULL,
    entity_ref INTEGER NOT NULL,  -- entities
    pid INTEGER,
    executable_ref INTEGER,  -- strings
    name_ref INTEGER,  -- names
    user_name_ref INTEGER,  -- strings
    user_domain_ref INTEGER,  -- strings
    transport_ref INTEGER,  -- strings
    direction_ref INTEGER,  -- strings
    source_ip_ref INTEGER,  -- strings
    source_port INTEGER,
    source_hostname_ref INTEGER,  -- strings
    destination_ip_ref INTEGER,  -- strings
    destination_port INTEGER,
    destination_hostname_ref INTEGER,  -- strings
    source_kind INTEGER NOT NULL,  -- 0 sysmon, 1 security, 2 ecs
    ts_precision_us INTEGER NOT NULL,
    source_port_name_ref INTEGER,  -- strings
    destination_port_name_ref INTEGER  -- strings
) STRICT;

INSERT INTO process_rows SELECT * FROM m0014_process_copy ORDER BY event_id;
INSERT INTO network_rows SELECT * FROM m0014_network_copy ORDER BY event_id;
DROP TABLE m0014_process_copy;
DROP TABLE m0014_network_copy;

-- Every index below is created here on the new tables, so none is left to rebuild.
DELETE FROM deferred_indexes;

-- The writer's duplicate and collision look-ups, RecordKeyCeiling, SecurityRecordMatch, `hunt
-- check`: one host's events under one record key. Never deferred (the load needs it).
CREATE INDEX processes_by_record ON process_rows (host_id, record_key);
CREATE INDEX network_by_record ON network_rows (host_id, record_key);

-- remote_service_rpc and rpc_service_process: the children of services.exe, by time.
CREATE INDEX processes_by_parent_name ON process_rows (parent_name_ref, ts_us);
-- remote_service_rpc (a connection's children in its window), process_tree's descendants.
CREATE INDEX processes_by_parent ON process_rows (host_id, parent_entity_ref, ts_us);
-- process_tree, the report's trees, VolumeMap, the alert context: one entity's start on a
-- host; host_timeline, coverage and `--host`: one host's processes.
CREATE INDEX processes_by_entity ON process_rows (host_id, entity_ref);
-- Hunts, coverage and analysts' filters by image name.
CREATE INDEX processes_by_name ON process_rows (name_ref, ts_us);

-- remote_service_rpc step A: one services.exe entity's connections in a time range;
-- process_connections; host_timeline, coverage and `--host`: one host's connections.
CREATE INDEX network_by_entity ON network_rows (host_id, entity_ref, ts_us);
-- rpc_service_network and coverage (services.exe incoming): one image's connections by time.
CREATE INDEX network_by_name ON network_rows (name_ref, host_id, ts_us);
-- The alert context (a connection's destination) and analysts' pivots on a destination.
CREATE INDEX network_by_destination ON network_rows (destination_ip_ref, destination_port);
-- The alert context's source-side look-up and analysts' pivots on a source address (m0012).
CREATE INDEX network_by_source ON network_rows (source_ip_ref, source_port, ts_us);

-- The Security entity linker's seeks (m0007), on Security rows only.
CREATE INDEX processes_security_by_pid ON process_rows (host_id, pid, ts_us) WHERE source_kind = 1;
CREATE INDEX processes_security_by_time ON process_rows (host_id, ts_us) WHERE source_kind = 1;
CREATE INDEX processes_security_by_entity ON process_rows (host_id, entity_ref) WHERE source_kind = 1;
CREATE INDEX network_security_by_time ON network_rows (host_id, ts_us) WHERE source_kind = 1;
