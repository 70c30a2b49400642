-- ClickHouse text of the saved hunt rare_parent_child (queries/hunts/rare_parent_child.sql declares it).
-- Names compare case-insensitively, as SQLite's NOCASE columns do. 18.16 takes only constants in
-- LIMIT, so the pairs are sorted in one array, cut to max_rows and unrolled again. host_names
-- lists the hosts in name order (SQLite's group_concat lists them in the order it meets them).
SELECT
    pair.1 AS parent_name,
    pair.2 AS child_name,
    pair.3 AS hosts,
    pair.4 AS executions,
    pair.5 AS first_ts_us,
    pair.6 AS last_ts_us,
    pair.7 AS host_names
FROM (
    SELECT arrayJoin(arraySlice(
               arraySort(p -> (p.3, p.4, lower(p.1), lower(p.2)), groupArray(row)),
               1, toUInt64(greatest({max_rows:Int64}, 0)))) AS pair
    FROM (
        SELECT tuple(any(parent_name), any(name), uniqExact(host_id), count(), min(ts_us), max(ts_us),
                     arrayStringConcat(arraySort(groupUniqArray(host)), ',')) AS row
        FROM processes FINAL
        WHERE isNotNull(name)
          AND isNotNull(parent_name)
          AND ts_us >= ifNull({since:Nullable(Int64)}, toInt64(-9223372036854775807))
          AND ts_us < ifNull({until:Nullable(Int64)}, toInt64(9223372036854775807))
        GROUP BY lower(assumeNotNull(parent_name)), lower(assumeNotNull(name))
        HAVING uniqExact(host_id) <= {max_hosts:Int64}
    )
)
ORDER BY hosts, executions, lower(parent_name), lower(child_name)
