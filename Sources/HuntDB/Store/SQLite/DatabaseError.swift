import CSQLite
import Model

/// An SQLite failure with SQLite's code and message and what we were doing.
///
/// Reads like: `SQLite error 19 (UNIQUE constraint failed: hosts.host_key) while inserting a host`.
struct DatabaseError: Error, CustomStringConvertible {
    let code: Int32
    let message: String
    /// What the statement was for, in words.
    let purpose: String

    var description: String {
        "SQLite error \(code) (\(message)) while \(purpose)"
    }

    /// Whether an authorizer refused the statement.
    var isNotAuthorized: Bool { code & 0xff == SQLITE_AUTH }
    /// Whether the statement tried to write through a read-only connection.
    var isReadOnly: Bool { code & 0xff == SQLITE_READONLY }
    /// Another connection holds a lock SQLite would not wait for (its busy handler is skipped,
    /// e.g. while a new database switches to write-ahead logging).
    var isBusy: Bool { code & 0xff == SQLITE_BUSY || code & 0xff == SQLITE_LOCKED }
}
