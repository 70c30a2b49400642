-- id: first_seen_executables
-- name: Executables first seen in a period
-- description: Executables (full path, case-insensitive) whose first start anywhere in the database falls in the period: new tools, droppers, renamed binaries. Shows where and how each first ran.
-- param: since TIME = 7d -- start of the period
-- param: until TIME = NULL -- end of the period (default: no end)
WITH firsts AS (
    -- With one min(), SQLite takes the bare columns from the row that holds the minimum.
    SELECT
        min(p.ts_us) AS first_ts_us,
        p.host_id,
        p.executable,
        p.command_line,
        p.parent_executable,
        count(*) AS executions,
        count(DISTINCT p.host_id) AS hosts
    FROM processes AS p
    WHERE p.executable IS NOT NULL
    GROUP BY lower(p.executable)
)
SELECT
    f.first_ts_us,
    h.name AS first_host,
    f.executable,
    f.command_line AS first_command_line,
    f.parent_executable AS first_parent_executable,
    f.hosts,
    f.executions
FROM firsts AS f
JOIN hosts AS h ON h.host_id = f.host_id
WHERE f.first_ts_us >= :since
  AND (:until IS NULL OR f.first_ts_us < :until)
ORDER BY f.first_ts_us, f.executable;
