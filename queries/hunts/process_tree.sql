-- id: process_tree
-- name: Process tree of one process entity
-- description: Ancestors (up through parent_entity_id) and descendants (down) of one process entity on its host. depth < 0 are ancestors, 0 the process itself, > 0 its descendants; an ancestor whose start was not logged shows its entity id only.
-- param: entity_id TEXT -- the process entity id (Sysmon ProcessGuid; braces and case do not matter)
-- param: host TEXT = NULL -- only this host (name, short name or host id), when the id is on several
-- param: max_depth INTEGER = 32 -- generations to walk in each direction
WITH RECURSIVE
target AS (
    SELECT p.host_id, p.entity_id, p.parent_entity_id
    FROM processes AS p
    WHERE p.host_id IN (
            SELECT host_id FROM hosts
            WHERE :host IS NULL OR name = :host COLLATE NOCASE OR substr(name, 1, length(:host) + 1) = :host || '.' COLLATE NOCASE OR host_key = 'id:' || lower(:host))
      AND p.entity_id IN (:entity_id, lower(trim(:entity_id, '{}')))
),
ancestors (host_id, entity_id, depth) AS (
    SELECT host_id, parent_entity_id, -1
    FROM target
    WHERE parent_entity_id IS NOT NULL
    UNION
    SELECT p.host_id, p.parent_entity_id, a.depth - 1
    FROM ancestors AS a
    JOIN processes AS p ON p.host_id = a.host_id AND p.entity_id = a.entity_id
    WHERE p.parent_entity_id IS NOT NULL
      AND a.depth > -:max_depth
),
descendants (host_id, entity_id, depth) AS (
    SELECT host_id, entity_id, 0
    FROM target
    UNION
    SELECT p.host_id, p.entity_id, d.depth + 1
    FROM descendants AS d
    JOIN processes AS p ON p.host_id = d.host_id AND p.parent_entity_id = d.entity_id
    WHERE d.depth < :max_depth
),
tree AS (
    SELECT host_id, entity_id, depth FROM ancestors
    UNION
    SELECT host_id, entity_id, depth FROM descendants
)
-- The logged starts, then the entities whose start was not logged (a UNION rather than a LEFT
-- JOIN: processes is a view with joins, which SQLite would materialize whole as a LEFT JOIN's
-- right side).
SELECT
    t.depth,
    h.name AS host,
    p.ts_us,
    p.pid,
    t.entity_id,
    p.parent_entity_id,
    p.executable,
    p.command_line,
    CASE WHEN p.user_domain IS NULL THEN p.user_name ELSE p.user_domain || '\' || p.user_name END AS user
FROM tree AS t
JOIN hosts AS h ON h.host_id = t.host_id
JOIN processes AS p ON p.host_id = t.host_id AND p.entity_id = t.entity_id
UNION ALL
SELECT t.depth, h.name, NULL, NULL, t.entity_id, NULL, NULL, NULL, NULL
FROM tree AS t
JOIN hosts AS h ON h.host_id = t.host_id
WHERE NOT EXISTS (SELECT 1 FROM processes AS p WHERE p.host_id = t.host_id AND p.entity_id = t.entity_id)
ORDER BY host, depth, ts_us, entity_id;
