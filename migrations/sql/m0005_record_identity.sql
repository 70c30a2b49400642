-- A record's identity is what makes it the same event, not its record number alone.
--
-- Record numbers restart on re-imaged and cloned hosts and after a log is cleared, and a forged
-- event can carry any number: keyed on (host, record key) alone, a different event with a number
-- already stored was dropped as a duplicate. The key becomes (host, record key, time, content
-- key), where content_key hashes the fields the event was normalized to (the SQL function
-- hunt_content_key, the same code the loader uses). The same key with another time or content is
-- kept as a second row, counted as colliding and named in the warnings table.
--
-- Also: per-source counts of loaded events that were incomplete (fields a rule needs were
-- missing), truncated (a field longer than Windows allows) or colliding, and the warnings table
-- that names each one. The tables are rebuilt (SQLite cannot change a UNIQUE constraint in
-- place); the views that read them are dropped first and created again unchanged.

DROP VIEW process_events;
DROP VIEW network_events;

CREATE TABLE processes_new (
    event_id            INTEGER PRIMARY KEY,
    host_id             INTEGER NOT NULL REFERENCES hosts (host_id),
    ts_us               INTEGER NOT NULL,
    record_key          ANY NOT NULL,  -- EventRecordID, 'channel:id', ECS event.id, or a content hash
    content_key         INTEGER NOT NULL,  -- hash of the event's fields (hunt_content_key)
    source_id           INTEGER NOT NULL REFERENCES sources (source_id),
    source_record       INTEGER NOT NULL,  -- line or record number in that source
    entity_id           TEXT NOT NULL,
    pid                 INTEGER,
    executable          TEXT,
    name                TEXT COLLATE NOCASE,
    command_line        TEXT,
    args                TEXT,              -- JSON array of strings
    working_directory   TEXT,
    parent_entity_id    TEXT,
    parent_pid          INTEGER,
    parent_executable   TEXT,
    parent_name         TEXT COLLATE NOCASE,
    parent_command_line TEXT,
    user_name           TEXT,
    user_domain         TEXT,
    integrity_level     TEXT,
    hashes              TEXT,
    UNIQUE (host_id, record_key, ts_us, content_key)
) STRICT;

INSERT INTO processes_new (event_id, host_id, ts_us, record_key, source_id, source_record, entity_id, pid, executable, name, command_line, args, working_directory, parent_entity_id, parent_pid, parent_executable, parent_name, parent_command_line, user_name, user_domain, integrity_level, hashes, content_key)
SELECT event_id, host_id, ts_us, record_key, source_id, source_record, entity_id, pid, executable, name, command_line, args, working_directory, parent_entity_id, parent_pid, parent_executable, parent_name, parent_command_line, user_name, user_domain, integrity_level, hashes, hunt_content_key(entity_id, pid, executable, command_line, working_directory, parent_entity_id, parent_pid, parent_executable, parent_command_line, user_name, user_domain, integrity_level, hashes)
FROM processes;

DROP TABLE processes;
ALTER TABLE processes_new RENAME TO processes;

CREATE TABLE network_connections_new (
    event_id         INTEGER PRIMARY KEY,
    host_id          INTEGER NOT NULL REFERENCES hosts (host_id),
    ts_us            INTEGER NOT NULL,
    record_key       ANY NOT NULL,
    content_key      INTEGER NOT NULL,
    source_id        INTEGER NOT NULL REFERENCES sources (source_id),
    source_record    INTEGER NOT NULL,
    entity_id        TEXT NOT NULL,
    pid              INTEGER,
    executable       TEXT,
    name             TEXT COLLATE NOCASE,
    user_name        TEXT,
    user_domain      TEXT,
    transport        TEXT,   -- lower case: tcp, udp
    direction        TEXT,   -- incoming, outgoing
    source_ip        TEXT,
    source_port      INTEGER,
    source_hostname  TEXT,
    destination_ip   TEXT,
    destination_port INTEGER,
    destination_hostname TEXT,
    UNIQUE (host_id, record_key, ts_us, content_key)
) STRICT;

