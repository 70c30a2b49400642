-- ClickHouse text of the saved hunt network_logons (queries/hunts/network_logons.sql declares it).
-- Ties in time keep the load's order (source, record), as SQLite's event ids do.
SELECT
    host,
    ts_us,
    outcome,
    logon_type,
    if(isNull(user_domain), user_name, concat(user_domain, '\\', user_name)) AS user,
    logon_id,
    source_ip,
    source_port,
    workstation,
    logon_process,
    auth_package,
    failure_status,
    concat(path, ':', toString(source_record)) AS source
FROM logons FINAL
GLOBAL ANY LEFT JOIN (SELECT source_id, any(path) AS path FROM sources GROUP BY source_id) USING source_id
WHERE logon_type IN (3, 10)
  AND ({source_ip:Nullable(String)} IS NULL OR source_ip = {source_ip:Nullable(String)})
  AND ({user:Nullable(String)} IS NULL OR lower(user_name) = lower({user:Nullable(String)}))
  AND ts_us >= ifNull({since:Nullable(Int64)}, toInt64(-9223372036854775807))
  AND ts_us < ifNull({until:Nullable(Int64)}, toInt64(9223372036854775807))
  AND ({host:Nullable(String)} IS NULL OR lower(host) = lower({host:Nullable(String)})
       OR startsWith(lower(host), concat(lower(assumeNotNull({host:Nullable(String)})), '.'))
       OR host_id GLOBAL IN (SELECT host_id FROM hosts WHERE host_key = concat('id:', lower(assumeNotNull({host:Nullable(String)})))))
ORDER BY lower(host), ts_us, source_id, source_record
