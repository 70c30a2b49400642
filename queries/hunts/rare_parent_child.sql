-- id: rare_parent_child
-- name: Rare parent and child process pairs across the fleet (stacking)
-- description: Parent and child image names stacked over every host; pairs seen on the fewest hosts, then the fewest times, come first. Common pairs are noise, rare ones are leads.
-- param: since TIME = NULL -- only process starts at or after this time
-- param: until TIME = NULL -- only process starts before this time
-- param: max_hosts INTEGER = 2 -- only pairs seen on at most this many hosts
-- param: max_rows INTEGER = 100 -- at most this many pairs
SELECT
    p.parent_name,
    p.name AS child_name,
    count(DISTINCT p.host_id) AS hosts,
    count(*) AS executions,
    min(p.ts_us) AS first_ts_us,
    max(p.ts_us) AS last_ts_us,
    group_concat(DISTINCT h.name) AS host_names
FROM processes AS p
JOIN hosts AS h ON h.host_id = p.host_id
WHERE p.name IS NOT NULL
  AND p.parent_name IS NOT NULL
  AND (:since IS NULL OR p.ts_us >= :since)
  AND (:until IS NULL OR p.ts_us < :until)
GROUP BY p.parent_name, p.name
HAVING count(DISTINCT p.host_id) <= :max_hosts
ORDER BY hosts, executions, p.parent_name, child_name
LIMIT :max_rows;
