import CSQLite
import Model

/// The destructor constant that makes SQLite copy bound text and blobs.
/// A valid pointer for binding empty text (a nil pointer would bind NULL).
private let emptyCString: UnsafePointer<CChar> = {
    let pointer = UnsafeMutablePointer<CChar>.allocate(capacity: 1)
    pointer.pointee = 0
    return UnsafePointer(pointer)
}()

let SQLITE_TRANSIENT = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

/// A prepared statement owned for its lifetime; finalized on deinit.
///
/// Bind named parameters (`:name`), `step()` through rows, `reset()` to run it again.
final class Statement {
    let handle: OpaquePointer
    unowned let database: Database
    let sql: String
    let purpose: String

    convenience init(database: Database, sql: String, purpose: String, persistent: Bool) throws {
        var stmt: OpaquePointer?
        var tail: UnsafePointer<CChar>?
        let flags = UInt32(persistent ? SQLITE_PREPARE_PERSISTENT : 0)
        let rc = sql.withCString { sqlite3_prepare_v3(database.handle, $0, -1, flags, &stmt, &tail) }
        guard rc == SQLITE_OK, let stmt else {
            throw database.error(rc == SQLITE_OK ? SQLITE_MISUSE : rc, purpose)
        }
        self.init(database: database, handle: stmt, sql: sql, purpose: purpose)
    }

    /// Takes ownership of a statement SQLite has already prepared.
    init(database: Database, handle: OpaquePointer, sql: String, purpose: String) {
        self.handle = handle
        self.database = database
        self.sql = sql
        self.purpose = purpose
    }

    deinit {
        sqlite3_finalize(handle)
    }

    // MARK: Binding

    /// The index of `:name`, or nil when the statement has no such parameter.
    func parameterIndex(_ name: String) -> Int32? {
        let index = sqlite3_bind_parameter_index(handle, name.hasPrefix(":") ? name : ":" + name)
        return index == 0 ? nil : index
    }

    /// The names of the statement's parameters, with their `:` prefix.
    var parameterNames: [String] {
        (0..<sqlite3_bind_parameter_count(handle)).compactMap { i in
            sqlite3_bind_parameter_name(handle, i + 1).map { String(cString: $0) }
        }
    }

    /// Binds named values; every name must be a parameter of the statement.
    func bind(_ values: [String: RowValue]) throws {
        for (name, value) in values {
            guard let index = parameterIndex(name) else {
                throw DatabaseError(code: SQLITE_RANGE, message: "no parameter :\(name)", purpose: purpose)
            }
            try bind(value, at: index)
        }
    }

    func bind(_ value: RowValue, at index: Int32) throws {
        let rc: Int32
        switch value {
        case .null: rc = sqlite3_bind_null(handle, index)
        case .integer(let v): rc = sqlite3_bind_int64(handle, index, v)
        case .real(let v): rc = sqlite3_bind_double(handle, index, v)
        case .text(let v), .json(let v): rc = bindText(v, at: index)
        case .blob(let bytes):
            rc = bytes.withUnsafeBytes { sqlite3_bind_blob(handle, index, $0.baseAddress, Int32($0.count), SQLITE_TRANSIENT) }
        }
        if rc != SQLITE_OK { throw database.error(rc, purpose) }
    }

    @inline(__always)
    func bindText(_ text: String, at index: Int32) -> Int32 {
        var text = text
        return text.withUTF8 { buffer in
            buffer.withMemoryRebound(to: CChar.self) { chars in
                sqlite3_bind_text(handle, index, chars.baseAddress ?? emptyCString, Int32(chars.count), SQLITE_TRANSIENT)
            }
        }
    }

    /// Binds UTF-8 bytes as text (copied by SQLite).
    @inline(__always)
    func bindText(_ bytes: UnsafeRawBufferPointer, at index: Int32) {
        let chars = bytes.baseAddress.map { UnsafePointer($0.assumingMemoryBound(to: CChar.self)) } ?? emptyCString
        sqlite3_bind_text(handle, index, chars, Int32(bytes.count), SQLITE_TRANSIENT)
    }

