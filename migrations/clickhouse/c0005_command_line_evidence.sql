-- Command-line evidence on ClickHouse (SQLite's m0011): PowerShell's 4103
-- (Microsoft-Windows-PowerShell/Operational) names its host process's command line in
-- ContextInfo ("Host Application = …") and the process id in System/Execution. When the start
-- of the process that made an alert's source connection was not recorded, the alert context's
-- source_command_line comes from here: same host, same pid, the closest in time within
-- evidence_window. Keyed, ordered and sharded like the event tables: a re-loaded record adds
-- nothing.

-- sharded
CREATE TABLE IF NOT EXISTS command_line_evidence (
    event_id           Int64,
    host_id            Int64,
    host               String,
    ts_us              Int64,
    record_key         String,             -- 'Microsoft-Windows-PowerShell/Operational:<EventRecordID>', or a content hash (hex)
    content_key        Int64,
    record_key_is_hash UInt8,              -- 1: record_key is a content hash (c0004)
    source_id          Int64,
    source_record      Int64,
    source_kind        String,             -- powershell
    ts_precision_us    Int64,
    event_code         Int64,              -- 4103
    pid                Int64,              -- System/Execution ProcessID: the PowerShell host's process
    command_line       String,             -- ContextInfo "Host Application"
    user_name          Nullable(String),   -- ContextInfo "User" (DOMAIN\user), split
    user_domain        Nullable(String)
) ENGINE = ReplacingMergeTree
PARTITION BY intDiv(ts_us, 2592000000000)
ORDER BY (host_id, ts_us, record_key, content_key);
