-- Core tables: hosts, provenance (sources, rejects) and the two event kinds.
-- Times are INTEGER microseconds since 1970-01-01 UTC. Column names follow ECS where one exists.

CREATE TABLE hosts (
    host_id     INTEGER PRIMARY KEY,
    host_key    TEXT NOT NULL UNIQUE,   -- ECS host.id, else the lower-cased computer name
    name        TEXT NOT NULL,          -- the host's name as the first event gave it
    ecs_host_id TEXT                    -- ECS host.id when the events carry one
) STRICT;

CREATE TABLE sources (
    source_id          INTEGER PRIMARY KEY,
    path               TEXT NOT NULL,           -- as given on the command line; '-' for stdin
    size_bytes         INTEGER,                 -- bytes read from the file (compressed size for gzip)
    sha256             TEXT,                    -- SHA-256 of the bytes as stored on disk
    format             TEXT NOT NULL,           -- detected or forced input format
    compression        TEXT NOT NULL,           -- 'none' or 'gzip'
    status             TEXT NOT NULL,           -- 'loading', 'complete', 'interrupted', 'failed'
    started_at_us      INTEGER NOT NULL,
    finished_at_us     INTEGER,
    records_read       INTEGER NOT NULL DEFAULT 0,
    records_loaded     INTEGER NOT NULL DEFAULT 0,
    records_duplicate  INTEGER NOT NULL DEFAULT 0,
    records_not_relevant INTEGER NOT NULL DEFAULT 0,
    records_rejected   INTEGER NOT NULL DEFAULT 0,
    message            TEXT                     -- why a load failed or stopped early
) STRICT;

CREATE TABLE rejects (
    reject_id   INTEGER PRIMARY KEY,
    source_id   INTEGER NOT NULL REFERENCES sources (source_id),
    record      INTEGER NOT NULL,   -- line number (NDJSON), record number (arrays, XML, EVTX)
    byte_offset INTEGER,            -- offset of the record in the (decompressed) stream
    reason      TEXT NOT NULL,
    excerpt     TEXT NOT NULL       -- the start of the record, for a quick look
) STRICT;

CREATE TABLE processes (
    event_id            INTEGER PRIMARY KEY,
    host_id             INTEGER NOT NULL REFERENCES hosts (host_id),
    ts_us               INTEGER NOT NULL,
    record_key          ANY NOT NULL,  -- EventRecordID, 'channel:id', ECS event.id, or a content hash
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
    UNIQUE (host_id, record_key)
) STRICT;

CREATE TABLE network_connections (
    event_id         INTEGER PRIMARY KEY,
    host_id          INTEGER NOT NULL REFERENCES hosts (host_id),
    ts_us            INTEGER NOT NULL,
    record_key       ANY NOT NULL,
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
    UNIQUE (host_id, record_key)
) STRICT;
