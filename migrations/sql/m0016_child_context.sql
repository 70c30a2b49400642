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
    record              BLOB NOT NULL,     -- the key and the answer, packed (see below)
    logon_event_id      INTEGER,           -- logons: the logon chosen, NULL when none
    logon_ip            TEXT,              -- its source address and port, what the source side was matched by
    logon_port          INTEGER,
    logon_ts_us         INTEGER,
    source_event_id     INTEGER,           -- network_rows: the source side chosen, NULL when none
    source_host_id      INTEGER,
    source_entity_ref   INTEGER,           -- entities
    source_pid          INTEGER,           -- the pid its command-line evidence was asked for
    source_ts_us        INTEGER,
    service_event_id    INTEGER,           -- service_installs: the install chosen, NULL when none
    PRIMARY KEY (ts_us, host_id, event_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX child_context_by_host_time ON child_context (host_id, ts_us);
CREATE INDEX child_context_by_logon_source ON child_context (logon_ip, logon_port, logon_ts_us);
CREATE INDEX child_context_by_source_process ON child_context (source_host_id, source_entity_ref);

-- connection_context again, its answer packed the same way: a rule run read fifteen columns per
-- alert, a third of what the kept context cost it. The rows are computed anew by the next load.
DROP TABLE connection_context;
CREATE TABLE connection_context (
    ts_us               INTEGER NOT NULL,  -- the connection's time
    host_id             INTEGER NOT NULL,  -- its host as the look-up resolves the alert's host name
    event_id            INTEGER NOT NULL,  -- the connection (network_rows)
    record              BLOB NOT NULL,     -- the key and the answer, packed (see below)
    source_ip_ref       INTEGER NOT NULL,  -- strings: the request's source address
    source_port         INTEGER NOT NULL,
    destination_ip_ref  INTEGER,           -- strings
    destination_port    INTEGER,
    logon_event_id      INTEGER,           -- logons: the logon chosen, NULL when none
    source_event_id     INTEGER,           -- network_rows: the source side chosen, NULL when none
    source_host_id      INTEGER,
    source_entity_ref   INTEGER,           -- entities
    source_pid          INTEGER,           -- the pid its command-line evidence was asked for
    source_ts_us        INTEGER,
    PRIMARY KEY (ts_us, host_id, event_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX connection_context_by_logon_key ON connection_context (host_id, source_ip_ref, ts_us);
CREATE INDEX connection_context_by_source_key ON connection_context (source_ip_ref, source_port, ts_us);
CREATE INDEX connection_context_by_source_process ON connection_context (source_host_id, source_entity_ref);

-- `record` (`KeptContextRecordWriter`): texts as a varint length + 1 (0: NULL) and their UTF-8
-- bytes, integers as a byte (0: NULL) and 8 bytes little-endian, in this order:
--   connection_context: host name, source address, source port, destination address, destination
--     port; logon user, domain, logon id, type, time (µs), address; source host name, entity id,
--     executable, command line, clock offset (ms).
--   child_context: child executable and command line (strings ids: with the row's host, the key);
--     the same logon and source fields; service name, image path, time (µs).
-- The columns after it are what the refresh joins new rows with.

-- How far service installs were taken into account; the next load computes both tables anew.
ALTER TABLE connection_context_state ADD COLUMN services_through INTEGER NOT NULL DEFAULT 0;
UPDATE connection_context_state SET built = 0;

CREATE TRIGGER service_installs_changed AFTER UPDATE ON service_installs BEGIN
    INSERT INTO connection_context_changes (kind, event_id) VALUES (5, NEW.event_id);
END;
CREATE TRIGGER service_installs_deleted AFTER DELETE ON service_installs BEGIN
    UPDATE connection_context_state SET built = 0;
END;
