import Model

/// One analyst statement for ClickHouse: checked here for being one statement, then sent with
/// `readonly=1`, so the server itself refuses writes, DDL and settings changes.
///
/// Parameters are written `{name:Type}` (ClickHouse's form) or `:name` (typed by the value);
/// their values never enter the SQL text (`ClickHouseParameterizedSQL`).
final class ClickHouseAnalystStatement: AnalystStatement {
    private let store: ClickHouseStore
    private let sql: ClickHouseParameterizedSQL
    private let purpose: String
    private var values: [String: RowValue] = [:]
    var parameterNames: [String] { sql.parameterNames }

    init(store: ClickHouseStore, text: String, purpose: String) throws {
        guard !SQLText.isBlank(text) else { throw QueryError.empty }
        let statement = Self.firstStatement(of: text)
        if !SQLText.isBlank(statement.rest) { throw QueryError.secondStatement(SQLText.withoutLeadingBlanks(statement.rest)) }
        self.store = store
        self.sql = ClickHouseParameterizedSQL(statement.first)
        self.purpose = purpose
    }

    func bind(_ values: [String: RowValue], help: [String: String]) throws {
        let names = Set(parameterNames)
        for name in values.keys.sorted() where !names.contains(name) {
            throw QueryError.unknownParameter(name: name, known: parameterNames)
        }
        for name in parameterNames where values[name] == nil {
            throw QueryError.missingParameter(name: name, help: help[name])
        }
        self.values = values
    }

    func run(into sink: any RowSink) throws -> Int {
        let rendered = try sql.render(values, nativeParameters: store.hasQueryParameters)
        do {
            // Rows are written as they arrive.
            return try store.client.withResponse(rendered.sql + "\nFORMAT TabSeparatedWithNamesAndTypes", tables: rendered.tables,
                                                 urlParameters: rendered.urlParameters, purpose: purpose) { response in
                try ClickHouseRows.stream(response, purpose: purpose, into: sink)
            }
        } catch StoreError.failed(_, 164, _, _) {
            throw QueryError.notReadOnly(keyword: SQLText.firstKeyword(sql.text))
        }
    }

    /// The text up to the first `;` outside quotes and comments, and what follows it.
    private static func firstStatement(of text: String) -> (first: String, rest: String) {
        var quote: Character?
        var index = text.startIndex
        while index < text.endIndex {
            let c = text[index]
            let next = text.index(after: index)
            if let open = quote {
                if c == "\\" { index = next < text.endIndex ? text.index(after: next) : next; continue }
                if c == open { quote = nil }
            } else if c == "'" || c == "\"" || c == "`" {
                quote = c
            } else if c == "-", next < text.endIndex, text[next] == "-" {
                index = text[index...].firstIndex(of: "\n") ?? text.endIndex
                continue
            } else if c == "/", next < text.endIndex, text[next] == "*" {
                index = text[next...].range(of: "*/")?.upperBound ?? text.endIndex
                continue
            } else if c == ";" {
                return (String(text[..<index]), String(text[next...]))
            }
            index = next
        }
        return (text, "")
    }
}
