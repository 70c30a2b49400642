-- ClickHouse text of remote_service_rpc (queries/sql/remote_service_rpc.sql declares the rule:
-- header, parameters, columns). Same alerts as the SQLite text; runs on 18.16 and later.
--
-- The temporal join is an equality join on host, services.exe entity (a child's parent entity
-- = a connection's entity) and time bucket, with the exact window as a filter. Buckets are
-- a minute long; a connection is in one, a child names the buckets of the hour before it (and
-- its precision after), so each pair meets once and a services.exe with thousands of
-- connections over days is not multiplied by every child; windows up to 3598 s and a services.exe with thousands of connections
-- does not multiply every child by all of them. Both sides are narrow (keys and times); the
-- children's details are joined back by event id after counting. The connections side is
-- services.exe's qualifying incoming connections only (held in memory). In a cluster a host's
-- events live on one shard, but the sides are subqueries: 18.16 joins them on the server the
-- query was sent to. (The buckets are constants: on 18.16 a parameter in a
-- selected expression of a distributed subquery breaks it, so parameters stay in WHERE.)
-- Times are honest about their precision p (as in the SQLite text): a connection at A pairs
-- with a child at B when A - (p - 1) <= B <= A + window + (p - 1). Per child: how many
-- qualifying connections fall in its window, and the latest one (ties by load order).
SELECT
    host,
    network_time,
    process_time,
    intDiv(process_time - network_time, 1000) AS delta_ms,
    source_ip,
    source_port,
    destination_ip,
    destination_port,
    services_entity_id,
    services_pid,
    child_entity_id,
    child_pid,
    child_executable,
    child_command_line,
    child_user,
    connections_in_window,
    concat(network_path, ':', toString(network_record)) AS network_source,
    concat(process_path, ':', toString(process_record)) AS process_source,
    child_args,
    parent_executable,
    process_time AS time,
    if(isNull(source_ip), NULL,
       if(position(source_ip, ':') > 0,
          concat('[', source_ip, ']:', ifNull(toString(source_port), '')),
          concat(source_ip, ':', ifNull(toString(source_port), '')))) AS source
FROM (
    SELECT *
    FROM (
        SELECT *
        FROM (
            -- Per child: the qualifying connections in its window, and the latest one.
            SELECT
                child_event_id,
                count() AS connections_in_window,
                argMax(n_ts_us, (n_ts_us, n_source_id, n_source_record)) AS network_time,
                argMax(n_source_ip, (n_ts_us, n_source_id, n_source_record)) AS source_ip,
                argMax(n_source_port, (n_ts_us, n_source_id, n_source_record)) AS source_port,
                argMax(n_destination_ip, (n_ts_us, n_source_id, n_source_record)) AS destination_ip,
                argMax(n_destination_port, (n_ts_us, n_source_id, n_source_record)) AS destination_port,
                argMax(n_pid, (n_ts_us, n_source_id, n_source_record)) AS services_pid,
                argMax(n_source_id, (n_ts_us, n_source_id, n_source_record)) AS network_source_id,
                argMax(n_source_record, (n_ts_us, n_source_id, n_source_record)) AS network_record
            FROM (
                SELECT
                    host_id,
                    assumeNotNull(parent_entity_id) AS entity_id,
                    event_id AS child_event_id,
                    ts_us AS child_ts_us,
                    ts_precision_us AS precision_us,
                    arrayJoin(arrayMap(i -> intDiv(ts_us - 3600000000, 60000000) + i,
                        range(toUInt64(intDiv(ts_us + ts_precision_us - 1, 60000000) - intDiv(ts_us - 3600000000, 60000000) + 1)))) AS bucket
                FROM processes FINAL
                WHERE lower(parent_name) = 'services.exe'
                  AND isNotNull(parent_entity_id)
                  AND ts_us >= ifNull({since:Nullable(Int64)}, toInt64(-9223372036854775807))
                  AND ts_us < ifNull({until:Nullable(Int64)}, toInt64(9223372036854775807))
                  AND ({host:Nullable(String)} IS NULL OR lower(host) = lower({host:Nullable(String)})
                       OR startsWith(lower(host), concat(lower(assumeNotNull({host:Nullable(String)})), '.'))
                       OR host_id GLOBAL IN (SELECT host_id FROM hosts WHERE host_key = concat('id:', lower(assumeNotNull({host:Nullable(String)})))))
            )
            ALL INNER JOIN (
                SELECT
                    host_id,
                    entity_id,
                    intDiv(ts_us, 60000000) AS bucket,
                    ts_us AS n_ts_us,
                    pid AS n_pid,
                    source_ip AS n_source_ip,
                    source_port AS n_source_port,
                    destination_ip AS n_destination_ip,
                    destination_port AS n_destination_port,
                    source_id AS n_source_id,
                    source_record AS n_source_record
                FROM network_connections FINAL
                WHERE lower(name) = 'services.exe'
                  AND direction = 'incoming'
                  AND transport = 'tcp'
                  AND source_port >= {min_port:Int64}
                  AND destination_port >= {min_port:Int64}
                  AND NOT (source_ip LIKE '127.%' OR source_ip = '::1' OR source_ip LIKE '::ffff:127.%')
            ) USING (host_id, entity_id, bucket)
            WHERE throwIf({window_ms:Int64} > 3598000) = 0  -- the buckets cover windows up to 3598 s
              AND n_ts_us >= child_ts_us - {window_ms:Int64} * 1000 - (precision_us - 1)
              AND n_ts_us <= child_ts_us + precision_us - 1
            GROUP BY child_event_id
        )
        ANY INNER JOIN (
            -- The children's details.
            SELECT
                event_id AS child_event_id,
                host,
                ts_us AS process_time,
                parent_entity_id AS services_entity_id,
                entity_id AS child_entity_id,
                pid AS child_pid,
                executable AS child_executable,
                command_line AS child_command_line,
                if(isNull(user_domain), user_name, concat(user_domain, '\\', user_name)) AS child_user,
                args AS child_args,
                parent_executable,
                source_id,
                source_record AS process_record
            FROM processes FINAL
            WHERE lower(parent_name) = 'services.exe'
              AND isNotNull(parent_entity_id)
              AND ts_us >= ifNull({since:Nullable(Int64)}, toInt64(-9223372036854775807))
              AND ts_us < ifNull({until:Nullable(Int64)}, toInt64(9223372036854775807))
        ) USING child_event_id
    )
    ANY LEFT JOIN (SELECT source_id, any(path) AS process_path FROM sources GROUP BY source_id) USING source_id
)
ANY LEFT JOIN (SELECT source_id AS network_source_id, any(path) AS network_path FROM sources GROUP BY source_id) USING network_source_id
ORDER BY process_time, source_id, process_record
