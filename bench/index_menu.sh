#!/usr/bin/env bash
# What each deferred index buys (issue 14): a query that uses it, timed (best of 3, whole hunt
# commands) on a copy of a loaded store with the index and after DROP INDEX, and
# remote_service_rpc beside each.
#   bench/index_menu.sh HUNT STORE.db ENTITY_ID DESTINATION_IP SOURCE_IP
# e.g. bench/index_menu.sh .build-rel/release/hunt /tmp/2m.db c12bca69-8925-6ae6-8708-000000000800 \
#      2a00:1450:4001:82a::200e 10.10.0.11
set -euo pipefail
hunt=$1 store=$2 entity=$3 destination=$4 source=$5
db=$(mktemp -d)/menu.db
trap 'rm -rf "$(dirname "$db")"' EXIT
cp "$store" "$db"

best_of_3() {  # label, command...
    local label=$1; shift
    local best=""
    for _ in 1 2 3; do
        local start end
        start=$(date +%s.%N); "$@" >/dev/null 2>&1 || true; end=$(date +%s.%N)
        best=$(python3 -c "import sys; a=[float(x) for x in sys.argv[1:] if x]; print(min(a))" "$(python3 -c "print($end-$start)")" "$best")
    done
    printf "%-70s %7.3f s\n" "$label" "$best"
}

query() {
    case "$1" in
        sql:*) "$hunt" sql --db "$db" "${1#sql:}" ;;
        detect:*) "$hunt" detect --db "$db" --rule "${1#detect:}" --format csv --output /dev/null ;;
        hunt:*) "$hunt" query run "${1#hunt:}" --db "$db" --param entity_id="$entity" ;;
    esac
}

declare -A uses=(
    [processes_by_name]="sql:SELECT count(*) FROM process_events WHERE name = 'powershell.exe'"
    [processes_by_parent_name]="detect:rpc_service_process"
    [processes_by_parent]="hunt:process_tree"
    [processes_by_entity]="hunt:process_tree"
    [network_by_entity]="hunt:process_connections"
    [network_by_name]="detect:rpc_service_network"
    [network_by_destination]="sql:SELECT count(*) FROM network_events WHERE destination_ip = '$destination'"
    [network_by_source]="sql:SELECT count(*) FROM network_events WHERE source_ip = '$source'"
)
for index in processes_by_name processes_by_parent_name processes_by_parent processes_by_entity \
             network_by_entity network_by_name network_by_destination network_by_source; do
    definition=$(sqlite3 "$db" "SELECT sql FROM sqlite_schema WHERE name = '$index'")
    use=${uses[$index]}
    best_of_3 "$index, with:    $use" query "$use"
    best_of_3 "  remote_service_rpc, with" "$hunt" detect --db "$db" --rule remote_service_rpc --format csv --output /dev/null
    sqlite3 "$db" "DROP INDEX $index"
    best_of_3 "$index, without: $use" query "$use"
    best_of_3 "  remote_service_rpc, without" "$hunt" detect --db "$db" --rule remote_service_rpc --format csv --output /dev/null
    sqlite3 "$db" "$definition"
done