INSERT INTO network_connections_new (event_id, host_id, ts_us, record_key, source_id, source_record, entity_id, pid, executable, name, user_name, user_domain, transport, direction, source_ip, source_port, source_hostname, destination_ip, destination_port, destination_hostname, content_key)
SELECT event_id, host_id, ts_us, record_key, source_id, source_record, entity_id, pid, executable, name, user_name, user_domain, transport, direction, source_ip, source_port, source_hostname, destination_ip, destination_port, destination_hostname, hunt_content_key(entity_id, pid, executable, user_name, user_domain, transport, direction, source_ip, source_port, source_hostname, destination_ip, destination_port, destination_hostname)
FROM network_connections;

DROP TABLE network_connections;
ALTER TABLE network_connections_new RENAME TO network_connections;

-- Indexes for the detections (host + entity ids + time) and typical hunts.

-- remote_service_rpc step B candidates: children of services.exe, by time.
CREATE INDEX processes_by_parent_name ON processes (parent_name, ts_us);
-- Process trees and parent pivots within a host.
CREATE INDEX processes_by_parent ON processes (host_id, parent_entity_id, ts_us);
CREATE INDEX processes_by_entity ON processes (host_id, entity_id);
-- Time ranges, per host and fleet-wide.
CREATE INDEX processes_by_host_time ON processes (host_id, ts_us);
CREATE INDEX processes_by_time ON processes (ts_us);
-- Hunts by image name.
CREATE INDEX processes_by_name ON processes (name, ts_us);

-- remote_service_rpc step A lookups: one process entity's connections by time.
CREATE INDEX network_by_entity ON network_connections (host_id, entity_id, ts_us);
-- services.exe (or any image) network activity by time.
CREATE INDEX network_by_name ON network_connections (name, host_id, ts_us);
CREATE INDEX network_by_host_time ON network_connections (host_id, ts_us);
CREATE INDEX network_by_time ON network_connections (ts_us);
-- IP and port pivots.
CREATE INDEX network_by_source_ip ON network_connections (source_ip);
CREATE INDEX network_by_destination ON network_connections (destination_ip, destination_port);

CREATE VIEW process_events AS
SELECT
    p.event_id,
    strftime('%Y-%m-%dT%H:%M:%f', p.ts_us / 1000000.0, 'unixepoch') || 'Z' AS time,
    h.name AS host,
    p.entity_id, p.pid, p.executable, p.name, p.command_line, p.args, p.working_directory,
    p.parent_entity_id, p.parent_pid, p.parent_executable, p.parent_name, p.parent_command_line,
    p.user_name, p.user_domain, p.integrity_level, p.hashes,
    s.path AS source_path, p.source_record, p.ts_us, p.host_id
FROM processes AS p
JOIN hosts AS h ON h.host_id = p.host_id
JOIN sources AS s ON s.source_id = p.source_id;

CREATE VIEW network_events AS
SELECT
    n.event_id,
    strftime('%Y-%m-%dT%H:%M:%f', n.ts_us / 1000000.0, 'unixepoch') || 'Z' AS time,
    h.name AS host,
    n.entity_id, n.pid, n.executable, n.name, n.user_name, n.user_domain,
    n.transport, n.direction,
    n.source_ip, n.source_port, n.source_hostname,
    n.destination_ip, n.destination_port, n.destination_hostname,
    s.path AS source_path, n.source_record, n.ts_us, n.host_id
FROM network_connections AS n
JOIN hosts AS h ON h.host_id = n.host_id
JOIN sources AS s ON s.source_id = n.source_id;

ALTER TABLE sources ADD COLUMN records_incomplete INTEGER NOT NULL DEFAULT 0;
ALTER TABLE sources ADD COLUMN records_truncated INTEGER NOT NULL DEFAULT 0;
ALTER TABLE sources ADD COLUMN records_colliding INTEGER NOT NULL DEFAULT 0;

CREATE TABLE warnings (
    warning_id  INTEGER PRIMARY KEY,
    source_id   INTEGER NOT NULL REFERENCES sources (source_id),
    record      INTEGER NOT NULL,   -- line number (NDJSON), record number (arrays, XML, EVTX)
    byte_offset INTEGER,
    kind        TEXT NOT NULL,      -- 'incomplete', 'truncated' or 'colliding'
    reason      TEXT NOT NULL
) STRICT;
