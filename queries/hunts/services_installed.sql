-- id: services_installed
-- name: Services installed
-- description: Services installed (System 7045, Security 4697) and service image paths set (Sysmon 13 on ...\Services\NAME\ImagePath), by host then time, with who installed them; narrow by service name. The same install usually shows once per log that saw it.
-- param: name TEXT = NULL -- only this service (case-insensitive)
-- param: since TIME = NULL -- only installs at or after this time
-- param: until TIME = NULL -- only installs before this time
-- param: host TEXT = NULL -- only this host (name, short name or host id)
SELECT
    h.name AS host,
    v.ts_us,
    v.service_name,
    v.image_path,
    v.start_type,
    v.account,
    CASE WHEN v.user_domain IS NULL THEN v.user_name ELSE v.user_domain || '\' || v.user_name END AS installed_by,
    v.event_code,
    v.source_kind,
    s.path || ':' || v.source_record AS source
FROM service_installs AS v
JOIN hosts AS h ON h.host_id = v.host_id
JOIN sources AS s ON s.source_id = v.source_id
WHERE (:name IS NULL OR v.service_name = :name)
  AND (:since IS NULL OR v.ts_us >= :since)
  AND (:until IS NULL OR v.ts_us < :until)
  AND (:host IS NULL OR v.host_id IN (
        SELECT host_id FROM hosts
        WHERE name = :host COLLATE NOCASE OR substr(name, 1, length(:host) + 1) = :host || '.' COLLATE NOCASE OR host_key = 'id:' || lower(:host)))
ORDER BY h.name COLLATE NOCASE, v.ts_us, v.event_id;
