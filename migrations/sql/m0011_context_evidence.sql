-- Alert context, second part (issue 17): command-line evidence, and the indexes that make the
-- context of many alerts one cheap pass.

-- A process's command line as a log other than its start gives it: PowerShell's 4103
-- (Microsoft-Windows-PowerShell/Operational) names its host process in ContextInfo
-- ("Host Application = powershell.exe -noP -sta -w 1 -enc …") and the process id in
-- System/Execution. When the start of the process that made an alert's source connection was
-- not recorded (it started before the recording), its command line is taken from here: same
-- host, same pid, near the time. Deduplicated like every event.
CREATE TABLE command_line_evidence (
    event_id        INTEGER PRIMARY KEY,
    host_id         INTEGER NOT NULL REFERENCES hosts (host_id),
    ts_us           INTEGER NOT NULL,
    record_key      ANY NOT NULL,      -- 'Microsoft-Windows-PowerShell/Operational:<EventRecordID>', or a hash
    content_key     INTEGER NOT NULL,
    source_id       INTEGER NOT NULL REFERENCES sources (source_id),
    source_record   INTEGER NOT NULL,
    source_kind     TEXT NOT NULL,     -- powershell
    ts_precision_us INTEGER NOT NULL DEFAULT 1,
    event_code      INTEGER NOT NULL,  -- 4103
    pid             INTEGER NOT NULL,  -- System/Execution ProcessID: the PowerShell host's process
    command_line    TEXT NOT NULL,     -- ContextInfo "Host Application"
    user_name       TEXT,              -- ContextInfo "User" (DOMAIN\user), split
    user_domain     TEXT,
    UNIQUE (host_id, record_key, ts_us, content_key)
) STRICT;

CREATE INDEX command_line_evidence_by_pid ON command_line_evidence (host_id, pid, ts_us);

-- The alert context's logon seeks (RemoteServiceContextQuery): the logon of the same TCP session
-- (host, address, port, newest first: one seek, no sort), and, for an alert without a connection,
-- a host's latest network logon before a time (without it every logon of the window was read
-- through logons_by_time, all hosts' together).
CREATE INDEX logons_by_session ON logons (host_id, source_ip, source_port, ts_us);
CREATE INDEX logons_by_host_time ON logons (host_id, ts_us);
