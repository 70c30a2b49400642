-- Context events on ClickHouse (issue 17's m0008 on SQLite): who logged on (Security 4624 /
-- 4625), which service was installed (System 7045, Security 4697, Sysmon 13 on a service's
-- ImagePath). No rule reads them as events; the remote-service alerts look them up (the alert
-- context) and the saved hunts network_logons, services_installed and lateral_chain list them.
-- Keyed, ordered and sharded like the event tables: a re-loaded record adds nothing.

-- sharded
CREATE TABLE IF NOT EXISTS logons (
    event_id        Int64,
    host_id         Int64,
    host            String,
    ts_us           Int64,
    record_key      String,
    content_key     Int64,
    source_id       Int64,
    source_record   Int64,
    source_kind     String,
    ts_precision_us Int64,
    event_code      Int64,              -- 4624 or 4625
    outcome         String,             -- 'success' or 'failure'
    logon_type      Nullable(Int64),    -- 3 network, 10 remote interactive, …
    user_name       Nullable(String),   -- TargetUserName
    user_domain     Nullable(String),   -- TargetDomainName
    logon_id        Nullable(String),   -- TargetLogonId, lower case (0x2990d17)
    source_ip       Nullable(String),   -- IpAddress, canonical
    source_port     Nullable(Int64),    -- IpPort
    workstation     Nullable(String),
    logon_process   Nullable(String),
    auth_package    Nullable(String),
    failure_status  Nullable(String),   -- 4625: SubStatus, else Status
    pid             Nullable(Int64),
    executable      Nullable(String)
) ENGINE = ReplacingMergeTree
PARTITION BY intDiv(ts_us, 2592000000000)
ORDER BY (host_id, ts_us, record_key, content_key);

-- sharded
CREATE TABLE IF NOT EXISTS service_installs (
    event_id        Int64,
    host_id         Int64,
    host            String,
    ts_us           Int64,
    record_key      String,
    content_key     Int64,
    source_id       Int64,
    source_record   Int64,
    source_kind     String,             -- system, security or sysmon
    ts_precision_us Int64,
    event_code      Int64,              -- 7045, 4697 or 13
    service_name    String,
    image_path      Nullable(String),   -- as written (%COMSPEC% /C …)
    start_type      Nullable(String),
    service_type    Nullable(String),
    account         Nullable(String),   -- the account the service runs as
    user_name       Nullable(String),   -- 4697: who installed it
    user_domain     Nullable(String),
    logon_id        Nullable(String),
    entity_id       Nullable(String),   -- 13: the process that set the value
    pid             Nullable(Int64),
    executable      Nullable(String)
) ENGINE = ReplacingMergeTree
PARTITION BY intDiv(ts_us, 2592000000000)
ORDER BY (host_id, ts_us, record_key, content_key);
