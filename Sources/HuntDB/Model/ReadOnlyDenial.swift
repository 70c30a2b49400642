/// Why the read-only authorizer refused to compile a statement.
public enum ReadOnlyDenial: Sendable, Equatable, CustomStringConvertible {
    /// INSERT, UPDATE, DELETE, CREATE, DROP, ALTER, REINDEX or ANALYZE.
    case write(String)
    /// A write to SQLite's own schema table (`UPDATE`, `INSERT` or `DELETE` on sqlite_schema).
    case schemaWrite(String)
    /// ATTACH or DETACH.
    case attach(String)
    /// `load_extension()`.
    case extensionLoading
    /// A function that can change the connection (`fts3_tokenizer`).
    case function(String)
    /// A pragma that is not on the read-only list, or one given a value.
    case pragma(name: String, value: String?)
    /// BEGIN, COMMIT, ROLLBACK, SAVEPOINT, RELEASE.
    case transaction
    /// Any other action SQLite asked about (its authorizer action code).
    case other(Int32)

    public var description: String {
        switch self {
        case .write(let verb): "the query tries to write (\(verb))"
        case .schemaWrite("UPDATE"):
            "the query tries to change the schema (UPDATE sqlite_schema); table-valued pragma functions such as pragma_table_info() do so: use PRAGMA table_info(name) or hunt schema"
        case .schemaWrite(let verb): "the query tries to change the schema (\(verb) sqlite_schema)"
        case .attach(let verb): "the query tries to \(verb.lowercased()) a database (\(verb))"
        case .extensionLoading: "the query tries to load an extension (load_extension)"
        case .function(let name): "the query calls \(name), which can change the connection"
        case .pragma(let name, let value?): "the query tries to set a pragma (PRAGMA \(name) = \(value))"
        case .pragma(let name, nil): "the query uses PRAGMA \(name), which is not on the read-only list"
        case .transaction: "the query tries to control transactions (BEGIN, COMMIT, ROLLBACK or SAVEPOINT)"
        case .other(let code): "the query asks for an action that is not reading (SQLite authorizer action \(code))"
        }
    }
}
