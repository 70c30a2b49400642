import Model

extension SQLiteStore {
    public func createDistinctValues(of table: String, columns: [String], scope: EventScope, as name: String) throws -> Int {
        try StoreError.translating {
            guard ["processes", "network_connections"].contains(table) else {
                throw DatabaseError(code: 1, message: "no event table \(table)", purpose: "collecting distinct values")
            }
            let existing = try columnNames(of: table)
            guard !columns.isEmpty, columns.allSatisfy(existing.contains), Self.isPlainName(name) else {
                throw DatabaseError(code: 1, message: "unknown column or table name", purpose: "collecting distinct values of \(table)")
            }
            // Identifiers are checked against the schema above (they never come from input);
            // the scope's values are bound.
            let list = columns.map { "e." + $0 }.joined(separator: ", ")
            try withTemporaryWrites {
                try database.execute("DROP TABLE IF EXISTS temp.\(name)", purpose: "dropping \(name)")
                let statement = try database.prepare("""
                    CREATE TEMP TABLE \(name) AS
                    SELECT DISTINCT \(list) FROM \(table) AS e
                    WHERE (:since IS NULL OR e.ts_us >= :since)
                      AND (:until IS NULL OR e.ts_us < :until)
                      AND (:host IS NULL OR e.host_id IN (
                            SELECT host_id FROM hosts
                            WHERE name = :host COLLATE NOCASE OR substr(name, 1, length(:host) + 1) = :host || '.' COLLATE NOCASE OR host_key = 'id:' || lower(:host)))
                    """, purpose: "collecting distinct values of \(table)")
                try statement.bind([
                    "since": scope.sinceMicros.map(RowValue.integer) ?? .null,
                    "until": scope.untilMicros.map(RowValue.integer) ?? .null,
                    "host": scope.host.map(RowValue.text) ?? .null,
                ])
                while try statement.step() {}
            }
            return Int(try database.scalarInt("SELECT count(*) FROM temp.\(name)", purpose: "counting \(name)") ?? 0)
        }
    }

    public func dropDistinctValues(_ name: String) throws {
        guard Self.isPlainName(name) else { return }
        try StoreError.translating {
            try withTemporaryWrites { try database.execute("DROP TABLE IF EXISTS temp.\(name)", purpose: "dropping \(name)") }
        }
    }

    /// Lower-case letters and `_` only.
    static func isPlainName(_ name: String) -> Bool {
        !name.isEmpty && name.utf8.allSatisfy { ($0 >= UInt8(ascii: "a") && $0 <= UInt8(ascii: "z")) || $0 == UInt8(ascii: "_") }
    }

    private func columnNames(of table: String) throws -> Set<String> {
        let statement = try database.prepare("SELECT name FROM pragma_table_info(:table)", purpose: "reading the columns of \(table)")
        try statement.bind(["table": .text(table)])
        var names: Set<String> = []
        while try statement.step() { if let name = statement.text(0) { names.insert(name) } }
        return names
    }

    /// Runs `body` with writes to the temporary schema allowed: a reading connection is
    /// `query_only`, which also refuses temporary tables; its main database stays read-only
    /// (the file is opened read-only).
    private func withTemporaryWrites(_ body: () throws -> Void) throws {
        let queryOnly = (try database.scalarInt("PRAGMA query_only", purpose: "reading query_only") ?? 0) != 0
        if queryOnly { try database.execute("PRAGMA query_only = OFF", purpose: "allowing temporary tables") }
        defer { if queryOnly { try? database.execute("PRAGMA query_only = ON", purpose: "making the connection query-only again") } }
        try body()
    }
}
