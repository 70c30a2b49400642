-- ClickHouse text of the saved hunt lateral_chain (queries/hunts/lateral_chain.sql declares it).
-- 18.16 has neither recursive queries nor dense_rank(). The hops are the same three-way join as
-- SQLite's (each join an equality join, the time windows as filters), gathered into one array
-- hs; the chains are followed in arrays: succ lists each hop's possible next hops, g1 holds the
-- chains' first hops, gK the paths of K hops, up to 16 (max_hops above 16 is refused by
-- throwIf). A chain's number is its rank by (first child's time, first hop id); hops at one
-- depth of a chain come in time order. Memory grows with the square of the hops in the range:
-- narrow a large store with since/until.
--
-- 18.16's lambdas copy every array they read from outside for each element, and drop a
-- subquery's column that the query above reads only inside a lambda: so the inner lambdas
-- read only scalars (the arrays they scan are arguments), the aliases live in one SELECT, and
-- each hop's tuple is paired with the paths through it by ARRAY JOIN rather than indexed.
SELECT chain, hop, source_host, source_entity_id, source_executable, source_command_line, source, target_host,
    destination, connection_ts_us, child_ts_us, child_entity_id, child_executable, child_command_line, clock_offset_ms
FROM (
    SELECT
        path.1 AS chain,
        path.2 AS hop,
        h.2 AS source_host_id,
        h.3 AS source_host,
        h.4 AS source_entity_id,
        h.5 AS source_executable,
        concat(h.10, ':', toString(h.11)) AS source,
        h.7 AS target_host,
        concat(h.12, ':', toString(h.13)) AS destination,
        h.8 AS connection_ts_us,
        h.9 AS child_ts_us,
        h.14 AS child_entity_id,
        h.15 AS child_executable,
        h.16 AS child_command_line,
        intDiv(h.17 + if(h.17 >= 0, 500, -500), 1000) AS clock_offset_ms
    FROM (
    SELECT h, arrayJoin(paths_through) AS path
    FROM (
        SELECT hs, through
        FROM (
            SELECT
                hs,
                arrayEnumerate(hs) AS ix,
                arrayMap(x -> x.1, hs) AS ids,
                arrayMap(x -> x.2, hs) AS src,
                arrayMap(x -> x.6, hs) AS tgt,
                arrayMap(x -> x.8, hs) AS conn,
                arrayMap(x -> x.9, hs) AS child,
                arrayMap((i, t, c) -> arrayFilter((j, s, cn) -> s = t AND cn + {clock_ms:Int64} * 1000 >= c AND j != i, ix, src, conn),
                         ix, tgt, child) AS succ,
                arrayMap(i -> (i, i), arrayFilter((i, s, cn) -> NOT arrayExists((j, t, c) -> t = s AND c <= cn + {clock_ms:Int64} * 1000 AND j != i,
                                                                                ix, tgt, child),
                                                  ix, src, conn)) AS g1,
            arrayReduce('groupArrayArray', arrayMap(p -> arrayMap(j -> (p.1, j), succ[p.2]), g1)) AS g2,
            arrayReduce('groupArrayArray', arrayMap(p -> arrayMap(j -> (p.1, j), succ[p.2]), g2)) AS g3,
            arrayReduce('groupArrayArray', arrayMap(p -> arrayMap(j -> (p.1, j), succ[p.2]), g3)) AS g4,
            arrayReduce('groupArrayArray', arrayMap(p -> arrayMap(j -> (p.1, j), succ[p.2]), g4)) AS g5,
            arrayReduce('groupArrayArray', arrayMap(p -> arrayMap(j -> (p.1, j), succ[p.2]), g5)) AS g6,
            arrayReduce('groupArrayArray', arrayMap(p -> arrayMap(j -> (p.1, j), succ[p.2]), g6)) AS g7,
            arrayReduce('groupArrayArray', arrayMap(p -> arrayMap(j -> (p.1, j), succ[p.2]), g7)) AS g8,
            arrayReduce('groupArrayArray', arrayMap(p -> arrayMap(j -> (p.1, j), succ[p.2]), g8)) AS g9,
            arrayReduce('groupArrayArray', arrayMap(p -> arrayMap(j -> (p.1, j), succ[p.2]), g9)) AS g10,
            arrayReduce('groupArrayArray', arrayMap(p -> arrayMap(j -> (p.1, j), succ[p.2]), g10)) AS g11,
            arrayReduce('groupArrayArray', arrayMap(p -> arrayMap(j -> (p.1, j), succ[p.2]), g11)) AS g12,
            arrayReduce('groupArrayArray', arrayMap(p -> arrayMap(j -> (p.1, j), succ[p.2]), g12)) AS g13,
            arrayReduce('groupArrayArray', arrayMap(p -> arrayMap(j -> (p.1, j), succ[p.2]), g13)) AS g14,
            arrayReduce('groupArrayArray', arrayMap(p -> arrayMap(j -> (p.1, j), succ[p.2]), g14)) AS g15,
            arrayReduce('groupArrayArray', arrayMap(p -> arrayMap(j -> (p.1, j), succ[p.2]), g15)) AS g16,
            arrayFilter(p -> p.2 <= {max_hops:Int64} + throwIf({max_hops:Int64} > 16), arrayConcat(
                arrayMap(p -> (p.1, 1, p.2), g1),
                arrayMap(p -> (p.1, 2, p.2), g2),
                arrayMap(p -> (p.1, 3, p.2), g3),
                arrayMap(p -> (p.1, 4, p.2), g4),
                arrayMap(p -> (p.1, 5, p.2), g5),
                arrayMap(p -> (p.1, 6, p.2), g6),
                arrayMap(p -> (p.1, 7, p.2), g7),
                arrayMap(p -> (p.1, 8, p.2), g8),
                arrayMap(p -> (p.1, 9, p.2), g9),
                arrayMap(p -> (p.1, 10, p.2), g10),
                arrayMap(p -> (p.1, 11, p.2), g11),
                arrayMap(p -> (p.1, 12, p.2), g12),
                arrayMap(p -> (p.1, 13, p.2), g13),
                arrayMap(p -> (p.1, 14, p.2), g14),
                arrayMap(p -> (p.1, 15, p.2), g15),
                arrayMap(p -> (p.1, 16, p.2), g16)
            )) AS paths,
            arrayDistinct(arrayMap(p -> p.1, paths)) AS starts,
            arraySort((s, k) -> k, starts, arrayMap(s -> (child[s], ids[s]), starts)) AS ranked,
            arrayMap(p -> (indexOf(ranked, p.1), p.2, p.3), paths) AS numbered,
            arrayMap(i -> arrayFilter(p -> p.3 = i, numbered), ix) AS through
        FROM (
            SELECT groupArray(tuple(hop_id, source_host_id, source_host, source_entity_id, source_executable, target_host_id, target_host,
                                                    connection_us, child_us, source_ip, source_port, destination_ip, destination_port,
                                                    child_entity_id, child_executable, child_command_line, source_us - connection_us)) AS hs
                            FROM (
                                SELECT source_ip, source_port, destination_ip, destination_port, host_id AS source_host_id, host AS source_host,
                                    entity_id AS source_entity_id, executable AS source_executable, ts_us AS source_us
                                FROM network_connections FINAL
                                WHERE (isNull(direction) OR direction = 'outgoing')
                                  AND isNotNull(source_ip) AND isNotNull(source_port) AND isNotNull(destination_ip) AND isNotNull(destination_port)
                            )
                            ALL INNER JOIN (
                                SELECT assumeNotNull(source_ip) AS source_ip, assumeNotNull(source_port) AS source_port,
                                    assumeNotNull(destination_ip) AS destination_ip, assumeNotNull(destination_port) AS destination_port,
                                    target_host_id, target_host, connection_us, hop_id, child_us, child_entity_id, child_executable, child_command_line
                                FROM (
                                    SELECT host_id, entity_id AS services_entity_id, ts_us AS connection_us, source_ip, source_port, destination_ip, destination_port
                                    FROM network_connections FINAL
                                    WHERE direction = 'incoming'
                                      AND isNotNull(source_ip) AND isNotNull(source_port) AND isNotNull(destination_ip) AND isNotNull(destination_port)
                                )
                                ALL INNER JOIN (
                                    SELECT host_id, assumeNotNull(parent_entity_id) AS services_entity_id, host_id AS target_host_id, host AS target_host,
                                        event_id AS hop_id, ts_us AS child_us, ts_precision_us AS child_precision_us, entity_id AS child_entity_id,
                                        executable AS child_executable, command_line AS child_command_line
                                    FROM processes FINAL
                                    WHERE lower(parent_name) = 'services.exe' AND isNotNull(parent_entity_id)
                                      AND ts_us >= ifNull({since:Nullable(Int64)}, toInt64(-9223372036854775807))
                                      AND ts_us < ifNull({until:Nullable(Int64)}, toInt64(9223372036854775807))
                                ) USING (host_id, services_entity_id)
                                WHERE connection_us <= child_us AND connection_us >= child_us - {window_ms:Int64} * 1000 - child_precision_us
                            ) USING (source_ip, source_port, destination_ip, destination_port)
                            WHERE source_host_id != target_host_id
                          AND source_us >= connection_us - {clock_ms:Int64} * 1000 AND source_us <= connection_us + {clock_ms:Int64} * 1000
        )
        )
    )
    ARRAY JOIN hs AS h, through AS paths_through
    )
)
ANY LEFT JOIN (
    SELECT host_id AS source_host_id, entity_id AS source_entity_id, argMin(command_line, ts_us) AS source_command_line
    FROM processes FINAL
    GROUP BY host_id, entity_id
) USING (source_host_id, source_entity_id)
ORDER BY chain, hop, child_ts_us, connection_ts_us
