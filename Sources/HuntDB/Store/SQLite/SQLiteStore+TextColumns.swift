import Model

extension SQLiteStore {
    /// Reads the dictionaries once, then only the ids of the compact rows; falls back to reading
    /// values when a column is not interned. One read transaction, so both passes see the same data.
    public func scanTextColumns(of table: String, columns: [String], filter: String, parameters: [String: RowValue],
                                purpose: String, into sink: any TextColumnSink) throws {
        let dictionaries = columns.compactMap { InternedColumns.dictionary(of: $0, in: table) }
        guard let rows = InternedColumns.rows(of: table), dictionaries.count == columns.count else {
            return try scanTextColumnsByValue(of: table, columns: columns, filter: filter, parameters: parameters,
                                              purpose: purpose, into: sink)
        }
        try StoreError.translating {
            try database.reading(purpose) {
                var base: [InternedColumns.Dictionary: Int] = [:]
                var next = 0
                for dictionary in InternedColumns.Dictionary.allCases where dictionaries.contains(dictionary) {
                    base[dictionary] = next
                    next = try scanDictionary(dictionary, from: next, purpose: purpose, into: sink)
                }
                let offsets = dictionaries.map { base[$0]! }
                // Names come from InternedColumns (constants), never from rule text.
                let sql = "SELECT e.event_id" + columns.map { ", e." + InternedColumns.reference(of: $0) }.joined()
                    + " FROM " + rows + " AS e WHERE " + filter
                let statement = try database.prepare(sql, purpose: purpose)
                for (name, value) in parameters {
                    guard let index = statement.parameterIndex(name) else { continue }
                    try statement.bind(value, at: index)
                }
                var texts = [Int](repeating: -1, count: columns.count)
                while try statement.step() {
                    for column in 0..<columns.count {
                        let index = Int32(column + 1)
                        texts[column] = statement.isNull(index) ? -1 : offsets[column] + Int(statement.int64(index))
                    }
                    try texts.withUnsafeBufferPointer { try sink.row(event: statement.int64(0), texts: $0) }
                }
            }
        }
    }

    /// Hands every text of `dictionary` to `sink`, numbered `from + id`; returns the first
    /// number after them.
    private func scanDictionary(_ dictionary: InternedColumns.Dictionary, from first: Int, purpose: String,
                                into sink: any TextColumnSink) throws -> Int {
        let statement = try database.prepare(dictionary.everyText, purpose: purpose)
        var last = -1
        while try statement.step() {
            let id = Int(statement.int64(0))
            precondition(id >= 0, "dictionary ids are never negative")
            try sink.text(first + id, statement.bytes(1))
            last = id
        }
        return first + last + 1
    }
}
