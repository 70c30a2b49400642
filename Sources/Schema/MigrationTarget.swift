/// What the migration runner needs from a database connection.
///
/// HuntDB's `Database` conforms; the runner itself knows nothing about SQLite's C API.
public protocol MigrationTarget {
    /// Runs SQL that may hold several statements.
    func executeScript(_ sql: String, purpose: String) throws
    /// The ids recorded in `schema_migrations`, creating that table when it is missing.
    func appliedMigrationIDs() throws -> [String]
    /// Records that a migration was applied (inside the same transaction as its SQL).
    func recordMigration(id: String) throws
    /// Runs `body` in one write transaction that commits only if `body` returns.
    func inWriteTransaction(_ body: () throws -> Void) throws
}
