/// Brings a database up to the schema this binary knows, in one transaction.
public struct MigrationRunner {
    public let migrations: [Migration]

    public init(migrations: [Migration] = Migration.embedded) {
        self.migrations = migrations
    }

    /// Applies every migration not yet recorded in the database, in order.
    ///
    /// - Returns: the ids applied by this call (empty when the schema was current).
    /// - Throws: `SchemaError.newerSchema` when the database holds migrations this binary does
    ///   not know (written by a newer `hunt`), before changing anything.
    @discardableResult
    public func migrate(_ target: some MigrationTarget) throws -> [String] {
        let applied = try target.appliedMigrationIDs()
        try checkNotNewer(applied: applied)
        guard migrations.contains(where: { !Set(applied).contains($0.id) }) else { return [] }
        var appliedNow: [String] = []
        // All pending migrations in one transaction: a database is never left half-created.
        try target.inWriteTransaction {
            // Another process may have applied some since we looked.
            let done = Set(try target.appliedMigrationIDs())
            for migration in migrations where !done.contains(migration.id) {
                try target.executeScript(migration.sql, purpose: "applying migration \(migration.id)")
                try target.recordMigration(id: migration.id)
                appliedNow.append(migration.id)
            }
        }
        return appliedNow
    }

    /// Throws `SchemaError.newerSchema` when `applied` names migrations this binary does not know.
    public func checkNotNewer(applied: [String]) throws {
        let known = Set(migrations.map(\.id))
        let unknown = applied.filter { !known.contains($0) }
        if !unknown.isEmpty {
            throw SchemaError.newerSchema(unknownMigrations: unknown.sorted())
        }
    }

    /// Whether the database lacks migrations this binary knows (a write would migrate it).
    public func needsMigration(_ target: some MigrationTarget) throws -> Bool {
        let applied = Set(try target.appliedMigrationIDs())
        return migrations.contains { !applied.contains($0.id) }
    }
}

/// Errors of the schema layer.
public enum SchemaError: Error, Equatable, CustomStringConvertible {
    /// The database was written by a newer version of hunt.
    case newerSchema(unknownMigrations: [String])

    public var description: String {
        switch self {
        case .newerSchema(let ids):
            return "The database was written by a newer version of hunt (unknown schema migrations: "
                + ids.joined(separator: ", ") + "). Upgrade hunt to open it."
        }
    }
}
