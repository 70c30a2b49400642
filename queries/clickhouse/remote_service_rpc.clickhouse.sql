-- ClickHouse text of remote_service_rpc (queries/sql/remote_service_rpc.sql declares the rule:
-- header, parameters, columns). Same alerts as the SQLite text; runs on 18.16 and later.
--
-- The temporal join is an equality join on host, services.exe entity (a child's parent entity
-- = a connection's entity) and time bucket, with the exact window as a filter. A bucket is
-- max(1 min, window) long; a connection is in one, a child names the buckets its window
-- [child - window - (p - 1), child + (p - 1)] touches (one to three), so each pair meets once
-- and a services.exe with thousands of connections over days is not multiplied by every child.
-- The bucket expressions sit outside the subqueries that read the (possibly Distributed) event
-- tables: on 18.16 a parameter in a selected expression of a distributed subquery breaks it, so
-- inside those, parameters stay in WHERE.
--
-- Memory stays small (under 1 GB at 10M events; the bench caps each query at 2 GB): the event
-- tables are read without FINAL, each side filtered first on columns the Security linker never
-- rewrites and de-duplicated by event id keeping the latest link (`ORDER BY link_version DESC
-- LIMIT 1 BY event_id`, c0006: a copy a concurrent or killed load wrote, or a row the linker
-- wrote again before a merge, shares its event id), then filtered on the linked columns and
-- the exact time range (a more precise copy of a Security record moves its time within its
-- second, c0007: before the pick the range goes through ts_key, which every copy shares); FINAL
-- would merge every part's rows of all columns read, which took 4.45 GiB here). Both join sides are narrow (keys and times) and the
-- connections side, held in memory, is services.exe's qualifying incoming connections only.
-- Per child: how many qualifying connections fall in its window, and the latest one (ties by
-- load order); the children's details are read as a stream and joined to those per-child rows
-- (the small side, held in memory). In a cluster a host's events live on one shard, but the
-- sides are subqueries: 18.16 joins them on the server the query was sent to.
-- Times are honest about their precision p (as in the SQLite text): a connection at A pairs
-- with a child at B when A - (p - 1) <= B <= A + window + (p - 1).
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
          SELECT * FROM (
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
            FROM processes
            WHERE lower(parent_name) = 'services.exe'
              AND ts_key >= ifNull({since:Nullable(Int64)} - 999999, toInt64(-9223372036854775807))
              AND ts_key < ifNull({until:Nullable(Int64)}, toInt64(9223372036854775807))
              AND ts_us > ifNull({since:Nullable(Int64)} - 1000000, toInt64(-9223372036854775807))
              AND ts_us < ifNull({until:Nullable(Int64)} + 1000000, toInt64(9223372036854775807))
            ORDER BY link_version DESC
            LIMIT 1 BY child_event_id
          )
          WHERE isNotNull(services_entity_id)
            AND process_time >= ifNull({since:Nullable(Int64)}, toInt64(-9223372036854775807)) AND process_time < ifNull({until:Nullable(Int64)}, toInt64(9223372036854775807))
        )
        ANY INNER JOIN (
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
                    greatest(toInt64(60000000), {window_ms:Int64} * 1000) AS bucket_us,
                    intDiv(ts_us - {window_ms:Int64} * 1000 - (ts_precision_us - 1), bucket_us) AS first_bucket,
                    intDiv(ts_us + ts_precision_us - 1, bucket_us) AS last_bucket,
                    arrayJoin(arrayMap(i -> first_bucket + i, range(toUInt64(greatest(last_bucket - first_bucket + 1, 0))))) AS bucket
                FROM (
                    SELECT host_id, parent_entity_id, event_id, ts_us, ts_precision_us
                    FROM processes
                    WHERE lower(parent_name) = 'services.exe'
                      AND ts_key >= ifNull({since:Nullable(Int64)} - 999999, toInt64(-9223372036854775807))
                      AND ts_key < ifNull({until:Nullable(Int64)}, toInt64(9223372036854775807))
                      AND ts_us > ifNull({since:Nullable(Int64)} - 1000000, toInt64(-9223372036854775807))
                      AND ts_us < ifNull({until:Nullable(Int64)} + 1000000, toInt64(9223372036854775807))
                      AND ({host:Nullable(String)} IS NULL OR lower(host) = lower({host:Nullable(String)})
                           OR startsWith(lower(host), concat(lower(assumeNotNull({host:Nullable(String)})), '.'))
                           OR host_id GLOBAL IN (SELECT host_id FROM hosts WHERE host_key = concat('id:', lower(assumeNotNull({host:Nullable(String)})))))
                    ORDER BY link_version DESC
                    LIMIT 1 BY event_id
                )
                WHERE isNotNull(parent_entity_id)
                  AND ts_us >= ifNull({since:Nullable(Int64)}, toInt64(-9223372036854775807)) AND ts_us < ifNull({until:Nullable(Int64)}, toInt64(9223372036854775807))
            )
            ALL INNER JOIN (
                SELECT *, intDiv(n_ts_us, greatest(toInt64(60000000), {window_ms:Int64} * 1000)) AS bucket
                FROM (
                SELECT
                    host_id,
                    entity_id,
                    ts_us AS n_ts_us,
                    pid AS n_pid,
                    source_ip AS n_source_ip,
                    source_port AS n_source_port,
                    destination_ip AS n_destination_ip,
                    destination_port AS n_destination_port,
                    source_id AS n_source_id,
                    source_record AS n_source_record
                FROM network_connections
                WHERE lower(name) = 'services.exe'
                  AND direction = 'incoming'
                  AND transport = 'tcp'
                  AND source_port >= {min_port:Int64}
                  AND destination_port >= {min_port:Int64}
                  AND NOT (source_ip LIKE '127.%' OR source_ip = '::1' OR source_ip LIKE '::ffff:127.%')
                ORDER BY link_version DESC
                LIMIT 1 BY event_id
                )
            ) USING (host_id, entity_id, bucket)
            WHERE n_ts_us >= child_ts_us - {window_ms:Int64} * 1000 - (precision_us - 1)
              AND n_ts_us <= child_ts_us + precision_us - 1
            GROUP BY child_event_id
        ) USING child_event_id
    )
    ANY LEFT JOIN (SELECT source_id, any(path) AS process_path FROM sources GROUP BY source_id) USING source_id
)
ANY LEFT JOIN (SELECT source_id AS network_source_id, any(path) AS network_path FROM sources GROUP BY source_id) USING network_source_id
ORDER BY process_time, source_id, process_record
