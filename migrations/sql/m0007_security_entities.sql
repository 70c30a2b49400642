-- Windows Security events as process and network sources (4688, 4689, 5156, 4608).
--
-- 4688 process starts and 5156 connections are rows of processes and network_connections with
-- source_kind 'security' (m0006). Their processes carry no GUID, so entity ids are synthesized
-- (host + pid + the start of the process's life) and linked by the store after each load
-- transaction (SecurityEntityLinker): a 4688's parent, a 5156's process and a 4689's process.
-- Process exits (4689) and boots (4608) bound the lives of pids; they are stored here, not as
-- processes, so no rule sees them.

CREATE TABLE lifecycle_events (
    event_id        INTEGER PRIMARY KEY,
    host_id         INTEGER NOT NULL REFERENCES hosts (host_id),
    ts_us           INTEGER NOT NULL,
    record_key      ANY NOT NULL,      -- 'Security:<EventRecordID>', or a content hash
    content_key     INTEGER NOT NULL,  -- hunt_content_key(entity_id as loaded (''), pid, executable, user_name, user_domain)
    source_id       INTEGER NOT NULL REFERENCES sources (source_id),
    source_record   INTEGER NOT NULL,
    kind            TEXT NOT NULL CHECK (kind IN ('exit', 'boot')),
    entity_id       TEXT NOT NULL,     -- the exiting process (linked); '' for a boot
    pid             INTEGER,
    executable      TEXT,
    name            TEXT COLLATE NOCASE,
    user_name       TEXT,
    user_domain     TEXT,
    source_kind     TEXT NOT NULL DEFAULT 'security',
    ts_precision_us INTEGER NOT NULL DEFAULT 1,
    UNIQUE (host_id, record_key, ts_us, content_key)
) STRICT;

-- The linker's seeks: the last start, exit and boot of a pid before a time, on one host; the
-- Security rows of a host from a time on; a process's 4688 and 4689 by entity (volumes). The
-- linker runs during loads, so bulk loads keep these (DeferredIndexes), and they hold only
-- Security rows, so a Sysmon load does not pay for them.
CREATE INDEX lifecycle_by_pid ON lifecycle_events (host_id, kind, pid, ts_us);
CREATE INDEX lifecycle_by_entity ON lifecycle_events (host_id, kind, entity_id);
CREATE INDEX processes_security_by_pid ON processes (host_id, pid, ts_us) WHERE source_kind = 'security';
CREATE INDEX processes_security_by_time ON processes (host_id, ts_us) WHERE source_kind = 'security';
CREATE INDEX processes_security_by_entity ON processes (host_id, entity_id) WHERE source_kind = 'security';
CREATE INDEX network_security_by_time ON network_connections (host_id, ts_us) WHERE source_kind = 'security';

-- Which drive a host's \device\harddiskvolumeN is, learned from a 5156 whose process also has
-- a 4688 or 4689 with a drive path and the same rest of the path.
CREATE TABLE host_volumes (
    host_id INTEGER NOT NULL REFERENCES hosts (host_id),
    device  TEXT NOT NULL COLLATE NOCASE,  -- e.g. \device\harddiskvolume2
    drive   TEXT NOT NULL,                 -- e.g. C:
    PRIMARY KEY (host_id, device)
) STRICT;
