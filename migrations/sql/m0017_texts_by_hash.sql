-- Command lines and `args` arrays leave the strings dictionary for their own, found by a hash
-- (issue 14: a smaller store).
--
-- Measured with dbstat on 2M generated events (main 8a767c5, 280.6 bytes an event): strings'
-- unique index over its text was 14.6 B an event, and 97,702 of its 98,770 entries were texts
-- over 60 bytes, command lines and their `args` arrays (23.5 MB of text, stored twice: in the
-- table and again in the index). No event index leads with a command line, so that index served
-- only the writer's look-up: a filter on `command_line` or `args` reads the event rows either
-- way. Every other text (paths, users, hashes, addresses, ...) stays in strings with its index,
-- which analysts' pivots on an address seek.
--
-- texts (text_id, hash, value): one row per distinct command line or `args` array, `hash` the
-- 64-bit `TextHash` of its UTF-8 bytes (`hunt_text_hash`, registered by hunt on every
-- connection it opens; stored, so readers never need it). The writer looks a text up by hash and
-- compares the text; texts_by_hash holds 8 bytes and a row id per text instead of the text.
-- process_rows.command_line_ref, args_ref and parent_command_line_ref now name texts.text_id.
--
-- The rows keep their ids: each moved text keeps its string id as its text id, so no event row
-- and no kept context record (child_context's key names the child's command line) is rewritten.
-- A text that another column also names (a command line equal to a path, say) stays in strings
-- too. Runs in the migration runner's one transaction like every migration: a kill leaves the
-- old schema or the new one.

CREATE TABLE texts (
    text_id INTEGER PRIMARY KEY,
    hash    INTEGER NOT NULL,  -- hunt_text_hash(value): the writer's look-up
    value   TEXT NOT NULL
) STRICT;

INSERT INTO texts (text_id, hash, value)
SELECT s.string_id, hunt_text_hash(s.value), s.value FROM strings AS s
WHERE s.string_id IN (SELECT command_line_ref FROM process_rows
                      UNION SELECT args_ref FROM process_rows
                      UNION SELECT parent_command_line_ref FROM process_rows)
ORDER BY s.string_id;

-- The writer's look-up of a command line or an args array (it compares the text as well).
CREATE INDEX texts_by_hash ON texts (hash);

-- What no other column names leaves strings.
DELETE FROM strings
WHERE string_id IN (SELECT text_id FROM texts)
  AND string_id NOT IN (SELECT ref FROM (
      SELECT executable_ref AS ref FROM process_rows
      UNION SELECT working_directory_ref FROM process_rows
      UNION SELECT parent_executable_ref FROM process_rows
      UNION SELECT user_name_ref FROM process_rows
      UNION SELECT user_domain_ref FROM process_rows
      UNION SELECT integrity_level_ref FROM process_rows
      UNION SELECT hashes_ref FROM process_rows
      UNION SELECT original_file_name_ref FROM process_rows
      UNION SELECT description_ref FROM process_rows
      UNION SELECT product_ref FROM process_rows
      UNION SELECT company_ref FROM process_rows
      UNION SELECT file_version_ref FROM process_rows
      UNION SELECT logon_id_ref FROM process_rows
      UNION SELECT logon_guid_ref FROM process_rows
      UNION SELECT parent_user_ref FROM process_rows
      UNION SELECT executable_ref FROM network_rows
      UNION SELECT user_name_ref FROM network_rows
      UNION SELECT user_domain_ref FROM network_rows
      UNION SELECT transport_ref FROM network_rows
      UNION SELECT direction_ref FROM network_rows
      UNION SELECT source_ip_ref FROM network_rows
      UNION SELECT source_hostname_ref FROM network_rows
      UNION SELECT destination_ip_ref FROM network_rows
      UNION SELECT destination_hostname_ref FROM network_rows
      UNION SELECT source_port_name_ref FROM network_rows
      UNION SELECT destination_port_name_ref FROM network_rows
      UNION SELECT source_ip_ref FROM connection_context
      UNION SELECT destination_ip_ref FROM connection_context) WHERE ref IS NOT NULL);

-- The same view, three of its texts read from the new table, and the same triggers.
DROP VIEW processes;
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
LEFT JOIN texts AS t_command_line ON t_command_line.text_id = p.command_line_ref
LEFT JOIN texts AS t_args ON t_args.text_id = p.args_ref
LEFT JOIN strings AS t_working_directory ON t_working_directory.string_id = p.working_directory_ref
LEFT JOIN entities AS t_parent_entity_id ON t_parent_entity_id.entity_ref = p.parent_entity_ref
LEFT JOIN strings AS t_parent_executable ON t_parent_executable.string_id = p.parent_executable_ref
LEFT JOIN names AS t_parent_name ON t_parent_name.name_ref = p.parent_name_ref
LEFT JOIN texts AS t_parent_command_line ON t_parent_command_line.text_id = p.parent_command_line_ref
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

-- Dropping the view dropped its triggers (m0009): the same again.
CREATE TRIGGER processes_delete INSTEAD OF DELETE ON processes
BEGIN
    DELETE FROM process_rows WHERE event_id = OLD.event_id;
END;
CREATE TRIGGER processes_insert INSTEAD OF INSERT ON processes
BEGIN
    SELECT RAISE(ABORT, 'processes is a view over process_rows (m0009): insert into process_rows');
END;
CREATE TRIGGER processes_update INSTEAD OF UPDATE ON processes
BEGIN
    SELECT RAISE(ABORT, 'processes is a view over process_rows (m0009): update process_rows');
END;
