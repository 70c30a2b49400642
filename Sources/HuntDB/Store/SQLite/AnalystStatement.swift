import CSQLite
import Foundation
import Model

/// One analyst statement, checked and prepared once on a connection restricted to reading.
///
/// ```swift
/// let store = try StoreLocation.open("case.db", access: .analyst)
/// let query = try store.prepareAnalystQuery("SELECT * FROM hosts WHERE name = :host", purpose: "running hunt sql")
/// try query.bind(["host": .text("WS-0042")], help: [:])
/// let rows = try query.run(into: writer)
/// ```
final class SQLiteAnalystStatement: AnalystStatement {
    private let statement: Statement
    let parameterNames: [String]
    private let prefixedNames: [String: String]

    /// Compiles `sql`, which must hold exactly one statement that only reads.
    ///
    /// Call `Database.restrictToReading()` on the connection first: the refusals come from
    /// SQLite's authorizer, this type only reports them.
    /// - Throws: `QueryError` (refused, second statement, empty, positional parameter) or
    ///   `DatabaseError` (syntax error, unknown table…).
    init(database: Database, sql: String, purpose: String) throws {
        let statement = try Self.firstStatement(of: sql, database: database, purpose: purpose)
        var names: [String] = []
        var prefixed: [String: String] = [:]
        for raw in statement.parameterNames {
            guard !raw.hasPrefix("?") else { throw QueryError.positionalParameter(raw) }
            let name = String(raw.dropFirst())
            if prefixed[name] == nil { names.append(name) }
            prefixed[name] = raw
        }
        self.statement = statement
        self.parameterNames = names
        self.prefixedNames = prefixed
    }

    func bind(_ values: [String: RowValue], help: [String: String]) throws {
        for name in values.keys.sorted() where prefixedNames[name] == nil {
            throw QueryError.unknownParameter(name: name, known: parameterNames)
        }
        for name in parameterNames {
            guard let value = values[name] else { throw QueryError.missingParameter(name: name, help: help[name]) }
            guard let index = statement.parameterIndex(prefixedNames[name] ?? name) else { continue }
            try StoreError.translating { try statement.bind(value, at: index) }
        }
    }

    func run(into sink: any RowSink) throws -> Int {
        try StoreError.translating { try statement.writeRows(to: sink) }
    }

    /// SQLite refuses CREATE and DROP at the write to its schema table: name them by their verb.
    private static func named(_ denial: ReadOnlyDenial, _ sql: String) -> ReadOnlyDenial {
        guard case .schemaWrite = denial else { return denial }
        let keyword = SQLText.firstKeyword(sql)
        return ["CREATE", "DROP", "ALTER"].contains(keyword) ? .write(keyword) : denial
    }

    /// Prepares the first statement of `sql` (once); throws when there is none, more than one,
    /// or when the read-only guard refuses it.
    private static func firstStatement(of sql: String, database: Database, purpose: String) throws -> Statement {
        var utf8 = Array(sql.utf8)
        utf8.append(0)
        return try utf8.withUnsafeBufferPointer { buffer -> Statement in
            let start = UnsafeRawPointer(buffer.baseAddress!).assumingMemoryBound(to: CChar.self)
            _ = database.takeReadOnlyDenial()
            var handle: OpaquePointer?
            var tail: UnsafePointer<CChar>?
            let rc = sqlite3_prepare_v3(database.handle, start, Int32(buffer.count), 0, &handle, &tail)
            guard rc == SQLITE_OK else {
                sqlite3_finalize(handle)
                // A refused function fails with SQLITE_ERROR, the rest with SQLITE_AUTH.
                if let denial = database.takeReadOnlyDenial() { throw QueryError.refused(Self.named(denial, sql)) }
                throw database.error(rc, purpose)
            }
            guard let handle else { throw QueryError.empty }
            let used = tail.map { $0 - start } ?? buffer.count - 1
            let text = String(decoding: buffer[0..<used], as: UTF8.self)
            // The statement owns the handle from here on and finalizes it.
            let statement = Statement(database: database, handle: handle, sql: text, purpose: purpose)
            let rest = String(decoding: buffer[used..<(buffer.count - 1)], as: UTF8.self)
            if !SQLText.isBlank(rest) { throw QueryError.secondStatement(SQLText.withoutLeadingBlanks(rest)) }
            if !statement.isReadOnly { throw QueryError.notReadOnly(keyword: SQLText.firstKeyword(text)) }
            return statement
        }
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
