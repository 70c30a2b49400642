#!/bin/sh
# counts.sh DB: count() FINAL and raw rows of each table of DB on ch-one, plus parts and bytes.
DB=$1
q(){ curl -s "http://127.0.0.1:18123/" --data-binary "$1"; }
for t in $(q "SELECT name FROM system.tables WHERE database='$DB' AND engine LIKE '%MergeTree' ORDER BY name"); do
  printf "%s\tFINAL %s\traw %s\n" "$t" "$(q "SELECT count() FROM $DB.$t FINAL")" "$(q "SELECT count() FROM $DB.$t")"
done
q "SELECT table, engine, sorting_key FROM system.tables WHERE database='$DB' AND engine LIKE '%MergeTree' ORDER BY name" 2>/dev/null | head -0
q "SELECT table, count() AS parts, sum(rows), sum(bytes_on_disk) FROM system.parts WHERE active AND database='$DB' GROUP BY table ORDER BY table FORMAT TSV"
q "SELECT version, applied_us FROM $DB.schema_migrations ORDER BY version" 2>/dev/null || q "SELECT * FROM $DB.schema_migrations"
