-- id: network_logons
-- name: Network and remote logons
-- description: Logons over the network (type 3) and by remote desktop (type 10), successful and failed (Security 4624 / 4625), by host then time; narrow by source address or account. Pivot from an alert's source_ip or logon_user.
-- param: source_ip TEXT = NULL -- only logons from this address
-- param: user TEXT = NULL -- only this account (name, case-insensitive)
-- param: since TIME = NULL -- only logons at or after this time
-- param: until TIME = NULL -- only logons before this time
-- param: host TEXT = NULL -- only logons on this host (name, short name or host id)
SELECT
    h.name AS host,
    l.ts_us,
    l.outcome,
    l.logon_type,
    CASE WHEN l.user_domain IS NULL THEN l.user_name ELSE l.user_domain || '\' || l.user_name END AS user,
    l.logon_id,
    l.source_ip,
    l.source_port,
    l.workstation,
    l.logon_process,
    l.auth_package,
    l.failure_status,
    s.path || ':' || l.source_record AS source
FROM logons AS l
JOIN hosts AS h ON h.host_id = l.host_id
JOIN sources AS s ON s.source_id = l.source_id
WHERE l.logon_type IN (3, 10)
  AND (:source_ip IS NULL OR l.source_ip = :source_ip)
  AND (:user IS NULL OR l.user_name = :user COLLATE NOCASE)
  AND (:since IS NULL OR l.ts_us >= :since)
  AND (:until IS NULL OR l.ts_us < :until)
  AND (:host IS NULL OR l.host_id IN (
        SELECT host_id FROM hosts
        WHERE name = :host COLLATE NOCASE OR substr(name, 1, length(:host) + 1) = :host || '.' COLLATE NOCASE OR host_key = 'id:' || lower(:host)))
ORDER BY h.name COLLATE NOCASE, l.ts_us, l.event_id;
