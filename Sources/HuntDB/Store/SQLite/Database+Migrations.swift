import Schema
import Model

extension Database: MigrationTarget {
    func executeScript(_ sql: String, purpose: String) throws {
        try execute(sql, purpose: purpose)
    }

    func appliedMigrationIDs() throws -> [String] {
        if mode == .readWrite {
            try execute(
                "CREATE TABLE IF NOT EXISTS schema_migrations (id TEXT PRIMARY KEY, applied_at_us INTEGER NOT NULL) STRICT",
                purpose: "creating the schema_migrations table")
        } else if try scalarInt(
            "SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name = 'schema_migrations'",
            purpose: "looking for the schema_migrations table") == 0 {
            return []
        }
        let statement = try prepare("SELECT id FROM schema_migrations ORDER BY id", purpose: "reading applied migrations")
        var ids: [String] = []
        while try statement.step() { ids.append(statement.text(0) ?? "") }
        return ids
    }

    func recordMigration(id: String) throws {
        let statement = try prepare(
            "INSERT INTO schema_migrations (id, applied_at_us) VALUES (:id, :now)", purpose: "recording migration \(id)")
        try statement.bind(["id": .text(id), "now": .integer(Clock.nowMicros())])
        try statement.run()
    }

    func inWriteTransaction(_ body: () throws -> Void) throws {
        try transaction("a schema migration", body)
    }
}
