import CSQLite
import Foundation
import Model

extension Database {
    /// Makes this connection refuse everything but reading, enforced by SQLite itself.
    ///
    /// ```swift
    /// let store = try HuntStore(path: "case.db", mode: .readOnly)
    /// try store.database.restrictToReading()
    /// _ = try store.database.prepare("DELETE FROM hosts", purpose: "…")  // throws SQLITE_AUTH
    /// store.database.takeReadOnlyDenial()                                 // .write("DELETE")
    /// ```
    ///
    /// Installs an authorizer that denies every write action, ATTACH/DETACH, transaction
    /// control, `load_extension()` and every pragma outside a read-only list (and any pragma
    /// given a value), then turns off extension loading and turns on SQLite's defensive mode.
    /// Use it on a `.readOnly` connection (opened read-only, `query_only` on): the layers back
    /// each other up. See <https://sqlite.org/c3ref/set_authorizer.html>.
    /// - Throws: `DatabaseError` when SQLite refuses to change a setting.
    func restrictToReading() throws {
        _ = takeReadOnlyDenial()
        let rc = sqlite3_set_authorizer(handle, readOnlyAuthorizer, UnsafeMutableRawPointer(handle))
        if rc != SQLITE_OK { throw error(rc, "installing the read-only authorizer") }
        let extensions = sqlite3_enable_load_extension(handle, 0)
        if extensions != SQLITE_OK { throw error(extensions, "turning off extension loading") }
        try setDatabaseConfig(SQLITE_DBCONFIG_DEFENSIVE, to: 1, purpose: "turning on defensive mode")
    }

    /// The first refusal since the last call (the reason behind an SQLITE_AUTH error, or behind
    /// "not authorized to use function"), and forgets it.
    func takeReadOnlyDenial() -> ReadOnlyDenial? {
        ReadOnlyDenialLog.shared.take(UInt(bitPattern: UnsafeMutableRawPointer(handle)))
    }

    /// The current value of an on/off `sqlite3_db_config` setting (for tests and diagnostics).
    /// - Throws: `DatabaseError` when SQLite does not know the setting.
    func databaseConfig(_ option: Int32) throws -> Bool {
        var current: Int32 = -1
        let rc = DatabaseConfigCall.function(handle, option, -1, &current)
        if rc != SQLITE_OK { throw error(rc, "reading database setting \(option)") }
        return current != 0
    }

    private func setDatabaseConfig(_ option: Int32, to value: Int32, purpose: String) throws {
        var current: Int32 = -1
        let rc = DatabaseConfigCall.function(handle, option, value, &current)
        if rc != SQLITE_OK { throw error(rc, purpose) }
        if current != value { throw DatabaseError(code: SQLITE_ERROR, message: "the setting did not change", purpose: purpose) }
    }
}

/// `sqlite3_db_config` is a C variadic function, which Swift does not import. Its on/off options
/// take `(int, int*)`; on the Linux ABIs (x86-64 System V, AArch64 AAPCS) those travel in the
/// same registers whether the call is variadic or not, so the symbol is called through a plain
/// function type. (Apple's AArch64 ABI passes variadic arguments on the stack: there a
/// `static inline` wrapper in CSQLite's shim.h is needed instead.)
private enum DatabaseConfigCall {
    typealias Function = @convention(c) (OpaquePointer?, Int32, Int32, UnsafeMutablePointer<Int32>?) -> Int32

    static let function: Function = {
        #if os(Linux) && (arch(x86_64) || arch(arm64))
        if let symbol = dlsym(dlopen(nil, RTLD_NOW), "sqlite3_db_config") {
            return unsafeBitCast(symbol, to: Function.self)
        }
        #endif
        return { _, _, _, _ in SQLITE_MISUSE }
    }()
}

/// Refusals by connection, so the CLI can say which action was refused; SQLite itself only
/// reports "not authorized".
private final class ReadOnlyDenialLog: @unchecked Sendable {
    static let shared = ReadOnlyDenialLog()
    private let lock = NSLock()
    private var denials: [UInt: ReadOnlyDenial] = [:]

    /// Keeps the first refusal that says most: SQLite asks about the `DELETE` on its schema table
    /// before the `DROP TABLE` that causes it.
    func record(_ denial: ReadOnlyDenial, for connection: UInt) {
        lock.lock()
        defer { lock.unlock() }
        switch denials[connection] {
        case nil, .schemaWrite?: denials[connection] = denial
        default: break
        }
    }

