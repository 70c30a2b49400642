-- The views' `time` as SQLite's views write it (issue 15, session 11). c0002 cut a time to the
-- millisecond; SQLite's `strftime('%Y-%m-%dT%H:%M:%f', ts_us / 1000000.0, 'unixepoch')` rounds
-- it, in doubles: Julian milliseconds = (int64)(seconds * 1000.0 + 210866760000000.0 + 0.5)
-- (SQLite 3.40's date.c). The expression below does the same arithmetic in Float64, so a time
-- with microseconds (XML, EVTX) reads the same in both stores (checked against SQLite on
-- 100,000 random times, and by ClickHouseTimePrecisionCLITests). Every statement may run again.

DROP TABLE IF EXISTS process_events;

DROP TABLE IF EXISTS network_events;

CREATE VIEW IF NOT EXISTS process_events AS
SELECT
    event_id,
    concat(formatDateTime(toDateTime(intDiv(toInt64(ts_us / 1000000 * 1000. + 210866760000000. + 0.5) - 210866760000000, 1000), 'UTC'),
                          '%Y-%m-%dT%H:%M:%S', 'UTC'), '.',
           substring(toString(1000 + (toInt64(ts_us / 1000000 * 1000. + 210866760000000. + 0.5) - 210866760000000) % 1000), 2),
           'Z') AS time,
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
    concat(formatDateTime(toDateTime(intDiv(toInt64(ts_us / 1000000 * 1000. + 210866760000000. + 0.5) - 210866760000000, 1000), 'UTC'),
                          '%Y-%m-%dT%H:%M:%S', 'UTC'), '.',
           substring(toString(1000 + (toInt64(ts_us / 1000000 * 1000. + 210866760000000. + 0.5) - 210866760000000) % 1000), 2),
           'Z') AS time,
    host,
    entity_id, pid, executable, name, user_name, user_domain,
    transport, direction,
    source_ip, source_port, source_port_name, source_hostname,
    destination_ip, destination_port, destination_port_name, destination_hostname,
    source_kind, ts_precision_us,
    source_path, source_record, ts_us, host_id
FROM network_connections FINAL
ANY LEFT JOIN (SELECT source_id, any(path) AS source_path FROM sources GROUP BY source_id) USING source_id;