    /// Fast-path binders for the loader's hot loop (positions are 1-based).
    @inline(__always)
    func bind(_ text: String?, at index: Int32) {
        if let text { _ = bindText(text, at: index) } else { sqlite3_bind_null(handle, index) }
    }

    @inline(__always)
    func bind(_ value: Int64?, at index: Int32) {
        if let value { sqlite3_bind_int64(handle, index, value) } else { sqlite3_bind_null(handle, index) }
    }

    @inline(__always)
    func bindBlob(_ bytes: [UInt8], at index: Int32) {
        bytes.withUnsafeBytes { _ = sqlite3_bind_blob(handle, index, $0.baseAddress, Int32($0.count), SQLITE_TRANSIENT) }
    }

    // MARK: Running

    /// Advances to the next row. Returns false when the statement is done.
    @discardableResult
    func step() throws -> Bool {
        let rc = sqlite3_step(handle)
        switch rc {
        case SQLITE_ROW: return true
        case SQLITE_DONE: return false
        default: throw database.error(rc, purpose)
        }
    }

    /// Runs a statement that returns no rows, then resets it and clears its bindings.
    func run() throws {
        defer { reset() }
        while try step() {}
    }

    /// Runs a statement that returns no rows and resets it, keeping its bindings (the loader
    /// rebinds every parameter for each row, so clearing them would be wasted work).
    func runKeepingBindings() throws {
        defer { sqlite3_reset(handle) }
        while try step() {}
    }

    /// Makes the statement ready to run again and clears its bindings.
    func reset() {
        sqlite3_reset(handle)
        sqlite3_clear_bindings(handle)
    }

    // MARK: Columns

    var columnCount: Int32 { sqlite3_column_count(handle) }

    func columnName(_ index: Int32) -> String {
        sqlite3_column_name(handle, index).map { String(cString: $0) } ?? "column\(index)"
    }

    var columnNames: [String] { (0..<columnCount).map(columnName) }

    func isNull(_ index: Int32) -> Bool { sqlite3_column_type(handle, index) == SQLITE_NULL }

    func int64(_ index: Int32) -> Int64 { sqlite3_column_int64(handle, index) }

    func double(_ index: Int32) -> Double { sqlite3_column_double(handle, index) }

    func text(_ index: Int32) -> String? {
        guard let pointer = sqlite3_column_text(handle, index) else { return nil }
        let count = Int(sqlite3_column_bytes(handle, index))
        return String(decoding: UnsafeBufferPointer(start: pointer, count: count), as: UTF8.self)
    }

    /// The column's text as bytes, valid until the next step (empty for NULL).
    func bytes(_ index: Int32) -> UnsafeRawBufferPointer {
        guard let pointer = sqlite3_column_text(handle, index) else { return UnsafeRawBufferPointer(start: nil, count: 0) }
        return UnsafeRawBufferPointer(start: pointer, count: Int(sqlite3_column_bytes(handle, index)))
    }

    /// The column's blob as bytes, valid until the next step (empty for NULL or an empty blob).
    func blob(_ index: Int32) -> UnsafeRawBufferPointer {
        guard let pointer = sqlite3_column_blob(handle, index) else { return UnsafeRawBufferPointer(start: nil, count: 0) }
        return UnsafeRawBufferPointer(start: pointer, count: Int(sqlite3_column_bytes(handle, index)))
    }

    /// The column as a typed value.
    func value(_ index: Int32) -> RowValue {
        switch sqlite3_column_type(handle, index) {
        case SQLITE_INTEGER: return .integer(int64(index))
        case SQLITE_FLOAT: return .real(double(index))
        case SQLITE_TEXT: return .text(text(index) ?? "")
        case SQLITE_BLOB:
            let count = Int(sqlite3_column_bytes(handle, index))
            guard count > 0, let pointer = sqlite3_column_blob(handle, index) else { return .blob([]) }
            return .blob(Array(UnsafeRawBufferPointer(start: pointer, count: count)))
        default: return .null
        }
    }

    /// The current row as values.
    func row() -> [RowValue] { (0..<columnCount).map(value) }

    /// Whether the statement only reads (per SQLite).
    var isReadOnly: Bool { sqlite3_stmt_readonly(handle) != 0 }
}
