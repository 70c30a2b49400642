-- HuntDB's schema on ClickHouse (the HTTP interface; tested on 18.16.1).
--
-- Events are ReplacingMergeTree tables ordered by (host, time) and keyed by a record's identity
-- (host_id, ts_us, record_key, content_key): the loader stores only identities the table does
-- not hold, and a copy that a concurrent load slips in collapses on merge. Times are integer
-- microseconds since 1970 UTC (18.16 has no DateTime64). Strings stay String: LowCardinality is
-- experimental in 18.16. host_id is a 63-bit hash of the host key (no sequences in ClickHouse),
-- so every loader computes the same id and a cluster shards on it: a host's events, and the
-- joins of its events, stay on one shard.
--
-- With ?cluster=NAME, each table marked `-- sharded` below is created as NAME_local on every
-- shard plus a Distributed table NAME over them (sharding key host_id); the other tables are
-- small and are created, and written, on every shard, so joins with them stay local.
-- Statements are separated by lines that end with `;`. Every statement may run again.

-- sharded
CREATE TABLE IF NOT EXISTS processes (
    event_id            Int64,              -- hash of the identity: the same event always has the same id
    host_id             Int64,
    host                String,             -- the host's name as its events give it
    ts_us               Int64,
    record_key          String,             -- EventRecordID, 'channel:id', ECS event.id, or a content hash (hex)
    content_key         Int64,
    source_id           Int64,
    source_record       Int64,
    entity_id           String,
    pid                 Nullable(Int64),
    executable          Nullable(String),
    name                Nullable(String),
    command_line        Nullable(String),
    args                Nullable(String),   -- JSON array of strings
    working_directory   Nullable(String),
    parent_entity_id    Nullable(String),
    parent_pid          Nullable(Int64),
    parent_executable   Nullable(String),
    parent_name         Nullable(String),
    parent_command_line Nullable(String),
    user_name           Nullable(String),
    user_domain         Nullable(String),
    integrity_level     Nullable(String),
    hashes              Nullable(String),
    source_kind         String,
    ts_precision_us     Int64,
    original_file_name  Nullable(String),
    description         Nullable(String),
    product             Nullable(String),
    company             Nullable(String),
    file_version        Nullable(String),
    logon_id            Nullable(String),
    logon_guid          Nullable(String),
    terminal_session_id Nullable(Int64),
    parent_user         Nullable(String)
) ENGINE = ReplacingMergeTree
PARTITION BY intDiv(ts_us, 2592000000000)
ORDER BY (host_id, ts_us, record_key, content_key);

-- sharded
CREATE TABLE IF NOT EXISTS network_connections (
    event_id              Int64,
    host_id               Int64,
    host                  String,
    ts_us                 Int64,
    record_key            String,
    content_key           Int64,
    source_id             Int64,
    source_record         Int64,
    entity_id             String,
    pid                   Nullable(Int64),
    executable            Nullable(String),
    name                  Nullable(String),
    user_name             Nullable(String),
    user_domain           Nullable(String),
    transport             Nullable(String),
    direction             Nullable(String),
    source_ip             Nullable(String),
    source_port           Nullable(Int64),
    source_hostname       Nullable(String),
    destination_ip        Nullable(String),
    destination_port      Nullable(Int64),
    destination_hostname  Nullable(String),
    source_kind           String,
    ts_precision_us       Int64,
    source_port_name      Nullable(String),
    destination_port_name Nullable(String)
) ENGINE = ReplacingMergeTree
PARTITION BY intDiv(ts_us, 2592000000000)
ORDER BY (host_id, ts_us, record_key, content_key);

-- sharded
CREATE TABLE IF NOT EXISTS lifecycle_events (
    event_id        Int64,
    host_id         Int64,
    host            String,
    ts_us           Int64,
    record_key      String,
    content_key     Int64,
    source_id       Int64,
    source_record   Int64,
    kind            String,             -- 'exit' or 'boot'
    entity_id       String,
    pid             Nullable(Int64),
    executable      Nullable(String),
    name            Nullable(String),
    user_name       Nullable(String),
    user_domain     Nullable(String),
    source_kind     String,
    ts_precision_us Int64
) ENGINE = ReplacingMergeTree
PARTITION BY intDiv(ts_us, 2592000000000)
ORDER BY (host_id, ts_us, record_key, content_key);

CREATE TABLE IF NOT EXISTS hosts (
    host_id     Int64,
    host_key    String,             -- ECS host.id, else the lower-cased computer name
    name        String,
    ecs_host_id Nullable(String)
) ENGINE = ReplacingMergeTree
ORDER BY host_id;

-- One row per state of a load (loading, then how it ended): the latest version is the source.
CREATE TABLE IF NOT EXISTS sources (
    source_id      Int64,
    version        Int64,
    path           String,
    size_bytes     Nullable(Int64),
    sha256         Nullable(String),
    format         String,
    compression    String,
    status         String,          -- 'loading', 'complete', 'interrupted', 'failed'
    started_at_us  Int64,
    finished_at_us Nullable(Int64),
    message        Nullable(String)
) ENGINE = ReplacingMergeTree(version)
ORDER BY source_id;

-- The counts of every committed batch of a source: a source's counts are their sums.
CREATE TABLE IF NOT EXISTS source_counts (
    source_id            Int64,
    batch                Int64,
    records_read         Int64,
    records_loaded       Int64,
    records_duplicate    Int64,
    records_not_relevant Int64,
    records_rejected     Int64,
    records_incomplete   Int64,
    records_truncated    Int64,
    records_colliding    Int64
) ENGINE = ReplacingMergeTree
ORDER BY (source_id, batch);

CREATE TABLE IF NOT EXISTS rejects (
    source_id   Int64,
    record      Int64,
    byte_offset Nullable(Int64),
    reason      String,
    excerpt     String
) ENGINE = MergeTree
ORDER BY (source_id, record);

CREATE TABLE IF NOT EXISTS warnings (
    source_id   Int64,
    record      Int64,
    byte_offset Nullable(Int64),
    kind        String,             -- 'incomplete', 'truncated' or 'colliding'
    reason      String
) ENGINE = MergeTree
ORDER BY (source_id, record);
