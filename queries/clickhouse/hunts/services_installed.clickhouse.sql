-- ClickHouse text of the saved hunt services_installed (queries/hunts/services_installed.sql declares it).
-- Service names compare case-insensitively (SQLite's column is NOCASE); ties in time keep the
-- load's order (source, record), as SQLite's event ids do.
SELECT
    host,
    ts_us,
    service_name,
    image_path,
    start_type,
    account,
    if(isNull(user_domain), user_name, concat(user_domain, '\\', user_name)) AS installed_by,
    event_code,
    source_kind,
    concat(path, ':', toString(source_record)) AS source
FROM service_installs FINAL
GLOBAL ANY LEFT JOIN (SELECT source_id, any(path) AS path FROM sources GROUP BY source_id) USING source_id
WHERE ({name:Nullable(String)} IS NULL OR lower(service_name) = lower({name:Nullable(String)}))
  AND ts_us >= ifNull({since:Nullable(Int64)}, toInt64(-9223372036854775807))
  AND ts_us < ifNull({until:Nullable(Int64)}, toInt64(9223372036854775807))
  AND ({host:Nullable(String)} IS NULL OR lower(host) = lower({host:Nullable(String)})
       OR startsWith(lower(host), concat(lower(assumeNotNull({host:Nullable(String)})), '.'))
       OR host_id GLOBAL IN (SELECT host_id FROM hosts WHERE host_key = concat('id:', lower(assumeNotNull({host:Nullable(String)})))))
ORDER BY lower(host), ts_us, source_id, source_record
