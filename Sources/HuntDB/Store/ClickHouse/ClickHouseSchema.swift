import Foundation
import Schema
import Model

/// Applies the ClickHouse migrations (`migrations/clickhouse/`) through `MigrationRunner`, and
/// records them in `schema_migrations` like the SQLite store does.
///
/// ClickHouse has no transactions: every statement is written to run again (`IF NOT EXISTS`),
/// and a migration is recorded only after all of its statements ran, so a load killed while
/// creating the schema leaves it incomplete (readers refuse it as an older schema) and the next
/// load finishes it. With a cluster, each table marked `-- sharded` is created as `NAME_local`
/// on every shard with a Distributed table `NAME` over them (sharding key `host_id`); the other
/// tables and the views are created on every shard (the distributed DDL queue, `ON CLUSTER`,
/// needs ZooKeeper on 18.16, so the store runs the DDL on each shard itself). A `REBUILD TABLE`
/// statement (ours, not ClickHouse's) changes a table's engine by copying it
/// (`ClickHouseTableRebuild`).
struct ClickHouseSchema: MigrationTarget {
    /// The server the store talks to.
    let entry: ClickHouseClient
    /// Every server that holds tables: the entry alone, or every shard of the cluster.
    let nodes: [ClickHouseClient]
    let cluster: String?

    static let migrationTable = """
        CREATE TABLE IF NOT EXISTS schema_migrations (id String, applied_at_us Int64) ENGINE = ReplacingMergeTree ORDER BY id
        """

    func executeScript(_ sql: String, purpose: String) throws {
        // On a cluster the shards' tables are rebuilt; the Distributed table keeps its engine.
        func rebuiltName(_ rebuild: ClickHouseTableRebuild, _ statement: String) -> String {
            cluster != nil && statement.contains("-- sharded") ? rebuild.table + "_local" : rebuild.table
        }
        // A rebuild a kill interrupted is finished first: the statements before it need the table.
        for statement in Self.statements(sql) {
            guard let rebuild = ClickHouseTableRebuild.parse(statement) else { continue }
            for node in nodes { try rebuild.recover(on: node, name: rebuiltName(rebuild, statement), purpose: purpose) }
        }
        for statement in Self.statements(sql) {
            if let rebuild = ClickHouseTableRebuild.parse(statement) {
                for node in nodes { try rebuild.run(on: node, name: rebuiltName(rebuild, statement), purpose: purpose) }
                continue
            }
            for node in nodes {
                for ddl in shardStatements(statement) where try !addsExistingColumn(ddl, on: node) {
                    try node.execute(ddl, purpose: purpose)
                }
            }
        }
    }

    /// Whether `ddl` is an `ALTER TABLE t ADD COLUMN c …` whose column the node's table has
    /// already (a migration run again after a kill): 18.16 has no `ADD COLUMN IF NOT EXISTS`.
    private func addsExistingColumn(_ ddl: String, on node: ClickHouseClient) throws -> Bool {
        guard let (table, column) = Self.addedColumn(ddl) else { return false }
        let found = try node.select(
            "SELECT count() FROM system.columns WHERE database = currentDatabase() AND table = {table:String} AND name = {column:String}",
            values: ["table": .text(table), "column": .text(column)], purpose: "looking for column \(table).\(column)").integers.first ?? 0
        return found > 0
    }

    /// The table and column of an `ALTER TABLE t ADD COLUMN c …` statement.
    static func addedColumn(_ statement: String) -> (table: String, column: String)? {
        let code = statement.split(separator: "\n").filter { !$0.trimmingCharacters(in: .whitespaces).hasPrefix("--") }.joined(separator: " ")
        let words = code.split(whereSeparator: \.isWhitespace)
        guard let at = words.firstIndex(of: "ALTER"), words.count > at + 6, words[at + 1] == "TABLE",
              words[at + 3] == "ADD", words[at + 4] == "COLUMN" else { return nil }
        return (String(words[at + 2]), String(words[at + 5]))
    }

    func appliedMigrationIDs() throws -> [String] {
        for node in nodes { try node.execute(Self.migrationTable, purpose: "creating schema_migrations") }
        return try entry.select("SELECT id FROM schema_migrations GROUP BY id ORDER BY id", purpose: "reading schema_migrations").texts
    }

    /// The ids recorded, without creating the table (readers never write).
    func recordedMigrationIDs() throws -> [String]? {
        let exists = try entry.select("SELECT count() FROM system.tables WHERE database = currentDatabase() AND name = 'schema_migrations'",
                                      purpose: "looking for schema_migrations").integers.first ?? 0
        guard exists > 0 else { return nil }
        return try entry.select("SELECT id FROM schema_migrations GROUP BY id ORDER BY id", purpose: "reading schema_migrations").texts
    }

    func recordMigration(id: String) throws {
        let table = ClickHouseExternalTable(name: "hunt_rows", columns: [("id", "String"), ("applied_at_us", "Int64")],
                                            rows: [[.text(id), .integer(Clock.nowMicros())]])
        for node in nodes {
            try node.execute("INSERT INTO schema_migrations SELECT id, applied_at_us FROM hunt_rows", tables: [table],
                             purpose: "recording migration \(id)")
        }
    }

    func inWriteTransaction(_ body: () throws -> Void) throws {
        try body()
    }

    /// The statements of a migration file: each ends with a line ending in `;`. A statement
    /// preceded by a `-- sharded` line is marked so.
    static func statements(_ sql: String) -> [String] {
        var statements: [String] = []
        var current: [Substring] = []
        for line in sql.split(separator: "\n", omittingEmptySubsequences: false) {
            current.append(line)
            if line.trimmingCharacters(in: .whitespaces).hasSuffix(";") {
                var text = current.joined(separator: "\n").trimmingCharacters(in: .whitespacesAndNewlines)
                text.removeLast()
                statements.append(text)
                current = []
            }
        }
        return statements.filter { !$0.split(separator: "\n").allSatisfy { $0.trimmingCharacters(in: .whitespaces).hasPrefix("--") } }
    }

    /// The DDL one node runs for a statement: on one server the statement itself; in a cluster,
    /// a sharded table becomes `NAME_local` plus the Distributed `NAME`, and a column added to it
    /// is added to both.
    func shardStatements(_ statement: String) -> [String] {
        guard let cluster, statement.contains("-- sharded") else { return [statement] }
        if let (table, _) = Self.addedColumn(statement) {
            // The shard's table first, then the Distributed table's structure over it.
            return [statement.replacingOccurrences(of: "ALTER TABLE \(table) ", with: "ALTER TABLE \(table)_local "), statement]
        }
        guard let name = Self.createdTable(statement) else { return [statement] }
        let local = statement.replacingOccurrences(of: "CREATE TABLE IF NOT EXISTS \(name) ",
                                                   with: "CREATE TABLE IF NOT EXISTS \(name)_local ")
        let distributed = "CREATE TABLE IF NOT EXISTS \(name) AS \(name)_local ENGINE = Distributed(\(cluster), currentDatabase(), \(name)_local, host_id)"
        return [local, distributed]
    }

    /// The table a `CREATE TABLE IF NOT EXISTS name (` statement creates.
    static func createdTable(_ statement: String) -> String? {
        guard let range = statement.range(of: "CREATE TABLE IF NOT EXISTS ") else { return nil }
        let rest = statement[range.upperBound...]
        let name = rest.prefix { $0.isLetter || $0.isNumber || $0 == "_" }
        return name.isEmpty ? nil : String(name)
    }
}
