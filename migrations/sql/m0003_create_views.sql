-- Analyst views: ISO-8601 UTC times and host names instead of ids and microseconds.

CREATE VIEW process_events AS
SELECT
    p.event_id,
    strftime('%Y-%m-%dT%H:%M:%f', p.ts_us / 1000000.0, 'unixepoch') || 'Z' AS time,
    h.name AS host,
    p.entity_id, p.pid, p.executable, p.name, p.command_line, p.args, p.working_directory,
    p.parent_entity_id, p.parent_pid, p.parent_executable, p.parent_name, p.parent_command_line,
    p.user_name, p.user_domain, p.integrity_level, p.hashes,
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
    n.source_ip, n.source_port, n.source_hostname,
    n.destination_ip, n.destination_port, n.destination_hostname,
    s.path AS source_path, n.source_record, n.ts_us, n.host_id
FROM network_connections AS n
JOIN hosts AS h ON h.host_id = n.host_id
JOIN sources AS s ON s.source_id = n.source_id;
