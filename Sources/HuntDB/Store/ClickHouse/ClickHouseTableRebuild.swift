import Foundation
import Model

/// A migration's `REBUILD TABLE name ENGINE = …` statement (HuntDB's own, not ClickHouse SQL):
/// the table is copied into a new table with that engine (its sorting key, its version column),
/// and the two are swapped by renaming. 18.16 changes neither with ALTER.
///
/// Every step may be killed; the next run finishes the rebuild from what it finds:
/// - `name` missing and `name__replaced` present: the swap renamed only the old table, so the
///   copy (`name__rebuild`) is complete: it is renamed to `name`;
/// - `name__replaced` present beside `name`: the swap is done: the old table's rows are copied
///   again (below) and it is dropped;
/// - otherwise `name__rebuild` is made anew (a copy left by a kill is dropped first); when its
///   engine is the table's own, the table was rebuilt already and nothing else happens; else
///   every row is copied (`INSERT … SELECT`, one statement), the tables are swapped
///   (`RENAME TABLE name TO name__replaced, name__rebuild TO name`), the parts another load
///   wrote into the old table meanwhile are copied too, and the old table is dropped.
///
/// Rows copied twice are harmless: a copy has the row's sorting key and version, so FINAL,
/// merges and the readers that pick each event's latest copy see one. After a kill between
/// the swap and the drop, the whole old table is copied again, since which of its parts were
/// copied is not known any more.
struct ClickHouseTableRebuild: Equatable {
    /// The table, as the migration names it.
    let table: String
    /// The new engine clause (`ENGINE = … ORDER BY …`).
    let engine: String

    /// The rebuild a migration statement asks for, if it is one.
    static func parse(_ statement: String) -> ClickHouseTableRebuild? {
        let code = statement.split(separator: "\n").filter { !$0.trimmingCharacters(in: .whitespaces).hasPrefix("--") }
            .joined(separator: " ").trimmingCharacters(in: .whitespaces)
        let prefix = "REBUILD TABLE "
        guard code.hasPrefix(prefix) else { return nil }
        let rest = code.dropFirst(prefix.count)
        let name = rest.prefix { $0.isLetter || $0.isNumber || $0 == "_" }
        let engine = rest.dropFirst(name.count).trimmingCharacters(in: .whitespaces)
        guard !name.isEmpty, engine.hasPrefix("ENGINE = ") else { return nil }
        return ClickHouseTableRebuild(table: String(name), engine: engine)
    }

    /// Finishes a swap a kill interrupted, so that `name` exists again: the migration's other
    /// statements (run before the rebuild) may need it. The store calls it for every rebuild of
    /// a migration before running the migration's statements.
    func recover(on node: ClickHouseClient, name: String, purpose: String) throws {
        let copy = name + "__rebuild", replaced = name + "__replaced"
        if try !exists(name, on: node), try exists(replaced, on: node) {
            try node.execute("RENAME TABLE \(copy) TO \(name)", purpose: purpose)
        }
        if try exists(replaced, on: node) {
            try copyRows(from: replaced, to: name, skippingParts: [], on: node, purpose: purpose)
            try node.execute("DROP TABLE \(replaced)", purpose: purpose)
        }
    }

    /// Runs the rebuild of `name` (the table itself, or a shard's `NAME_local`) on one server.
    func run(on node: ClickHouseClient, name: String, purpose: String) throws {
        let copy = name + "__rebuild", replaced = name + "__replaced"
        try recover(on: node, name: name, purpose: purpose)
        try node.execute("DROP TABLE IF EXISTS \(copy)", purpose: purpose)
        try node.execute("CREATE TABLE \(copy) AS \(name) \(engine)", purpose: purpose)
        guard try engineClause(of: copy, on: node) != engineClause(of: name, on: node) else {
            try node.execute("DROP TABLE \(copy)", purpose: purpose)
            return
        }
        let copied = try node.select(
            "SELECT name FROM system.parts WHERE database = currentDatabase() AND table = {table:String} AND active",
            values: ["table": .text(name)], purpose: purpose).texts
        try copyRows(from: name, to: copy, skippingParts: [], on: node, purpose: purpose)
        try node.execute("RENAME TABLE \(name) TO \(replaced), \(copy) TO \(name)", purpose: purpose)
        // Parts a concurrent load wrote into the old table during the copy.
        try copyRows(from: replaced, to: name, skippingParts: copied, on: node, purpose: purpose)
        try node.execute("DROP TABLE \(replaced)", purpose: purpose)
    }

    /// Copies the rows of `source` (but those of the named parts) into `target`, column by column.
    private func copyRows(from source: String, to target: String, skippingParts parts: [String], on node: ClickHouseClient,
                          purpose: String) throws {
        let columns = try node.select(
            "SELECT name FROM system.columns WHERE database = currentDatabase() AND table = {table:String} AND default_kind NOT IN ('MATERIALIZED', 'ALIAS')",
            values: ["table": .text(source)], purpose: purpose).texts.joined(separator: ", ")
        let skipped = ClickHouseExternalTable(name: "hunt_parts", columns: [("name", "String")], rows: parts.map { [.text($0)] })
        try node.execute("INSERT INTO \(target) (\(columns)) SELECT \(columns) FROM \(source) WHERE _part NOT IN (SELECT name FROM hunt_parts)",
                         tables: [skipped], purpose: purpose)
    }

    private func exists(_ table: String, on node: ClickHouseClient) throws -> Bool {
        try node.select("SELECT count() FROM system.tables WHERE database = currentDatabase() AND name = {table:String}",
                        values: ["table": .text(table)], purpose: "looking for table \(table)").integers.first ?? 0 > 0
    }

    private func engineClause(of table: String, on node: ClickHouseClient) throws -> String {
        try node.select("SELECT engine_full FROM system.tables WHERE database = currentDatabase() AND name = {table:String}",
                        values: ["table": .text(table)], purpose: "reading the engine of \(table)").texts.first ?? ""
    }
}
