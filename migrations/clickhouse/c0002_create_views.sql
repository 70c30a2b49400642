-- Analyst views: ISO-8601 UTC times (milliseconds, like the SQLite views), host names and the
-- source file's path. FINAL collapses a copy a concurrent load may have written.

CREATE VIEW IF NOT EXISTS process_events AS
SELECT
    event_id,
    concat(formatDateTime(toDateTime(intDiv(ts_us, 1000000), 'UTC'), '%Y-%m-%dT%H:%M:%S', 'UTC'), '.',
           substring(toString(1000 + intDiv(ts_us % 1000000, 1000)), 2), 'Z') AS time,
    host,
    entity_id, pid, executable, name, command_line, args, working_directory,
    parent_entity_id, parent_pid, parent_executable, parent_name, parent_command_line,
    user_name, user_domain, integrity_level, hashes,
    original_file_name, description, product, company, file_version,
    logon_id, logon_guid, terminal_session_id, parent_user,
    source_kind, ts_precision_us,
    source_path, source_record, ts_us, host_id
FROM processes FINAL
ANY LEFT JOIN (SELECT source_id, any(path) AS source_path FROM sources GROUP BY source_id) USING source_id;

CREATE VIEW IF NOT EXISTS network_events AS
SELECT
    event_id,
    concat(formatDateTime(toDateTime(intDiv(ts_us, 1000000), 'UTC'), '%Y-%m-%dT%H:%M:%S', 'UTC'), '.',
           substring(toString(1000 + intDiv(ts_us % 1000000, 1000)), 2), 'Z') AS time,
    host,
    entity_id, pid, executable, name, user_name, user_domain,
    transport, direction,
    source_ip, source_port, source_port_name, source_hostname,
    destination_ip, destination_port, destination_port_name, destination_hostname,
    source_kind, ts_precision_us,
    source_path, source_record, ts_us, host_id
FROM network_connections FINAL
ANY LEFT JOIN (SELECT source_id, any(path) AS source_path FROM sources GROUP BY source_id) USING source_id;
