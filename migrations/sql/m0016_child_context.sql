-- The alert context of every process services.exe started, kept by the load (issue 17).
--
-- m0015 keeps the context of the connections to services.exe. An alert with a child and no
-- connection (rpc_service_process: fleets that do not log services.exe's network events) still
-- looked its whole context up: the latest remote logon on the host before the child, the source
-- process of that logon's connection, the service whose image path is the child's. At 2M events
-- that added 23 % to the rule's time, most of it seeks all over the file. The load now looks it up
-- once per child and keeps the answer here, in the rule's own order (time, host).
--
-- A row is the answer of the same look-up a rule run makes (`RemoteServiceContextQuery`) for the
-- request a child-only alert makes: its host (as the look-up resolves the alert's host name), the
-- child's start, executable and command line. Each load recomputes the rows whose answer its
-- rows can change (`ChildContextRefresh`), keyed by the columns the indexes below serve:
--   a logon or a service install on the host, near the child            by_host_time
--   a connection from the chosen logon's address and port, near it      by_logon_source
--   a start (or relinked row) of the source process                     by_source_process
-- Rows changed in place are taken from connection_context_changes (kind 5: service_installs,
-- written by the trigger below); connection_context_state now covers both tables, and a reader
-- uses either only when nothing was written since.
CREATE TABLE child_context (
    ts_us               INTEGER NOT NULL,  -- the child's start
    host_id             INTEGER NOT NULL,  -- its host as the look-up resolves the alert's host name
    event_id            INTEGER NOT NULL,  -- the child (process_rows)
    executable_ref      INTEGER,           -- strings: the request's child executable
    command_line_ref    INTEGER,           -- strings: the request's child command line
    logon_event_id      INTEGER,           -- logons: the logon chosen, NULL when none
    logon_user          TEXT,
    logon_domain        TEXT,
    logon_id            TEXT,
    logon_type          INTEGER,
    logon_ts_us         INTEGER,
    logon_ip            TEXT,
    logon_port          INTEGER,
    source_event_id     INTEGER,           -- network_rows: the source side chosen, NULL when none
    source_host_id      INTEGER,
    source_entity_ref   INTEGER,           -- entities
    source_pid          INTEGER,           -- the pid its command-line evidence was asked for
    source_ts_us        INTEGER,
    source_entity_id    TEXT,
    source_executable   TEXT,
    source_command_line TEXT,
    clock_offset_ms     INTEGER,
    service_event_id    INTEGER,           -- service_installs: the install chosen, NULL when none
    service_name        TEXT,
    service_image       TEXT,
    service_ts_us       INTEGER,
    PRIMARY KEY (ts_us, host_id, event_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX child_context_by_host_time ON child_context (host_id, ts_us);
CREATE INDEX child_context_by_logon_source ON child_context (logon_ip, logon_port, logon_ts_us);
CREATE INDEX child_context_by_source_process ON child_context (source_host_id, source_entity_ref);

-- How far service installs were taken into account; the next load computes both tables anew.
ALTER TABLE connection_context_state ADD COLUMN services_through INTEGER NOT NULL DEFAULT 0;
UPDATE connection_context_state SET built = 0;

CREATE TRIGGER service_installs_changed AFTER UPDATE ON service_installs BEGIN
    INSERT INTO connection_context_changes (kind, event_id) VALUES (5, NEW.event_id);
END;
CREATE TRIGGER service_installs_deleted AFTER DELETE ON service_installs BEGIN
    UPDATE connection_context_state SET built = 0;
END;
