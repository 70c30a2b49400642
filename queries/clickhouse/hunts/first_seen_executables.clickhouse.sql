-- ClickHouse text of the saved hunt first_seen_executables (queries/hunts/first_seen_executables.sql declares it).
-- argMin over a tuple takes every "first" column from the one row with the earliest start.
SELECT
    first_ts_us,
    first.1 AS first_host,
    first.2 AS executable,
    first.3 AS first_command_line,
    first.4 AS first_parent_executable,
    hosts,
    executions
FROM (
    SELECT
        min(ts_us) AS first_ts_us,
        argMin(tuple(host, executable, command_line, parent_executable), ts_us) AS first,
        uniqExact(host_id) AS hosts,
        count() AS executions
    FROM processes FINAL
    WHERE isNotNull(executable)
    GROUP BY lower(assumeNotNull(executable))
)
WHERE first_ts_us >= {since:Int64}
  AND first_ts_us < ifNull({until:Nullable(Int64)}, toInt64(9223372036854775807))
ORDER BY first_ts_us, executable
