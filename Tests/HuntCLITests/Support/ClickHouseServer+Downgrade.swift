import Foundation

extension ClickHouseServer {
    /// The event and context tables of c0007, in `database`.
    static let versionedTables = ["processes", "network_connections", "lifecycle_events", "logons", "service_installs", "command_line_evidence"]

    /// Takes `database` back to the schema before c0007 (for the tests of older stores): each
    /// table copied back into the engine and sorting key it had (no version, ordered by ts_us),
    /// without `ts_key` (and without the context tables' `link_version`), rows kept; the
    /// migration's record removed.
    func revertVersionedIdentity(_ database: String) throws {
        for table in Self.versionedTables {
            let name = "\(database).\(table)", old = "\(database).\(table)__before_c0007"
            try query("""
                CREATE TABLE \(old) AS \(name) ENGINE = ReplacingMergeTree PARTITION BY intDiv(ts_us, 2592000000000)
                ORDER BY (host_id, ts_us, record_key, content_key)
                """)
            try query("INSERT INTO \(old) SELECT * FROM \(name)")
            try query("DROP TABLE \(name)")
            try query("RENAME TABLE \(old) TO \(name)")
            try query("ALTER TABLE \(name) DROP COLUMN ts_key")
            if ["logons", "service_installs", "command_line_evidence"].contains(table) {
                try query("ALTER TABLE \(name) DROP COLUMN link_version")
            }
        }
        try query("ALTER TABLE \(database).schema_migrations DELETE WHERE id >= 'c0007'")
        for _ in 0..<100 where try integer("SELECT count() FROM \(database).schema_migrations WHERE id >= 'c0007'") > 0 { usleep(100_000) }
    }
}
