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

    /// Whether an authorizer refused the statement.
    public var isNotAuthorized: Bool { code & 0xff == SQLITE_AUTH }
    /// Whether the statement tried to write through a read-only connection.
    public var isReadOnly: Bool { code & 0xff == SQLITE_READONLY }
}
