import CSQLite
import Foundation

/// One analyst statement, checked and prepared on a read-only connection.
///
/// ```swift
/// let store = try HuntStore(path: "case.db", mode: .readOnly)
/// try store.database.restrictToReading()
/// let query = try ReadOnlyQuery(database: store.database, sql: "SELECT * FROM hosts WHERE name = :host",
///                               purpose: "running hunt sql")
/// try query.bind(["host": .text("WS-0042")])
/// let rows = try query.run(into: writer, isoTimes: true)
/// ```
public final class ReadOnlyQuery {
    public let statement: Statement
    /// The named parameters the statement uses, without their `:`/`@`/`$` prefix, in order.
    public let parameterNames: [String]
    private let prefixedNames: [String: String]

    /// Compiles `sql`, which must hold exactly one statement that only reads.
    ///
    /// Call `Database.restrictToReading()` on the connection first: the refusals come from
    /// SQLite's authorizer, this type only reports them.
    /// - Throws: `QueryError` (refused, second statement, empty, positional parameter) or
    ///   `DatabaseError` (syntax error, unknown table…).
    public init(database: Database, sql: String, purpose: String) throws {
        let first = try Self.firstStatement(of: sql, database: database, purpose: purpose)
        let statement = try database.prepare(first, purpose: purpose)
        var names: [String] = []
        var prefixed: [String: String] = [:]
        for index in 0..<sqlite3_bind_parameter_count(statement.handle) {
            guard let raw = sqlite3_bind_parameter_name(statement.handle, index + 1).map({ String(cString: $0) }),
                  !raw.hasPrefix("?") else {
                let raw = sqlite3_bind_parameter_name(statement.handle, index + 1).map { String(cString: $0) }
                throw QueryError.positionalParameter(raw ?? "?")
            }
            let name = String(raw.dropFirst())
            if prefixed[name] == nil { names.append(name) }
            prefixed[name] = raw
        }
        self.statement = statement
        self.parameterNames = names
        self.prefixedNames = prefixed
    }

    /// Binds a value to every parameter, by name without prefix.
    /// - Throws: `QueryError.unknownParameter` for a value the statement does not use,
    ///   `.missingParameter` for a parameter without a value.
    public func bind(_ values: [String: SQLValue], help: [String: String] = [:]) throws {
        for name in values.keys.sorted() where prefixedNames[name] == nil {
            throw QueryError.unknownParameter(name: name, known: parameterNames)
        }
        for name in parameterNames {
            guard let value = values[name] else { throw QueryError.missingParameter(name: name, help: help[name]) }
            guard let index = statement.parameterIndex(prefixedNames[name] ?? name) else { continue }
            try statement.bind(value, at: index)
        }
    }

    /// Streams every row to `writer` (begin, rows, end) and returns how many there were.
    ///
    /// With `isoTimes`, integer values in columns named `ts_us`, `*_ts_us` or `*_at_us`
    /// (microseconds since 1970 UTC) are written as ISO-8601 UTC text, as the views' `time` does.
    /// - Throws: `DatabaseError` from SQLite, or the writer's error.
    @discardableResult
    public func run(into writer: any RowWriter, isoTimes: Bool) throws -> Int {
        try statement.writeRows(to: writer, isoTimes: isoTimes)
    }

    /// SQLite refuses CREATE and DROP at the write to its schema table: name them by their verb.
    private static func named(_ denial: ReadOnlyDenial, _ sql: String) -> ReadOnlyDenial {
        guard case .schemaWrite = denial else { return denial }
        let keyword = SQLText.firstKeyword(sql)
        return ["CREATE", "DROP", "ALTER"].contains(keyword) ? .write(keyword) : denial
    }

    /// The text of the first statement; throws when there is none, more than one, or when the
    /// read-only guard refuses it.
    private static func firstStatement(of sql: String, database: Database, purpose: String) throws -> String {
        var utf8 = Array(sql.utf8)
        utf8.append(0)
        return try utf8.withUnsafeBufferPointer { buffer -> String in
            let start = UnsafeRawPointer(buffer.baseAddress!).assumingMemoryBound(to: CChar.self)
            _ = database.takeReadOnlyDenial()
            var handle: OpaquePointer?
            var tail: UnsafePointer<CChar>?
            let rc = sqlite3_prepare_v3(database.handle, start, Int32(buffer.count), 0, &handle, &tail)
            defer { sqlite3_finalize(handle) }
            if rc != SQLITE_OK {
                // A refused function fails with SQLITE_ERROR, the rest with SQLITE_AUTH.
                if let denial = database.takeReadOnlyDenial() { throw QueryError.refused(Self.named(denial, sql)) }
                throw database.error(rc, purpose)
            }
            guard let handle else { throw QueryError.empty }
            let used = tail.map { $0 - start } ?? buffer.count - 1
            let rest = String(decoding: buffer[used..<(buffer.count - 1)], as: UTF8.self)
            if !SQLText.isBlank(rest) { throw QueryError.secondStatement(SQLText.withoutLeadingBlanks(rest)) }
            let text = String(decoding: buffer[0..<used], as: UTF8.self)
            if sqlite3_stmt_readonly(handle) == 0 { throw QueryError.notReadOnly(keyword: SQLText.firstKeyword(text)) }
            return text
        }
    }
}

/// Columns holding microseconds, rendered as ISO-8601 UTC.
struct TimeColumns {
    let indexes: Set<Int>

    init(indexes: Set<Int>) {
        self.indexes = indexes
    }

    init(columns: [String]) {
        indexes = Set(columns.indices.filter { Self.isTimeColumn(columns[$0]) })
    }

    /// `ts_us`, `network_ts_us`, `started_at_us`…
    static func isTimeColumn(_ name: String) -> Bool {
        let lower = name.lowercased()
        return lower == "ts_us" || lower.hasSuffix("_ts_us") || lower.hasSuffix("_at_us")
    }

    func render(_ row: [SQLValue]) -> [SQLValue] {
        guard !indexes.isEmpty else { return row }
        var row = row
        for index in indexes where index < row.count {
            if case .integer(let micros) = row[index] { row[index] = .text(Timestamp.iso8601(micros: micros)) }
        }
        return row
    }
}

/// Lexical helpers for SQL text: blanks are whitespace, `;`, `-- …` and `/* … */` comments.
enum SQLText {
    static func isBlank(_ text: String) -> Bool { withoutLeadingBlanks(text).isEmpty }

    static func withoutLeadingBlanks(_ text: String) -> String {
        var rest = Substring(text)
        while true {
            let trimmed = rest.drop { $0.isWhitespace || $0 == ";" }
            if trimmed.hasPrefix("--") {
                rest = trimmed.drop { $0 != "\n" }
            } else if trimmed.hasPrefix("/*") {
                guard let end = trimmed.range(of: "*/") else { return "" }
                rest = trimmed[end.upperBound...]
            } else {
                return String(trimmed)
            }
        }
    }

    /// The first word of the statement, upper-cased (`VACUUM`), for messages.
    static func firstKeyword(_ text: String) -> String {
        String(withoutLeadingBlanks(text).prefix { $0.isLetter }).uppercased()
    }
}
