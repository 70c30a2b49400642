import CSQLite

/// An SQLite failure with SQLite's code and message and what we were doing.
///
/// Reads like: `SQLite error 19 (UNIQUE constraint failed: hosts.host_key) while inserting a host`.
public struct DatabaseError: Error, CustomStringConvertible {
    public let code: Int32
    public let message: String
    /// What the statement was for, in words.
    public let purpose: String

    public var description: String {
        "SQLite error \(code) (\(message)) while \(purpose)"
    }

    /// Whether the database or disk is full (SQLITE_FULL, or an I/O error from a full disk).
    public var isDiskFull: Bool { code & 0xff == SQLITE_FULL }
    /// Whether another connection holds the lock (SQLITE_BUSY / SQLITE_LOCKED).
    public var isBusy: Bool { code & 0xff == SQLITE_BUSY || code & 0xff == SQLITE_LOCKED }
    /// Whether an authorizer refused the statement.
    public var isNotAuthorized: Bool { code & 0xff == SQLITE_AUTH }
    /// Whether the statement tried to write through a read-only connection.
    public var isReadOnly: Bool { code & 0xff == SQLITE_READONLY }
}
