-- Context events: who logged on, which service was installed (issue 17).
--
-- They are not processes or connections, so no rule reads them as events; the remote-service
-- alerts look them up (the alert context) and the saved hunts network_logons, services_installed
-- and lateral_chain list them. Deduplicated like every event: same host, record key, time and
-- content (content_key, computed by the loader from the fields below) is the same record, and
-- a Security record loaded in two time precisions is one row (the more precise time kept).

-- Security 4624 (success) and 4625 (failure).
CREATE TABLE logons (
    event_id        INTEGER PRIMARY KEY,
    host_id         INTEGER NOT NULL REFERENCES hosts (host_id),
    ts_us           INTEGER NOT NULL,
    record_key      ANY NOT NULL,      -- 'Security:<EventRecordID>', or a content hash
    content_key     INTEGER NOT NULL,
    source_id       INTEGER NOT NULL REFERENCES sources (source_id),
    source_record   INTEGER NOT NULL,
    source_kind     TEXT NOT NULL DEFAULT 'security',
    ts_precision_us INTEGER NOT NULL DEFAULT 1,
    event_code      INTEGER NOT NULL,  -- 4624 or 4625
    outcome         TEXT NOT NULL CHECK (outcome IN ('success', 'failure')),
    logon_type      INTEGER,           -- 3 network, 10 remote interactive, …
    user_name       TEXT,              -- TargetUserName
    user_domain     TEXT,              -- TargetDomainName
    logon_id        TEXT,              -- TargetLogonId, lower case (0x2990d17)
    source_ip       TEXT,              -- IpAddress, canonical
    source_port     INTEGER,           -- IpPort
    workstation     TEXT,              -- WorkstationName
    logon_process   TEXT,              -- LogonProcessName
    auth_package    TEXT,              -- AuthenticationPackageName
    failure_status  TEXT,              -- 4625: SubStatus, else Status
    pid             INTEGER,           -- ProcessId of the process that asked for the logon
    executable      TEXT,              -- ProcessName
    UNIQUE (host_id, record_key, ts_us, content_key)
) STRICT;

-- System 7045, Security 4697 and Sysmon 13 (…\Services\<name>\ImagePath set).
CREATE TABLE service_installs (
    event_id        INTEGER PRIMARY KEY,
    host_id         INTEGER NOT NULL REFERENCES hosts (host_id),
    ts_us           INTEGER NOT NULL,
    record_key      ANY NOT NULL,      -- 'System:<id>', 'Security:<id>', a Sysmon record id, or a hash
    content_key     INTEGER NOT NULL,
    source_id       INTEGER NOT NULL REFERENCES sources (source_id),
    source_record   INTEGER NOT NULL,
    source_kind     TEXT NOT NULL,     -- system, security or sysmon
    ts_precision_us INTEGER NOT NULL DEFAULT 1,
    event_code      INTEGER NOT NULL,  -- 7045, 4697 or 13
    service_name    TEXT NOT NULL COLLATE NOCASE,
    image_path      TEXT,              -- as written (%COMSPEC% /C …)
    start_type      TEXT,
    service_type    TEXT,
    account         TEXT,              -- the account the service runs as
    user_name       TEXT,              -- 4697: who installed it
    user_domain     TEXT,
    logon_id        TEXT,              -- 4697: the installer's logon session
    entity_id       TEXT,              -- 13: the process that set the value (Sysmon ProcessGuid)
    pid             INTEGER,
    executable      TEXT,
    UNIQUE (host_id, record_key, ts_us, content_key)
) STRICT;

-- The alert context's seeks: a host's logons from an address before a time, a host's service
-- installs before a time; the hunts' by account, name and time.
CREATE INDEX logons_by_source ON logons (host_id, source_ip, ts_us);
CREATE INDEX logons_by_time ON logons (ts_us);
CREATE INDEX logons_by_user ON logons (user_name COLLATE NOCASE, ts_us);
CREATE INDEX service_installs_by_host_time ON service_installs (host_id, ts_us);
CREATE INDEX service_installs_by_time ON service_installs (ts_us);
CREATE INDEX service_installs_by_name ON service_installs (service_name, ts_us);

-- The source side of a connection: another host's outgoing connection with the same source
-- address and port, near the time (the alert context, the lateral_chain hunt). Without it each
-- lookup read every connection to the same destination (thousands per RPC port in a fleet). A
-- new index on an existing table: bulk loads defer and rebuild it with the others.
CREATE INDEX network_by_source_port ON network_connections (source_port, source_ip, ts_us);
