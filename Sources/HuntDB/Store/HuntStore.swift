import Foundation
import Schema

/// A HuntDB database file: an SQLite connection with the HuntDB schema applied.
///
/// ```swift
/// let store = try HuntStore(path: "hunt.db")              // creates and migrates
/// let reader = try HuntStore(path: "hunt.db", mode: .readOnly)
/// ```
public final class HuntStore {
    public let database: Database
    public var path: String { database.path }

    /// Opens the database at `path`.
    ///
    /// `.readWrite` creates the file when missing and applies pending migrations.
    /// `.readOnly` requires an existing, current HuntDB database and never writes.
    /// - Throws: `StoreError` with a sentence naming the path and what is wrong.
    public init(path: String, mode: Database.Mode = .readWrite) throws {
        if mode == .readOnly, !FileManager.default.fileExists(atPath: path) {
            throw StoreError.missingDatabase(path: path)
        }
        let database: Database
        do {
            database = try Self.open(path, mode: mode)
        } catch let error as DatabaseError {
            throw StoreError.cannotOpen(path: path, reason: error.message)
        }
        self.database = database
        if mode == .readWrite, database.isReadOnlyFile {
            throw StoreError.notWritable(path: path)
        }
        try configure(mode: mode)
        let runner = MigrationRunner()
        do {
            if mode == .readWrite {
                try runner.migrate(database)
            } else {
                let applied = try database.appliedMigrationIDs()
                if applied.isEmpty { throw StoreError.notHuntDatabase(path: path) }
                try runner.checkNotNewer(applied: applied)
                if try runner.needsMigration(database) { throw StoreError.olderSchema(path: path) }
            }
        } catch let error as SchemaError {
            throw StoreError.schema(path: path, error)
        }
    }

    /// Opens and checks the file. A read-only open that fails because SQLite cannot create its
    /// shared-memory file (evidence on read-only media) is retried as immutable.
    private static func open(_ path: String, mode: Database.Mode) throws -> Database {
        do {
            let database = try Database(path: path, mode: mode)
            try database.checkReadable()
            return database
        } catch let error as DatabaseError where mode == .readOnly && (error.isReadOnly || error.code & 0xff == 14) {
            let database = try Database(path: path, mode: .readOnlyImmutable)
            try database.checkReadable()
            return database
        }
    }

    private func configure(mode: Database.Mode) throws {
        try database.execute("PRAGMA foreign_keys = ON", purpose: "enabling foreign keys")
        try database.execute("PRAGMA cache_size = -65536", purpose: "sizing the page cache")
        if mode == .readWrite {
            do {
                try database.execute("PRAGMA journal_mode = WAL", purpose: "switching to write-ahead logging")
            } catch let error as DatabaseError {
                throw StoreError.cannotOpen(path: path, reason: error.message)
            }
            try database.execute("PRAGMA synchronous = NORMAL", purpose: "setting synchronous mode")
        } else {
            try database.execute("PRAGMA query_only = ON", purpose: "making the connection query-only")
        }
    }
}

/// Errors opening or using a HuntDB database file.
public enum StoreError: Error, CustomStringConvertible {
    case missingDatabase(path: String)
    case cannotOpen(path: String, reason: String)
    case notHuntDatabase(path: String)
    case olderSchema(path: String)
    case notWritable(path: String)
    case schema(path: String, SchemaError)

    public var description: String {
        switch self {
        case .missingDatabase(let path):
            return "No database at \(path). Load events first with `hunt load --db \(path) FILE…`."
        case .cannotOpen(let path, let reason):
            return "Cannot open \(path) as an SQLite database: \(reason)."
        case .notHuntDatabase(let path):
            return "\(path) is an SQLite database but not a HuntDB database (it has no schema_migrations table)."
        case .olderSchema(let path):
            return "\(path) has an older or incomplete schema (written by an older hunt, or a first load was killed while creating it); run `hunt load --db \(path) …` to finish it."
        case .notWritable(let path):
            return "\(path) cannot be written (the file or its folder is read-only, or the disk is mounted read-only); loading needs write access. Reading commands (detect, sql, stats) still work."
        case .schema(let path, let error):
            return "\(path): \(error)"
        }
    }
}
