import Foundation
import Schema
import Model

/// A HuntDB database file: one SQLite connection with the HuntDB schema applied; the first
/// implementation of `EventStore`. Its SQL lives in this folder and in `migrations/`.
///
/// ```swift
/// let store = try SQLiteStore(path: "hunt.db")                   // creates and migrates
/// let reader = try SQLiteStore(path: "hunt.db", access: .readOnly)
/// ```
public final class SQLiteStore {
    let database: Database
    /// The prepared insert statements of loads, made on first use and kept for every source.
    private var preparedEventWriter: EventWriter?
    /// The database file.
    public var path: String { database.path }
    public private(set) var schemaUpgrade: SchemaUpgrade?

    /// Opens the database at `path`.
    ///
    /// `.readWrite` creates the file when missing and applies pending migrations.
    /// `.readOnly` requires an existing, current HuntDB database and never writes; `.analyst`
    /// also installs SQLite's read-only guard for SQL that analysts write.
    /// - Throws: `StoreError` with a sentence naming the path and what is wrong.
    public convenience init(path: String, access: StoreAccess = .readWrite) throws {
        do {
            try self.init(path: path, mode: access == .readWrite ? .readWrite : .readOnly)
        } catch let error as DatabaseError {
            throw error.storeError
        }
        if access == .analyst {
            do {
                try database.restrictToReading()
            } catch let error as DatabaseError {
                throw StoreError.cannotOpen(path: path, reason: "cannot make the connection read-only: \(error)")
            }
        }
    }

    private init(path: String, mode: Database.Mode) throws {
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
                let before = try database.appliedMigrationIDs()
                let started = Clock.nowMicros()
                let applied = try runner.migrate(database)
                if !before.isEmpty, !applied.isEmpty {
                    let seconds = Double(Clock.nowMicros() - started) / 1e6
                    let freePages = try database.scalarInt("PRAGMA freelist_count", purpose: "counting free pages") ?? 0
                    let pageSize = try database.scalarInt("PRAGMA page_size", purpose: "counting free pages") ?? 0
                    schemaUpgrade = SchemaUpgrade(migrations: applied, seconds: seconds, freeBytes: freePages * pageSize)
                }
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
    /// The event writer of this connection, prepared once.
    func eventWriter() throws -> EventWriter {
        if let preparedEventWriter { return preparedEventWriter }
        let writer = try EventWriter(database: database)
        preparedEventWriter = writer
        return writer
    }

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
        try database.registerContentKeyFunction()
        try database.registerTextHashFunction()
        try database.registerMatchFunctions()
        try database.registerCommandKeyFunction()
        try database.execute("PRAGMA foreign_keys = ON", purpose: "enabling foreign keys")
        // Loads look up and build indexes at random: 64 MiB. Readers mostly scan, and a detect
        // runs several of them at once (`openParallelReader`): 16 MiB each, the kernel caches
        // the file for all of them.
        try database.execute("PRAGMA cache_size = -\(mode == .readWrite ? Database.writerCacheKibibytes : Database.boundedCacheKibibytes)",
                             purpose: "sizing the page cache")
        if mode == .readWrite {
            // Two loads starting on one new database: the second can find the file locked while
            // the first switches it to write-ahead logging, where SQLite does not wait by itself.
            let deadline = Date().addingTimeInterval(30)
            while true {
                do {
                    try database.execute("PRAGMA journal_mode = WAL", purpose: "switching to write-ahead logging")
                    break
                } catch let error as DatabaseError where error.isBusy && Date() < deadline {
                    usleep(20_000)
                } catch let error as DatabaseError {
                    throw StoreError.cannotOpen(path: path, reason: error.message)
                }
            }
            try database.execute("PRAGMA synchronous = NORMAL", purpose: "setting synchronous mode")
        } else {
            try database.execute("PRAGMA query_only = ON", purpose: "making the connection query-only")
        }
    }
}

