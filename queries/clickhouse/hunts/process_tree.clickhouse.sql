-- ClickHouse text of the saved hunt process_tree (queries/hunts/process_tree.sql declares it).
-- 18.16 has no recursive queries, so the walk is unrolled: each host holding the entity reads its
-- process starts once into two arrays (entity, parent), and each generation is one array filter
-- over them, in a subquery of its own (an alias would be re-expanded into every later one):
-- a1..a32 are the ancestors (the parents of the generation before), d1..d32 the descendants,
-- so at most 32 generations each way (max_depth above 32 is refused by throwIf). Entities of
-- the tree without a logged start come back with their entity id only.
SELECT
    t.depth AS depth,
    t.host AS host,
    if(p.found = 1, p.ts_us, NULL) AS ts_us,
    p.pid AS pid,
    t.entity_id AS entity_id,
    p.parent_entity_id AS parent_entity_id,
    p.executable AS executable,
    p.command_line AS command_line,
    p.user AS user
FROM (
    SELECT host_id, host, node.1 AS entity_id, node.2 AS depth
    FROM (
        SELECT host_id, host_name AS host, arrayJoin(arrayFilter(n -> abs(n.2) <= {max_depth:Int64} + throwIf({max_depth:Int64} > 32), arrayConcat(
            arrayMap(e -> (e, -32), a32),
            arrayMap(e -> (e, -31), a31),
            arrayMap(e -> (e, -30), a30),
            arrayMap(e -> (e, -29), a29),
            arrayMap(e -> (e, -28), a28),
            arrayMap(e -> (e, -27), a27),
            arrayMap(e -> (e, -26), a26),
            arrayMap(e -> (e, -25), a25),
            arrayMap(e -> (e, -24), a24),
            arrayMap(e -> (e, -23), a23),
            arrayMap(e -> (e, -22), a22),
            arrayMap(e -> (e, -21), a21),
            arrayMap(e -> (e, -20), a20),
            arrayMap(e -> (e, -19), a19),
            arrayMap(e -> (e, -18), a18),
            arrayMap(e -> (e, -17), a17),
            arrayMap(e -> (e, -16), a16),
            arrayMap(e -> (e, -15), a15),
            arrayMap(e -> (e, -14), a14),
            arrayMap(e -> (e, -13), a13),
            arrayMap(e -> (e, -12), a12),
            arrayMap(e -> (e, -11), a11),
            arrayMap(e -> (e, -10), a10),
            arrayMap(e -> (e, -9), a9),
            arrayMap(e -> (e, -8), a8),
            arrayMap(e -> (e, -7), a7),
            arrayMap(e -> (e, -6), a6),
            arrayMap(e -> (e, -5), a5),
            arrayMap(e -> (e, -4), a4),
            arrayMap(e -> (e, -3), a3),
            arrayMap(e -> (e, -2), a2),
            arrayMap(e -> (e, -1), a1),
            arrayMap(e -> (e, 0), d0),
            arrayMap(e -> (e, 1), d1),
            arrayMap(e -> (e, 2), d2),
            arrayMap(e -> (e, 3), d3),
            arrayMap(e -> (e, 4), d4),
            arrayMap(e -> (e, 5), d5),
            arrayMap(e -> (e, 6), d6),
            arrayMap(e -> (e, 7), d7),
            arrayMap(e -> (e, 8), d8),
            arrayMap(e -> (e, 9), d9),
            arrayMap(e -> (e, 10), d10),
            arrayMap(e -> (e, 11), d11),
            arrayMap(e -> (e, 12), d12),
            arrayMap(e -> (e, 13), d13),
            arrayMap(e -> (e, 14), d14),
            arrayMap(e -> (e, 15), d15),
            arrayMap(e -> (e, 16), d16),
            arrayMap(e -> (e, 17), d17),
            arrayMap(e -> (e, 18), d18),
            arrayMap(e -> (e, 19), d19),
            arrayMap(e -> (e, 20), d20),
            arrayMap(e -> (e, 21), d21),
            arrayMap(e -> (e, 22), d22),
            arrayMap(e -> (e, 23), d23),
            arrayMap(e -> (e, 24), d24),
            arrayMap(e -> (e, 25), d25),
            arrayMap(e -> (e, 26), d26),
            arrayMap(e -> (e, 27), d27),
            arrayMap(e -> (e, 28), d28),
            arrayMap(e -> (e, 29), d29),
            arrayMap(e -> (e, 30), d30),
            arrayMap(e -> (e, 31), d31),
            arrayMap(e -> (e, 32), d32)
        ))) AS node
        FROM (
            SELECT *, arrayDistinct(arrayFilter((i, p) -> has(d31, p), ids, parents)) AS d32 FROM (
                SELECT *, arrayDistinct(arrayFilter((i, p) -> has(d30, p), ids, parents)) AS d31 FROM (
                    SELECT *, arrayDistinct(arrayFilter((i, p) -> has(d29, p), ids, parents)) AS d30 FROM (
                        SELECT *, arrayDistinct(arrayFilter((i, p) -> has(d28, p), ids, parents)) AS d29 FROM (
                            SELECT *, arrayDistinct(arrayFilter((i, p) -> has(d27, p), ids, parents)) AS d28 FROM (
                                SELECT *, arrayDistinct(arrayFilter((i, p) -> has(d26, p), ids, parents)) AS d27 FROM (
                                    SELECT *, arrayDistinct(arrayFilter((i, p) -> has(d25, p), ids, parents)) AS d26 FROM (
                                        SELECT *, arrayDistinct(arrayFilter((i, p) -> has(d24, p), ids, parents)) AS d25 FROM (
                                            SELECT *, arrayDistinct(arrayFilter((i, p) -> has(d23, p), ids, parents)) AS d24 FROM (
                                                SELECT *, arrayDistinct(arrayFilter((i, p) -> has(d22, p), ids, parents)) AS d23 FROM (
                                                    SELECT *, arrayDistinct(arrayFilter((i, p) -> has(d21, p), ids, parents)) AS d22 FROM (
                                                        SELECT *, arrayDistinct(arrayFilter((i, p) -> has(d20, p), ids, parents)) AS d21 FROM (
                                                            SELECT *, arrayDistinct(arrayFilter((i, p) -> has(d19, p), ids, parents)) AS d20 FROM (
                                                                SELECT *, arrayDistinct(arrayFilter((i, p) -> has(d18, p), ids, parents)) AS d19 FROM (
                                                                    SELECT *, arrayDistinct(arrayFilter((i, p) -> has(d17, p), ids, parents)) AS d18 FROM (
                                                                        SELECT *, arrayDistinct(arrayFilter((i, p) -> has(d16, p), ids, parents)) AS d17 FROM (
                                                                            SELECT *, arrayDistinct(arrayFilter((i, p) -> has(d15, p), ids, parents)) AS d16 FROM (
                                                                                SELECT *, arrayDistinct(arrayFilter((i, p) -> has(d14, p), ids, parents)) AS d15 FROM (
                                                                                    SELECT *, arrayDistinct(arrayFilter((i, p) -> has(d13, p), ids, parents)) AS d14 FROM (
                                                                                        SELECT *, arrayDistinct(arrayFilter((i, p) -> has(d12, p), ids, parents)) AS d13 FROM (
                                                                                            SELECT *, arrayDistinct(arrayFilter((i, p) -> has(d11, p), ids, parents)) AS d12 FROM (
                                                                                                SELECT *, arrayDistinct(arrayFilter((i, p) -> has(d10, p), ids, parents)) AS d11 FROM (
                                                                                                    SELECT *, arrayDistinct(arrayFilter((i, p) -> has(d9, p), ids, parents)) AS d10 FROM (
                                                                                                        SELECT *, arrayDistinct(arrayFilter((i, p) -> has(d8, p), ids, parents)) AS d9 FROM (
                                                                                                            SELECT *, arrayDistinct(arrayFilter((i, p) -> has(d7, p), ids, parents)) AS d8 FROM (
                                                                                                                SELECT *, arrayDistinct(arrayFilter((i, p) -> has(d6, p), ids, parents)) AS d7 FROM (
                                                                                                                    SELECT *, arrayDistinct(arrayFilter((i, p) -> has(d5, p), ids, parents)) AS d6 FROM (
                                                                                                                        SELECT *, arrayDistinct(arrayFilter((i, p) -> has(d4, p), ids, parents)) AS d5 FROM (
                                                                                                                            SELECT *, arrayDistinct(arrayFilter((i, p) -> has(d3, p), ids, parents)) AS d4 FROM (
                                                                                                                                SELECT *, arrayDistinct(arrayFilter((i, p) -> has(d2, p), ids, parents)) AS d3 FROM (
                                                                                                                                    SELECT *, arrayDistinct(arrayFilter((i, p) -> has(d1, p), ids, parents)) AS d2 FROM (
                                                                                                                                        SELECT *, arrayDistinct(arrayFilter((i, p) -> has(d0, p), ids, parents)) AS d1 FROM (
                                                                                                                                            SELECT *, arrayDistinct(arrayFilter((p, i) -> p != '' AND has(a31, i), parents, ids)) AS a32 FROM (
                                                                                                                                                SELECT *, arrayDistinct(arrayFilter((p, i) -> p != '' AND has(a30, i), parents, ids)) AS a31 FROM (
                                                                                                                                                    SELECT *, arrayDistinct(arrayFilter((p, i) -> p != '' AND has(a29, i), parents, ids)) AS a30 FROM (
                                                                                                                                                        SELECT *, arrayDistinct(arrayFilter((p, i) -> p != '' AND has(a28, i), parents, ids)) AS a29 FROM (
                                                                                                                                                            SELECT *, arrayDistinct(arrayFilter((p, i) -> p != '' AND has(a27, i), parents, ids)) AS a28 FROM (
                                                                                                                                                                SELECT *, arrayDistinct(arrayFilter((p, i) -> p != '' AND has(a26, i), parents, ids)) AS a27 FROM (
                                                                                                                                                                    SELECT *, arrayDistinct(arrayFilter((p, i) -> p != '' AND has(a25, i), parents, ids)) AS a26 FROM (
                                                                                                                                                                        SELECT *, arrayDistinct(arrayFilter((p, i) -> p != '' AND has(a24, i), parents, ids)) AS a25 FROM (
                                                                                                                                                                            SELECT *, arrayDistinct(arrayFilter((p, i) -> p != '' AND has(a23, i), parents, ids)) AS a24 FROM (
                                                                                                                                                                                SELECT *, arrayDistinct(arrayFilter((p, i) -> p != '' AND has(a22, i), parents, ids)) AS a23 FROM (
                                                                                                                                                                                    SELECT *, arrayDistinct(arrayFilter((p, i) -> p != '' AND has(a21, i), parents, ids)) AS a22 FROM (
                                                                                                                                                                                        SELECT *, arrayDistinct(arrayFilter((p, i) -> p != '' AND has(a20, i), parents, ids)) AS a21 FROM (
                                                                                                                                                                                            SELECT *, arrayDistinct(arrayFilter((p, i) -> p != '' AND has(a19, i), parents, ids)) AS a20 FROM (
                                                                                                                                                                                                SELECT *, arrayDistinct(arrayFilter((p, i) -> p != '' AND has(a18, i), parents, ids)) AS a19 FROM (
                                                                                                                                                                                                    SELECT *, arrayDistinct(arrayFilter((p, i) -> p != '' AND has(a17, i), parents, ids)) AS a18 FROM (
                                                                                                                                                                                                        SELECT *, arrayDistinct(arrayFilter((p, i) -> p != '' AND has(a16, i), parents, ids)) AS a17 FROM (
                                                                                                                                                                                                            SELECT *, arrayDistinct(arrayFilter((p, i) -> p != '' AND has(a15, i), parents, ids)) AS a16 FROM (
                                                                                                                                                                                                                SELECT *, arrayDistinct(arrayFilter((p, i) -> p != '' AND has(a14, i), parents, ids)) AS a15 FROM (
                                                                                                                                                                                                                    SELECT *, arrayDistinct(arrayFilter((p, i) -> p != '' AND has(a13, i), parents, ids)) AS a14 FROM (
                                                                                                                                                                                                                        SELECT *, arrayDistinct(arrayFilter((p, i) -> p != '' AND has(a12, i), parents, ids)) AS a13 FROM (
                                                                                                                                                                                                                            SELECT *, arrayDistinct(arrayFilter((p, i) -> p != '' AND has(a11, i), parents, ids)) AS a12 FROM (
                                                                                                                                                                                                                                SELECT *, arrayDistinct(arrayFilter((p, i) -> p != '' AND has(a10, i), parents, ids)) AS a11 FROM (
                                                                                                                                                                                                                                    SELECT *, arrayDistinct(arrayFilter((p, i) -> p != '' AND has(a9, i), parents, ids)) AS a10 FROM (
                                                                                                                                                                                                                                        SELECT *, arrayDistinct(arrayFilter((p, i) -> p != '' AND has(a8, i), parents, ids)) AS a9 FROM (
                                                                                                                                                                                                                                            SELECT *, arrayDistinct(arrayFilter((p, i) -> p != '' AND has(a7, i), parents, ids)) AS a8 FROM (
                                                                                                                                                                                                                                                SELECT *, arrayDistinct(arrayFilter((p, i) -> p != '' AND has(a6, i), parents, ids)) AS a7 FROM (
                                                                                                                                                                                                                                                    SELECT *, arrayDistinct(arrayFilter((p, i) -> p != '' AND has(a5, i), parents, ids)) AS a6 FROM (
                                                                                                                                                                                                                                                        SELECT *, arrayDistinct(arrayFilter((p, i) -> p != '' AND has(a4, i), parents, ids)) AS a5 FROM (
                                                                                                                                                                                                                                                            SELECT *, arrayDistinct(arrayFilter((p, i) -> p != '' AND has(a3, i), parents, ids)) AS a4 FROM (
                                                                                                                                                                                                                                                                SELECT *, arrayDistinct(arrayFilter((p, i) -> p != '' AND has(a2, i), parents, ids)) AS a3 FROM (
                                                                                                                                                                                                                                                                    SELECT *, arrayDistinct(arrayFilter((p, i) -> p != '' AND has(a1, i), parents, ids)) AS a2 FROM (
                                                                                                                                                                                                                                                                        SELECT *, arrayDistinct(arrayFilter((p, i) -> p != '' AND has(d0, i), parents, ids)) AS a1 FROM (
                                                                                                                                                                                                                                                                            SELECT
                                                                                                                                                                                                                                                                                host_id,
                                                                                                                                                                                                                                                                                any(host) AS host_name,
                                                                                                                                                                                                                                                                                groupArray(entity_id) AS ids,
                                                                                                                                                                                                                                                                                groupArray(ifNull(parent_entity_id, '')) AS parents,
                                                                                                                                                                                                                                                                                arrayDistinct(arrayFilter(i -> i = {entity_id:String} OR i = lower(replaceRegexpAll({entity_id:String}, '^[{}]+|[{}]+$', '')), groupArray(entity_id))) AS d0
                                                                                                                                                                                                                                                                            FROM processes FINAL
                                                                                                                                                                                                                                                                            WHERE host_id GLOBAL IN (SELECT host_id FROM processes FINAL WHERE entity_id IN ({entity_id:String}, lower(replaceRegexpAll({entity_id:String}, '^[{}]+|[{}]+$', ''))))
                                                                                                                                                                                                                                                                              AND ({host:Nullable(String)} IS NULL OR lower(host) = lower({host:Nullable(String)})
                                                                                                                                                                                                                                                                                   OR startsWith(lower(host), concat(lower(assumeNotNull({host:Nullable(String)})), '.'))
                                                                                                                                                                                                                                                                                   OR host_id GLOBAL IN (SELECT host_id FROM hosts WHERE host_key = concat('id:', lower(assumeNotNull({host:Nullable(String)})))))
                                                                                                                                                                                                                                                                            GROUP BY host_id
                                                                                                                                                                                                                                                                        )
                                                                                                                                                                                                                                                                    )
                                                                                                                                                                                                                                                                )
                                                                                                                                                                                                                                                            )
                                                                                                                                                                                                                                                        )
                                                                                                                                                                                                                                                    )
                                                                                                                                                                                                                                                )
                                                                                                                                                                                                                                            )
                                                                                                                                                                                                                                        )
                                                                                                                                                                                                                                    )
                                                                                                                                                                                                                                )
                                                                                                                                                                                                                            )
                                                                                                                                                                                                                        )
                                                                                                                                                                                                                    )
                                                                                                                                                                                                                )
                                                                                                                                                                                                            )
                                                                                                                                                                                                        )
                                                                                                                                                                                                    )
                                                                                                                                                                                                )
                                                                                                                                                                                            )
                                                                                                                                                                                        )
                                                                                                                                                                                    )
                                                                                                                                                                                )
                                                                                                                                                                            )
                                                                                                                                                                        )
                                                                                                                                                                    )
                                                                                                                                                                )
                                                                                                                                                            )
                                                                                                                                                        )
                                                                                                                                                    )
                                                                                                                                                )
                                                                                                                                            )
                                                                                                                                        )
                                                                                                                                    )
                                                                                                                                )
                                                                                                                            )
                                                                                                                        )
                                                                                                                    )
                                                                                                                )
                                                                                                            )
                                                                                                        )
                                                                                                    )
                                                                                                )
                                                                                            )
                                                                                        )
                                                                                    )
                                                                                )
                                                                            )
                                                                        )
                                                                    )
                                                                )
                                                            )
                                                        )
                                                    )
                                                )
                                            )
                                        )
                                    )
                                )
                            )
                        )
                    )
                )
            )
        )
    )
) AS t
ALL LEFT JOIN (
    SELECT host_id, entity_id, 1 AS found, ts_us, pid, parent_entity_id, executable, command_line,
        if(isNull(user_domain), user_name, concat(user_domain, '\\', user_name)) AS user
    FROM processes FINAL
    WHERE host_id GLOBAL IN (SELECT host_id FROM processes FINAL WHERE entity_id IN ({entity_id:String}, lower(replaceRegexpAll({entity_id:String}, '^[{}]+|[{}]+$', ''))))
) AS p USING (host_id, entity_id)
ORDER BY lower(host), depth, ts_us NULLS FIRST, entity_id