    func take(_ connection: UInt) -> ReadOnlyDenial? {
        lock.lock()
        defer { lock.unlock() }
        return denials.removeValue(forKey: connection)
    }
}

/// Pragmas that only read when called without a value.
private let readOnlyPragmas: Set<String> = [
    "application_id", "collation_list", "compile_options", "data_version", "database_list", "encoding",
    "foreign_key_check", "foreign_key_list", "foreign_keys", "freelist_count", "function_list",
    "index_info", "index_list", "index_xinfo", "integrity_check", "module_list",
    "page_count", "page_size", "pragma_list", "query_only", "quick_check", "schema_version",
    "table_info", "table_list", "table_xinfo", "user_version",
]

/// Read-only pragmas whose argument names a table, an index or a limit rather than a new value.
private let pragmasWithArgument: Set<String> = [
    "foreign_key_check", "foreign_key_list", "index_info", "index_list", "index_xinfo",
    "integrity_check", "quick_check", "table_info", "table_list", "table_xinfo",
]

/// The authorizer: allow reading, deny everything else and log why.
private func readOnlyAuthorizer(
    _ context: UnsafeMutableRawPointer?, _ action: Int32,
    _ argument1: UnsafePointer<CChar>?, _ argument2: UnsafePointer<CChar>?,
    _ database: UnsafePointer<CChar>?, _ trigger: UnsafePointer<CChar>?
) -> Int32 {
    guard let denial = readOnlyDenial(action, argument1.map { String(cString: $0) }, argument2.map { String(cString: $0) }) else {
        return SQLITE_OK
    }
    if let context { ReadOnlyDenialLog.shared.record(denial, for: UInt(bitPattern: context)) }
    return SQLITE_DENY
}

private func readOnlyDenial(_ action: Int32, _ argument1: String?, _ argument2: String?) -> ReadOnlyDenial? {
    switch action {
    case SQLITE_SELECT, SQLITE_READ, SQLITE_RECURSIVE:
        return nil
    case SQLITE_FUNCTION:
        switch argument2?.lowercased() {
        case "load_extension": return .extensionLoading
        case "fts3_tokenizer": return .function("fts3_tokenizer")
        default: return nil
        }
    case SQLITE_PRAGMA:
        let name = (argument1 ?? "").lowercased()
        guard readOnlyPragmas.contains(name), argument2 == nil || pragmasWithArgument.contains(name) else {
            return .pragma(name: name, value: argument2)
        }
        return nil
    case SQLITE_INSERT, SQLITE_UPDATE, SQLITE_DELETE:
        let verb = action == SQLITE_INSERT ? "INSERT" : action == SQLITE_UPDATE ? "UPDATE" : "DELETE"
        let table = (argument1 ?? "").lowercased()
        let schemaTables: Set<String> = ["sqlite_master", "sqlite_schema", "sqlite_temp_master", "sqlite_temp_schema"]
        return schemaTables.contains(table) ? .schemaWrite(verb) : .write(verb)
    case SQLITE_CREATE_INDEX, SQLITE_CREATE_TABLE, SQLITE_CREATE_TEMP_INDEX, SQLITE_CREATE_TEMP_TABLE,
         SQLITE_CREATE_TEMP_TRIGGER, SQLITE_CREATE_TEMP_VIEW, SQLITE_CREATE_TRIGGER, SQLITE_CREATE_VIEW,
         SQLITE_CREATE_VTABLE:
        return .write("CREATE")
    case SQLITE_DROP_INDEX, SQLITE_DROP_TABLE, SQLITE_DROP_TEMP_INDEX, SQLITE_DROP_TEMP_TABLE,
         SQLITE_DROP_TEMP_TRIGGER, SQLITE_DROP_TEMP_VIEW, SQLITE_DROP_TRIGGER, SQLITE_DROP_VIEW,
         SQLITE_DROP_VTABLE:
        return .write("DROP")
    case SQLITE_ALTER_TABLE: return .write("ALTER TABLE")
    case SQLITE_REINDEX: return .write("REINDEX")
    case SQLITE_ANALYZE: return .write("ANALYZE")
    case SQLITE_ATTACH: return .attach("ATTACH")
    case SQLITE_DETACH: return .attach("DETACH")
    case SQLITE_TRANSACTION, SQLITE_SAVEPOINT: return .transaction
    default: return .other(action)
    }
}
