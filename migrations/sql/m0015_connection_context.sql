-- The alert context of every incoming connection to services.exe, kept by the load (issue 17).
--
-- Looking the context up when `hunt detect` runs costs a few B-tree seeks per alert (the logon,
-- the source connection, its process's entity, first start and command line): for the network
-- rule, whose alerts are every such connection, that doubled the command's time. The load now
-- looks it up once per connection and keeps the answer here, values spelled out, in the rules'
-- own order (time, host): a rule's run reads the rows of each batch of alerts in one pass.
--
-- A row is the answer of the same look-up a rule run makes (`RemoteServiceContextQuery`) for the
-- request the connection's alerts make: its host (as the look-up resolves the alert's host name),
-- time, source and destination address and port. It depends on rows that may come in later
-- loads, so each load recomputes the rows whose answer its rows can change
-- (`ConnectionContextRefresh`), keyed by the columns the indexes below serve:
--   a logon on the host from the source address, near the connection    by_logon_key
--   a connection from the same source address and port, near it          by_source_key
--   a start (or relinked row) of the source process                       by_source_process
-- Rows of the event tables that a load changes in place (the Security linker, the precision fold,
-- the volume map) are written to connection_context_changes by the triggers below, in the same
-- transaction as the change; connection_context_state holds how far the rows were taken into
-- account. A reader uses these rows only when nothing was written since (else it looks up, as
-- before): a load killed before its refresh leaves the store correct, only slower to read.
CREATE TABLE connection_context (
    ts_us               INTEGER NOT NULL,  -- the connection's time
    host_id             INTEGER NOT NULL,  -- its host as the look-up resolves the alert's host name
    event_id            INTEGER NOT NULL,  -- the connection (network_rows)
    source_ip_ref       INTEGER NOT NULL,  -- strings: the request's source address
    source_port         INTEGER NOT NULL,
    destination_ip_ref  INTEGER,           -- strings
    destination_port    INTEGER,
    logon_event_id      INTEGER,           -- logons: the logon chosen, NULL when none
    logon_user          TEXT,
    logon_domain        TEXT,
    logon_id            TEXT,
    logon_type          INTEGER,
    logon_ts_us         INTEGER,
    logon_ip            TEXT,
    source_event_id     INTEGER,           -- network_rows: the source side chosen, NULL when none
    source_host_id      INTEGER,
    source_entity_ref   INTEGER,           -- entities
    source_pid          INTEGER,           -- the pid its command-line evidence was asked for
    source_ts_us        INTEGER,
    source_entity_id    TEXT,
    source_executable   TEXT,
    source_command_line TEXT,
    clock_offset_ms     INTEGER,
    PRIMARY KEY (ts_us, host_id, event_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX connection_context_by_logon_key ON connection_context (host_id, source_ip_ref, ts_us);
CREATE INDEX connection_context_by_source_key ON connection_context (source_ip_ref, source_port, ts_us);
CREATE INDEX connection_context_by_source_process ON connection_context (source_host_id, source_entity_ref);

-- One row: whether the rows above were ever computed, and the greatest event id of each table
-- they took into account.
CREATE TABLE connection_context_state (
    id                INTEGER PRIMARY KEY CHECK (id = 1),
    built             INTEGER NOT NULL,
    network_through   INTEGER NOT NULL,
    logons_through    INTEGER NOT NULL,
    processes_through INTEGER NOT NULL,
    evidence_through  INTEGER NOT NULL
) STRICT;
INSERT INTO connection_context_state VALUES (1, 0, 0, 0, 0, 0);

-- Rows changed in place since the last refresh: kind 1 network_rows, 2 logons, 3 process_rows
-- (by host and entity, before and after), 4 command_line_evidence.
CREATE TABLE connection_context_changes (
    kind       INTEGER NOT NULL,
    event_id   INTEGER,
    host_id    INTEGER,
    entity_ref INTEGER
) STRICT;

CREATE TRIGGER network_rows_changed AFTER UPDATE ON network_rows BEGIN
    INSERT INTO connection_context_changes (kind, event_id) VALUES (1, NEW.event_id);
END;
CREATE TRIGGER logons_changed AFTER UPDATE ON logons BEGIN
    INSERT INTO connection_context_changes (kind, event_id) VALUES (2, NEW.event_id);
END;
CREATE TRIGGER process_rows_changed AFTER UPDATE ON process_rows BEGIN
    INSERT INTO connection_context_changes (kind, event_id, host_id, entity_ref) VALUES (3, NEW.event_id, OLD.host_id, OLD.entity_ref);
    INSERT INTO connection_context_changes (kind, event_id, host_id, entity_ref) VALUES (3, NEW.event_id, NEW.host_id, NEW.entity_ref);
END;
CREATE TRIGGER command_line_evidence_changed AFTER UPDATE ON command_line_evidence BEGIN
    INSERT INTO connection_context_changes (kind, event_id) VALUES (4, NEW.event_id);
END;
-- Nothing deletes events today; if something does, every row is computed again.
-- A later migration that rebuilds network_rows, logons, process_rows or command_line_evidence
-- drops these triggers with the table: it must create them again and set built = 0.
CREATE TRIGGER network_rows_deleted AFTER DELETE ON network_rows BEGIN
    UPDATE connection_context_state SET built = 0;
END;
CREATE TRIGGER logons_deleted AFTER DELETE ON logons BEGIN
    UPDATE connection_context_state SET built = 0;
END;
CREATE TRIGGER process_rows_deleted AFTER DELETE ON process_rows BEGIN
    UPDATE connection_context_state SET built = 0;
END;
CREATE TRIGGER command_line_evidence_deleted AFTER DELETE ON command_line_evidence BEGIN
    UPDATE connection_context_state SET built = 0;
END;
