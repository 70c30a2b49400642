import CSQLite
import Foundation
import Model

/// One SQLite connection, thinly wrapped: open, execute, prepare, transactions.
///
/// Not thread-safe: use a connection from one thread at a time.
final class Database {
    /// How a connection opens its file.
    enum Mode: Sendable {
        case readWrite
        case readOnly
        /// Read-only for files on read-only media: no `-shm`/`-wal` files are created, and SQLite
        /// assumes nobody changes the file while it is open (SQLite's `immutable` URI option).
        case readOnlyImmutable
    }

    let handle: OpaquePointer
    let path: String
    let mode: Mode

    /// Opens (and for `.readWrite` creates) the database at `path`.
    /// - Throws: `DatabaseError` naming the path when SQLite cannot open it.
    init(path: String, mode: Mode = .readWrite, busyTimeoutMs: Int32 = 30_000) throws {
        _ = Self.configureLibrary
        var db: OpaquePointer?
        let flags: Int32 = switch mode {
        case .readWrite: SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX
        case .readOnly: SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX
        case .readOnlyImmutable: SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_URI
        }
        let name = mode == .readOnlyImmutable ? Self.immutableURI(path) : path
        let rc = sqlite3_open_v2(name, &db, flags, nil)
        guard rc == SQLITE_OK, let db else {
            let message = db.map { String(cString: sqlite3_errmsg($0)) } ?? "out of memory"
            if let db { sqlite3_close_v2(db) }
            throw DatabaseError(code: rc, message: message, purpose: "opening database \(path)")
        }
        self.handle = db
        self.path = path
        self.mode = mode
        sqlite3_extended_result_codes(db, 1)
        sqlite3_busy_timeout(db, busyTimeoutMs)
    }

    /// Process-wide settings, made once before the first connection opens.
    private static let configureLibrary: Void = {
        _ = hunt_sqlite3_disable_memory_statistics()
    }()

    deinit {
        sqlite3_close_v2(handle)
    }

    /// `file:` URI of `path` with `immutable=1`; characters special in URIs are %-escaped.
    static func immutableURI(_ path: String) -> String {
        var escaped = ""
        for byte in path.utf8 {
            switch byte {
            case UInt8(ascii: "%"), UInt8(ascii: "?"), UInt8(ascii: "#"), 0..<0x21, 0x7F...:
                escaped += String(format: "%%%02X", byte)
            default:
                escaped.unicodeScalars.append(Unicode.Scalar(byte))
            }
        }
        return "file:" + escaped + "?immutable=1"
    }

    /// SQLite's current error message for this connection.
    var lastErrorMessage: String { String(cString: sqlite3_errmsg(handle)) }

    func error(_ rc: Int32, _ purpose: String) -> DatabaseError {
        DatabaseError(code: rc, message: lastErrorMessage, purpose: purpose)
    }

    /// Runs SQL that may hold several statements and returns no rows.
    func execute(_ sql: String, purpose: String) throws {
        var message: UnsafeMutablePointer<CChar>?
        let rc = sqlite3_exec(handle, sql, nil, nil, &message)
        if rc != SQLITE_OK {
            let text = message.map { String(cString: $0) } ?? lastErrorMessage
            sqlite3_free(message)
            throw DatabaseError(code: rc, message: text, purpose: purpose)
        }
    }

    /// Prepares one statement for repeated use.
    func prepare(_ sql: String, purpose: String, persistent: Bool = false) throws -> Statement {
        try Statement(database: self, sql: sql, purpose: purpose, persistent: persistent)
    }

    /// Runs `body` inside one write transaction (`begin`, `commit`); rolls back when it throws.
    func transaction<T>(_ purpose: String, _ body: () throws -> T) throws -> T {
        try begin(purpose)
        do {
            let result = try body()
            try commit(purpose)
            return result
        } catch {
            rollback(purpose)
            throw error
        }
    }

    /// Runs `body`, which only reads, inside one read transaction so that its statements see the
    /// same data; inside an open transaction it just runs.
    func reading<T>(_ purpose: String, _ body: () throws -> T) throws -> T {
        guard sqlite3_get_autocommit(handle) != 0 else { return try body() }
        try execute("BEGIN", purpose: "starting a read for \(purpose)")
        defer { rollback(purpose) }
        return try body()
    }

    /// Opens a write transaction (`BEGIN IMMEDIATE`: the write lock is taken now, so a busy
    /// database fails here and not halfway through). Loads span several calls with it; other
    /// writes use `transaction(_:_:)`.
    func begin(_ purpose: String) throws {
        try execute("BEGIN IMMEDIATE", purpose: "starting a transaction for \(purpose)")
    }

    /// Commits the open transaction.
    func commit(_ purpose: String) throws {
        try execute("COMMIT", purpose: "committing \(purpose)")
    }

    /// Rolls back the open transaction, if SQLite has not already done so.
    func rollback(_ purpose: String) {
        guard sqlite3_get_autocommit(handle) == 0 else { return }
        // A failed ROLLBACK leaves nothing to undo: the error that led here is what gets reported.
        try? execute("ROLLBACK", purpose: "rolling back \(purpose)")
    }

    /// The number of rows the last INSERT, UPDATE or DELETE changed.
    var changes: Int { Int(sqlite3_changes(handle)) }

    /// The rowid of the last successful INSERT.
    var lastInsertRowID: Int64 { sqlite3_last_insert_rowid(handle) }

    /// Gives the memory this connection's cache and the process's allocator hold but do not use
    /// back to the system: after a bulk load, before the index builds sort, so their memory
    /// adds to what the load needs instead of to what it used (a 2M-event load peaked at
    /// 245 MB while building, 196 MB while loading).
    func releaseFreedMemory() {
        sqlite3_db_release_memory(handle)
        hunt_release_free_heap()
    }

    /// Returns the first column of the first row, or nil when there is no row.
    func scalarInt(_ sql: String, purpose: String, _ bindings: [String: RowValue] = [:]) throws -> Int64? {
        let statement = try prepare(sql, purpose: purpose)
        try statement.bind(bindings)
        guard try statement.step() else { return nil }
        return statement.isNull(0) ? nil : statement.int64(0)
    }

    /// Whether SQLite opened the main database read-only (e.g. the file is not writable).
    var isReadOnlyFile: Bool { sqlite3_db_readonly(handle, "main") == 1 }

    /// Whether this file really is an SQLite database that we can read.
    func checkReadable() throws {
        _ = try scalarInt("SELECT count(*) FROM sqlite_schema", purpose: "reading the schema of \(path)")
    }
}
