-- The compact store: process and network events as rows of integers, every repeated string once.
--
-- On a generated fleet corpus processes were 970 bytes a row and network connections 250, with
-- the same executables, command lines, hashes, users, addresses and entity GUIDs spelled out again
-- in every row and again in every index over them. Here each distinct string is stored once in a
-- dictionary and rows refer to it by a small integer:
--   names     image file names (name, parent_name); case-insensitive like the columns they were
--             (NOCASE), but 'X.EXE' and 'x.exe' stay two entries, so values come back as loaded
--   entities  process entity ids (Sysmon ProcessGuid, ECS entity id, Security's synthesized ids)
--   strings   every other text: paths, command lines, args, users, hashes, addresses, ...
-- source_kind becomes a code (0 sysmon, 1 security, 2 ecs). The relations processes and
-- network_connections stay, as views with every column of before (same names, same values), so
-- every query written against them keeps working; the analyst views process_events and
-- network_events are unchanged and read them. Event ids are kept.
--
-- Indexes keep their names (processes_by_*, network_by_*) and serve what they served; each says
-- which rule, hunt, loader step or analyst pivot uses it. processes_by_time and network_by_time
-- (ts_us alone, 17 bytes an event) are gone: no rule, hunt, coverage probe or Sigma query seeks
-- by time alone (their --since/--until are `:since IS NULL OR ts_us >= :since`, which SQLite does
-- not seek; per host, *_by_host_time serves). A fleet-wide time window scans. A
-- filter on an interned view column (name, parent_name, entity_id, parent_entity_id, source_ip,
-- destination_ip) is a seek in the dictionary's unique index and then in the row index.
--
-- The whole migration runs in one transaction with the others (MigrationRunner): a kill during
-- the upgrade leaves the old schema or the new one, never a mix.

DROP VIEW process_events;
DROP VIEW network_events;

CREATE TABLE names (
    name_ref INTEGER PRIMARY KEY,
    value    TEXT NOT NULL COLLATE NOCASE,
    UNIQUE (value COLLATE BINARY)  -- the writer's lookup: one entry per exact spelling
) STRICT;
-- Filters on name / parent_name through the views compare case-insensitively, as before.
CREATE INDEX names_by_value ON names (value);

CREATE TABLE entities (
    entity_ref INTEGER PRIMARY KEY,
    value      TEXT NOT NULL UNIQUE  -- the writer's lookup and filters on entity_id / parent_entity_id
) STRICT;

CREATE TABLE strings (
    string_id INTEGER PRIMARY KEY,
    value     TEXT NOT NULL UNIQUE  -- the writer's lookup and filters on any other interned column
) STRICT;

CREATE TABLE process_rows (
    event_id INTEGER PRIMARY KEY,
    host_id INTEGER NOT NULL REFERENCES hosts (host_id),
    ts_us INTEGER NOT NULL,
    record_key ANY NOT NULL,
    content_key INTEGER NOT NULL,
    source_id INTEGER NOT NULL REFERENCES sources (source_id),
    source_record INTEGER NOT NULL,
    entity_ref INTEGER NOT NULL,  -- entities
    pid INTEGER,
    executable_ref INTEGER,  -- strings
    name_ref INTEGER,  -- names
    command_line_ref INTEGER,  -- strings
    args_ref INTEGER,  -- strings
    working_directory_ref INTEGER,  -- strings
    parent_entity_ref INTEGER,  -- entities
    parent_pid INTEGER,
    parent_executable_ref INTEGER,  -- strings
    parent_name_ref INTEGER,  -- names
    parent_command_line_ref INTEGER,  -- strings
    user_name_ref INTEGER,  -- strings
    user_domain_ref INTEGER,  -- strings
    integrity_level_ref INTEGER,  -- strings
    hashes_ref INTEGER,  -- strings
    source_kind INTEGER NOT NULL,  -- 0 sysmon, 1 security, 2 ecs
    ts_precision_us INTEGER NOT NULL,
    original_file_name_ref INTEGER,  -- strings
    description_ref INTEGER,  -- strings
    product_ref INTEGER,  -- strings
    company_ref INTEGER,  -- strings
    file_version_ref INTEGER,  -- strings
    logon_id_ref INTEGER,  -- strings
    logon_guid_ref INTEGER,  -- strings
    terminal_session_id INTEGER,
    parent_user_ref INTEGER,  -- strings
    UNIQUE (host_id, record_key, ts_us, content_key)
) STRICT;

CREATE TABLE network_rows (
    event_id INTEGER PRIMARY KEY,
    host_id INTEGER NOT NULL REFERENCES hosts (host_id),
    ts_us INTEGER NOT NULL,
    record_key ANY NOT NULL,
    content_key INTEGER NOT NULL,
    source_id INTEGER NOT NULL REFERENCES sources (source_id),
    source_record INTEGER NOT NULL,
    entity_ref INTEGER NOT NULL,  -- entities
    pid INTEGER,
    executable_ref INTEGER,  -- strings
    name_ref INTEGER,  -- names
    user_name_ref INTEGER,  -- strings
    user_domain_ref INTEGER,  -- strings
    transport_ref INTEGER,  -- strings
    direction_ref INTEGER,  -- strings
    source_ip_ref INTEGER,  -- strings
    source_port INTEGER,
    source_hostname_ref INTEGER,  -- strings
    destination_ip_ref INTEGER,  -- strings
    destination_port INTEGER,
    destination_hostname_ref INTEGER,  -- strings
    source_kind INTEGER NOT NULL,  -- 0 sysmon, 1 security, 2 ecs
    ts_precision_us INTEGER NOT NULL,
    source_port_name_ref INTEGER,  -- strings
    destination_port_name_ref INTEGER,  -- strings
    UNIQUE (host_id, record_key, ts_us, content_key)
) STRICT;

INSERT INTO strings (value)
SELECT value FROM (
    SELECT executable AS value FROM processes
    UNION SELECT command_line FROM processes
    UNION SELECT args FROM processes
    UNION SELECT working_directory FROM processes
    UNION SELECT parent_executable FROM processes
    UNION SELECT parent_command_line FROM processes
    UNION SELECT user_name FROM processes
    UNION SELECT user_domain FROM processes
    UNION SELECT integrity_level FROM processes
    UNION SELECT hashes FROM processes
    UNION SELECT original_file_name FROM processes
    UNION SELECT description FROM processes
    UNION SELECT product FROM processes
    UNION SELECT company FROM processes
    UNION SELECT file_version FROM processes
    UNION SELECT logon_id FROM processes
    UNION SELECT logon_guid FROM processes
    UNION SELECT parent_user FROM processes
    UNION SELECT executable FROM network_connections
    UNION SELECT user_name FROM network_connections
    UNION SELECT user_domain FROM network_connections
    UNION SELECT transport FROM network_connections
    UNION SELECT direction FROM network_connections
    UNION SELECT source_ip FROM network_connections
    UNION SELECT source_hostname FROM network_connections
    UNION SELECT destination_ip FROM network_connections
    UNION SELECT destination_hostname FROM network_connections
    UNION SELECT source_port_name FROM network_connections
    UNION SELECT destination_port_name FROM network_connections
) WHERE value IS NOT NULL;

INSERT INTO names (value)
SELECT value FROM (
    SELECT name COLLATE BINARY AS value FROM processes
    UNION SELECT parent_name COLLATE BINARY FROM processes
    UNION SELECT name COLLATE BINARY FROM network_connections
) WHERE value IS NOT NULL;

INSERT INTO entities (value)
SELECT value FROM (
    SELECT entity_id AS value FROM processes
    UNION SELECT parent_entity_id FROM processes
    UNION SELECT entity_id FROM network_connections
) WHERE value IS NOT NULL;

INSERT INTO process_rows (event_id, host_id, ts_us, record_key, content_key, source_id, source_record, entity_ref, pid, executable_ref, name_ref, command_line_ref, args_ref, working_directory_ref, parent_entity_ref, parent_pid, parent_executable_ref, parent_name_ref, parent_command_line_ref, user_name_ref, user_domain_ref, integrity_level_ref, hashes_ref, source_kind, ts_precision_us, original_file_name_ref, description_ref, product_ref, company_ref, file_version_ref, logon_id_ref, logon_guid_ref, terminal_session_id, parent_user_ref)
SELECT o.event_id,
       o.host_id,
       o.ts_us,
       o.record_key,
       o.content_key,
       o.source_id,
       o.source_record,
       (SELECT entity_ref FROM entities WHERE value = o.entity_id),
       o.pid,
       (SELECT string_id FROM strings WHERE value = o.executable),
       (SELECT name_ref FROM names WHERE value = o.name COLLATE BINARY),
       (SELECT string_id FROM strings WHERE value = o.command_line),
       (SELECT string_id FROM strings WHERE value = o.args),
       (SELECT string_id FROM strings WHERE value = o.working_directory),
       (SELECT entity_ref FROM entities WHERE value = o.parent_entity_id),
       o.parent_pid,
       (SELECT string_id FROM strings WHERE value = o.parent_executable),
       (SELECT name_ref FROM names WHERE value = o.parent_name COLLATE BINARY),
       (SELECT string_id FROM strings WHERE value = o.parent_command_line),
       (SELECT string_id FROM strings WHERE value = o.user_name),
       (SELECT string_id FROM strings WHERE value = o.user_domain),
       (SELECT string_id FROM strings WHERE value = o.integrity_level),
       (SELECT string_id FROM strings WHERE value = o.hashes),
       CASE o.source_kind WHEN 'security' THEN 1 WHEN 'ecs' THEN 2 ELSE 0 END,
       o.ts_precision_us,
       (SELECT string_id FROM strings WHERE value = o.original_file_name),
       (SELECT string_id FROM strings WHERE value = o.description),
       (SELECT string_id FROM strings WHERE value = o.product),
       (SELECT string_id FROM strings WHERE value = o.company),
       (SELECT string_id FROM strings WHERE value = o.file_version),
       (SELECT string_id FROM strings WHERE value = o.logon_id),
       (SELECT string_id FROM strings WHERE value = o.logon_guid),
       o.terminal_session_id,
       (SELECT string_id FROM strings WHERE value = o.parent_user)
FROM processes AS o;

INSERT INTO network_rows (event_id, host_id, ts_us, record_key, content_key, source_id, source_record, entity_ref, pid, executable_ref, name_ref, user_name_ref, user_domain_ref, transport_ref, direction_ref, source_ip_ref, source_port, source_hostname_ref, destination_ip_ref, destination_port, destination_hostname_ref, source_kind, ts_precision_us, source_port_name_ref, destination_port_name_ref)
SELECT o.event_id,
       o.host_id,
       o.ts_us,
       o.record_key,
       o.content_key,
       o.source_id,
       o.source_record,
       (SELECT entity_ref FROM entities WHERE value = o.entity_id),
       o.pid,
       (SELECT string_id FROM strings WHERE value = o.executable),
       (SELECT name_ref FROM names WHERE value = o.name COLLATE BINARY),
       (SELECT string_id FROM strings WHERE value = o.user_name),
       (SELECT string_id FROM strings WHERE value = o.user_domain),
       (SELECT string_id FROM strings WHERE value = o.transport),
       (SELECT string_id FROM strings WHERE value = o.direction),
       (SELECT string_id FROM strings WHERE value = o.source_ip),
       o.source_port,
       (SELECT string_id FROM strings WHERE value = o.source_hostname),
       (SELECT string_id FROM strings WHERE value = o.destination_ip),
       o.destination_port,
       (SELECT string_id FROM strings WHERE value = o.destination_hostname),
       CASE o.source_kind WHEN 'security' THEN 1 WHEN 'ecs' THEN 2 ELSE 0 END,
       o.ts_precision_us,
       (SELECT string_id FROM strings WHERE value = o.source_port_name),
       (SELECT string_id FROM strings WHERE value = o.destination_port_name)
FROM network_connections AS o;

DROP TABLE processes;
DROP TABLE network_connections;
-- Indexes a crashed bulk load left to rebuild are all created below, on the new tables.
DELETE FROM deferred_indexes;

-- remote_service_rpc and rpc_service_process: the children of services.exe, by time.
CREATE INDEX processes_by_parent_name ON process_rows (parent_name_ref, ts_us);
-- remote_service_rpc (a connection's children in its window), process_tree's descendants.
CREATE INDEX processes_by_parent ON process_rows (host_id, parent_entity_ref, ts_us);
-- process_tree, the report's trees, VolumeMap: one entity's start on a host.
CREATE INDEX processes_by_entity ON process_rows (host_id, entity_ref);
-- host_timeline, --host with --since/--until, stats per host.
CREATE INDEX processes_by_host_time ON process_rows (host_id, ts_us);
-- Hunts and coverage by image name.
CREATE INDEX processes_by_name ON process_rows (name_ref, ts_us);

-- remote_service_rpc step A: one services.exe entity's connections in a time range.
CREATE INDEX network_by_entity ON network_rows (host_id, entity_ref, ts_us);
-- rpc_service_network and coverage (services.exe incoming): one image's connections by time.
CREATE INDEX network_by_name ON network_rows (name_ref, host_id, ts_us);
-- host_timeline, --host with --since/--until.
CREATE INDEX network_by_host_time ON network_rows (host_id, ts_us);
-- Analyst pivots on addresses.
CREATE INDEX network_by_source_ip ON network_rows (source_ip_ref);
CREATE INDEX network_by_destination ON network_rows (destination_ip_ref, destination_port);
-- Alert context (m0008): the source host's side of a connection, by its source port and address.
CREATE INDEX network_by_source_port ON network_rows (source_port, source_ip_ref, ts_us);

-- The Security entity linker's seeks (m0007), on Security rows only.
CREATE INDEX processes_security_by_pid ON process_rows (host_id, pid, ts_us) WHERE source_kind = 1;
CREATE INDEX processes_security_by_time ON process_rows (host_id, ts_us) WHERE source_kind = 1;
CREATE INDEX processes_security_by_entity ON process_rows (host_id, entity_ref) WHERE source_kind = 1;
CREATE INDEX network_security_by_time ON network_rows (host_id, ts_us) WHERE source_kind = 1;

CREATE VIEW processes AS
SELECT
    p.event_id,
    p.host_id,
    p.ts_us,
    p.record_key,
    p.content_key,
    p.source_id,
    p.source_record,
    t_entity_id.value AS entity_id,
    p.pid,
    t_executable.value AS executable,
    t_name.value AS name,
    t_command_line.value AS command_line,
    t_args.value AS args,
    t_working_directory.value AS working_directory,
    t_parent_entity_id.value AS parent_entity_id,
    p.parent_pid,
    t_parent_executable.value AS parent_executable,
    t_parent_name.value AS parent_name,
    t_parent_command_line.value AS parent_command_line,
    t_user_name.value AS user_name,
    t_user_domain.value AS user_domain,
    t_integrity_level.value AS integrity_level,
    t_hashes.value AS hashes,
    CASE p.source_kind WHEN 0 THEN 'sysmon' WHEN 1 THEN 'security' WHEN 2 THEN 'ecs' END AS source_kind,
    p.ts_precision_us,
    t_original_file_name.value AS original_file_name,
    t_description.value AS description,
    t_product.value AS product,
    t_company.value AS company,
    t_file_version.value AS file_version,
    t_logon_id.value AS logon_id,
    t_logon_guid.value AS logon_guid,
    p.terminal_session_id,
    t_parent_user.value AS parent_user
FROM process_rows AS p
JOIN entities AS t_entity_id ON t_entity_id.entity_ref = p.entity_ref
LEFT JOIN strings AS t_executable ON t_executable.string_id = p.executable_ref
LEFT JOIN names AS t_name ON t_name.name_ref = p.name_ref
LEFT JOIN strings AS t_command_line ON t_command_line.string_id = p.command_line_ref
LEFT JOIN strings AS t_args ON t_args.string_id = p.args_ref
LEFT JOIN strings AS t_working_directory ON t_working_directory.string_id = p.working_directory_ref
LEFT JOIN entities AS t_parent_entity_id ON t_parent_entity_id.entity_ref = p.parent_entity_ref
LEFT JOIN strings AS t_parent_executable ON t_parent_executable.string_id = p.parent_executable_ref
LEFT JOIN names AS t_parent_name ON t_parent_name.name_ref = p.parent_name_ref
LEFT JOIN strings AS t_parent_command_line ON t_parent_command_line.string_id = p.parent_command_line_ref
LEFT JOIN strings AS t_user_name ON t_user_name.string_id = p.user_name_ref
LEFT JOIN strings AS t_user_domain ON t_user_domain.string_id = p.user_domain_ref
LEFT JOIN strings AS t_integrity_level ON t_integrity_level.string_id = p.integrity_level_ref
LEFT JOIN strings AS t_hashes ON t_hashes.string_id = p.hashes_ref
LEFT JOIN strings AS t_original_file_name ON t_original_file_name.string_id = p.original_file_name_ref
LEFT JOIN strings AS t_description ON t_description.string_id = p.description_ref
LEFT JOIN strings AS t_product ON t_product.string_id = p.product_ref
LEFT JOIN strings AS t_company ON t_company.string_id = p.company_ref
LEFT JOIN strings AS t_file_version ON t_file_version.string_id = p.file_version_ref
LEFT JOIN strings AS t_logon_id ON t_logon_id.string_id = p.logon_id_ref
LEFT JOIN strings AS t_logon_guid ON t_logon_guid.string_id = p.logon_guid_ref
LEFT JOIN strings AS t_parent_user ON t_parent_user.string_id = p.parent_user_ref;

CREATE VIEW network_connections AS
SELECT
    n.event_id,
    n.host_id,
    n.ts_us,
    n.record_key,
    n.content_key,
    n.source_id,
    n.source_record,
    t_entity_id.value AS entity_id,
    n.pid,
    t_executable.value AS executable,
    t_name.value AS name,
    t_user_name.value AS user_name,
    t_user_domain.value AS user_domain,
    t_transport.value AS transport,
    t_direction.value AS direction,
    t_source_ip.value AS source_ip,
    n.source_port,
    t_source_hostname.value AS source_hostname,
    t_destination_ip.value AS destination_ip,
    n.destination_port,
    t_destination_hostname.value AS destination_hostname,
    CASE n.source_kind WHEN 0 THEN 'sysmon' WHEN 1 THEN 'security' WHEN 2 THEN 'ecs' END AS source_kind,
    n.ts_precision_us,
    t_source_port_name.value AS source_port_name,
    t_destination_port_name.value AS destination_port_name
FROM network_rows AS n
JOIN entities AS t_entity_id ON t_entity_id.entity_ref = n.entity_ref
LEFT JOIN strings AS t_executable ON t_executable.string_id = n.executable_ref
LEFT JOIN names AS t_name ON t_name.name_ref = n.name_ref
LEFT JOIN strings AS t_user_name ON t_user_name.string_id = n.user_name_ref
LEFT JOIN strings AS t_user_domain ON t_user_domain.string_id = n.user_domain_ref
LEFT JOIN strings AS t_transport ON t_transport.string_id = n.transport_ref
LEFT JOIN strings AS t_direction ON t_direction.string_id = n.direction_ref
LEFT JOIN strings AS t_source_ip ON t_source_ip.string_id = n.source_ip_ref
LEFT JOIN strings AS t_source_hostname ON t_source_hostname.string_id = n.source_hostname_ref
LEFT JOIN strings AS t_destination_ip ON t_destination_ip.string_id = n.destination_ip_ref
LEFT JOIN strings AS t_destination_hostname ON t_destination_hostname.string_id = n.destination_hostname_ref
LEFT JOIN strings AS t_source_port_name ON t_source_port_name.string_id = n.source_port_name_ref
LEFT JOIN strings AS t_destination_port_name ON t_destination_port_name.string_id = n.destination_port_name_ref;

-- Deleting through the views deletes the rows (dictionary entries stay). Inserts and updates
-- go to process_rows / network_rows, with ids from the dictionaries: through the views they
-- fail with a message that says so.
CREATE TRIGGER processes_delete INSTEAD OF DELETE ON processes
BEGIN
    DELETE FROM process_rows WHERE event_id = OLD.event_id;
END;
CREATE TRIGGER network_connections_delete INSTEAD OF DELETE ON network_connections
BEGIN
    DELETE FROM network_rows WHERE event_id = OLD.event_id;
END;
CREATE TRIGGER processes_insert INSTEAD OF INSERT ON processes
BEGIN
    SELECT RAISE(ABORT, 'processes is a view over process_rows (m0009): insert into process_rows');
END;
CREATE TRIGGER processes_update INSTEAD OF UPDATE ON processes
BEGIN
    SELECT RAISE(ABORT, 'processes is a view over process_rows (m0009): update process_rows');
END;
CREATE TRIGGER network_connections_insert INSTEAD OF INSERT ON network_connections
BEGIN
    SELECT RAISE(ABORT, 'network_connections is a view over network_rows (m0009): insert into network_rows');
END;
CREATE TRIGGER network_connections_update INSTEAD OF UPDATE ON network_connections
BEGIN
    SELECT RAISE(ABORT, 'network_connections is a view over network_rows (m0009): update network_rows');
END;

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
