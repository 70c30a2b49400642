-- More of each event, for rules that ask about it (Sigma's Sysmon field names), and where it came from.
--
-- Processes gain the executable's version resource (OriginalFileName, Description, Product,
-- Company, FileVersion), the logon session (LogonId, LogonGuid, TerminalSessionId) and the
-- parent's account (ParentUser); connections gain the port names Sysmon resolves. Both gain the
-- kind of log the row came from (sysmon, security, ecs) and the precision of its time.
--
-- Rows loaded before this migration keep the new fields NULL (loading the file again does not
-- fill them: the row is already stored). Their kind is inferred: a Sysmon ProcessGuid is stored
-- as a GUID (36 lower-case characters), an ECS entity id is not; their time precision is the
-- millisecond of Sysmon's UtcTime and ECS's usual @timestamp. The content key (m0005) keeps hashing the fields it hashed, so a file loaded
-- before and after the upgrade still deduplicates.

DROP VIEW process_events;
DROP VIEW network_events;

ALTER TABLE processes ADD COLUMN source_kind TEXT NOT NULL DEFAULT 'sysmon';
ALTER TABLE processes ADD COLUMN ts_precision_us INTEGER NOT NULL DEFAULT 1000;
ALTER TABLE processes ADD COLUMN original_file_name TEXT;
ALTER TABLE processes ADD COLUMN description TEXT;
ALTER TABLE processes ADD COLUMN product TEXT;
ALTER TABLE processes ADD COLUMN company TEXT;
ALTER TABLE processes ADD COLUMN file_version TEXT;
ALTER TABLE processes ADD COLUMN logon_id TEXT;
ALTER TABLE processes ADD COLUMN logon_guid TEXT;
ALTER TABLE processes ADD COLUMN terminal_session_id INTEGER;
ALTER TABLE processes ADD COLUMN parent_user TEXT;

ALTER TABLE network_connections ADD COLUMN source_kind TEXT NOT NULL DEFAULT 'sysmon';
ALTER TABLE network_connections ADD COLUMN ts_precision_us INTEGER NOT NULL DEFAULT 1000;
ALTER TABLE network_connections ADD COLUMN source_port_name TEXT;
ALTER TABLE network_connections ADD COLUMN destination_port_name TEXT;

UPDATE processes SET source_kind = 'ecs'
WHERE NOT (length(entity_id) = 36 AND entity_id GLOB '????????-????-????-????-????????????'
             AND NOT entity_id GLOB '*[^0-9a-f-]*');
UPDATE network_connections SET source_kind = 'ecs'
WHERE NOT (length(entity_id) = 36 AND entity_id GLOB '????????-????-????-????-????????????'
             AND NOT entity_id GLOB '*[^0-9a-f-]*');

CREATE VIEW process_events AS
SELECT
    p.event_id,
    strftime('%Y-%m-%dT%H:%M:%f', p.ts_us / 1000000.0, 'unixepoch') || 'Z' AS time,
    h.name AS host,
    p.entity_id, p.pid, p.executable, p.name, p.command_line, p.args, p.working_directory,
    p.parent_entity_id, p.parent_pid, p.parent_executable, p.parent_name, p.parent_command_line,
    p.user_name, p.user_domain, p.integrity_level, p.hashes,
    p.original_file_name, p.description, p.product, p.company, p.file_version,
    p.logon_id, p.logon_guid, p.terminal_session_id, p.parent_user,
    p.source_kind, p.ts_precision_us,
    s.path AS source_path, p.source_record, p.ts_us, p.host_id
FROM processes AS p
JOIN hosts AS h ON h.host_id = p.host_id
JOIN sources AS s ON s.source_id = p.source_id;

CREATE VIEW network_events AS
SELECT
    n.event_id,
    strftime('%Y-%m-%dT%H:%M:%f', n.ts_us / 1000000.0, 'unixepoch') || 'Z' AS time,
    h.name AS host,
    n.entity_id, n.pid, n.executable, n.name, n.user_name, n.user_domain,
    n.transport, n.direction,
    n.source_ip, n.source_port, n.source_port_name, n.source_hostname,
    n.destination_ip, n.destination_port, n.destination_port_name, n.destination_hostname,
    n.source_kind, n.ts_precision_us,
    s.path AS source_path, n.source_record, n.ts_us, n.host_id
FROM network_connections AS n
JOIN hosts AS h ON h.host_id = n.host_id
JOIN sources AS s ON s.source_id = n.source_id;
