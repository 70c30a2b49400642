import Foundation
import Model

extension ClickHouseStore: EventStore {
    public var dialect: StoreDialect { .clickhouse }

    @discardableResult
    public func runRule(sql: String, parameters: [String: RowValue], purpose: String, into sink: any RowSink) throws -> Int {
        // Rows go to the sink as the server sends them: a rule's alerts are never all held.
        let rendered = try ClickHouseParameterizedSQL(sql).render(parameters, nativeParameters: hasQueryParameters)
        return try client.withResponse(rendered.sql + "\nFORMAT TabSeparatedWithNamesAndTypes", tables: rendered.tables,
                                       urlParameters: rendered.urlParameters, purpose: purpose) { response in
            try ClickHouseRows.stream(response, purpose: purpose, into: sink)
        }
    }

    public func createDistinctValues(of table: String, columns: [String], scope: EventScope, as name: String) throws -> Int {
        throw StoreError.failed(engine: "ClickHouse", code: 0, message: "Sigma rules are not compiled for ClickHouse yet",
                                purpose: "preparing Sigma rules")
    }

    public func dropDistinctValues(_ name: String) throws {}

    public func coverage(of needs: [EventNeed], in scope: EventScope) throws -> [HostCoverageFacts] {
        func hosts(_ need: EventNeed) throws -> Set<String> {
            var values = scopeValues(scope)
            let sql: String
            switch need.kind {
            case .process:
                sql = ClickHouseStatsSQL.processHosts
                values["name"] = need.name.map(RowValue.text) ?? .null
            case .network:
                sql = ClickHouseStatsSQL.networkHosts
                values["name"] = need.name.map(RowValue.text) ?? .null
                values["direction"] = need.direction.map(RowValue.text) ?? .null
            case .logon: sql = ClickHouseStatsSQL.contextHosts(table: "logons")
            case .service: sql = ClickHouseStatsSQL.contextHosts(table: "service_installs")
            }
            return Set(try client.select(sql, values: values, nativeParameters: hasQueryParameters, purpose: "computing rule coverage per host").texts)
        }
        // A host with only context events (a domain controller's Security log) is a host too.
        let withEvents = try EventNeed.Kind.allCases.reduce(into: Set<String>()) { $0.formUnion(try hosts(EventNeed(kind: $1))) }
        let present = try needs.map { try hosts($0) }
        return withEvents.sorted { ($0.lowercased(), $0) < ($1.lowercased(), $1) }.map { host in
            HostCoverageFacts(host: host, present: present.map { $0.contains(host) })
        }
    }

    public func prepareAnalystQuery(_ sql: String, purpose: String) throws -> any AnalystStatement {
        try ClickHouseAnalystStatement(store: self, text: sql, purpose: purpose)
    }

    @discardableResult
    public func stats(_ view: StatsView, filter: EventScope, into sink: any RowSink) throws -> Int {
        let rows = try client.select(ClickHouseStatsSQL.sql(view), values: scopeValues(filter), nativeParameters: hasQueryParameters,
                                     purpose: "computing hunt stats \(view.rawValue)")
        try sink.begin(columns: rows.columns)
        for row in rows.rows { try sink.write(row) }
        try sink.end()
        return rows.rows.count
    }

    public func loadTotals() throws -> LoadTotals {
        let row = try client.select(ClickHouseStatsSQL.totals, purpose: "counting sources and rejects").rows.first ?? []
        func value(_ i: Int) -> Int64 { if i < row.count, case .integer(let v) = row[i] { v } else { 0 } }
        return LoadTotals(sources: value(0), failedSources: value(1), rejectedRecords: value(2), warnings: value(3))
    }

    public func schemaEntries() throws -> [SchemaEntry] {
        let objects = try client.select("""
            SELECT name, if(engine = 'View', 'view', 'table') FROM system.tables
            WHERE database = currentDatabase() AND NOT endsWith(name, '_local')
            """, purpose: "listing tables and views").rows
            .map { (name: $0[0].description, kind: $0[1].description) }
            .sorted { ($0.kind, $0.name) < ($1.kind, $1.name) }
        // system.columns lists each table's columns in their order.
        let columns = try client.select("SELECT table, name, type FROM system.columns WHERE database = currentDatabase()",
                                        purpose: "listing columns").rows
        var entries: [SchemaEntry] = []
        for object in objects {
            entries.append(SchemaEntry(object: object.name, kind: object.kind, column: nil, type: "",
                                       description: SchemaDescription.describe(object.name, nil)))
            for column in columns where column[0].description == object.name {
                let name = column[1].description
                let described = SchemaDescription.describe(object.name, name)
                entries.append(SchemaEntry(object: object.name, kind: object.kind, column: name, type: column[2].description,
                                           description: described.isEmpty ? Self.clickHouseColumns[name] ?? "" : described))
            }
        }
        return entries
    }

    /// The columns only the ClickHouse event tables have.
    private static let clickHouseColumns = [
        "host": "The host's name as its events give it.",
        "record_key_is_hash": "1 when record_key is a content hash (a record without an id, in hex), 0 for a record id (c0004).",
    ]

    public func check() throws -> (problems: [String], notes: [String]) {
        var problems: [String] = []
        for row in try client.select(ClickHouseStatsSQL.countsAgainstRows, purpose: "checking counts against rows").rows {
            problems.append("source \(row[0]) (\(row[1])): \(row[2]) events counted as loaded but \(row[3]) stored")
        }
        var notes: [String] = []
        let copies = try client.select(ClickHouseStatsSQL.unmergedCopies, purpose: "counting copies awaiting a merge").integers.first ?? 0
        if copies > 0 { notes.append("\(copies) copies of events written by concurrent loads await a merge (every read de-duplicates them)") }
        return (problems, notes)
    }

    /// `since`, `until` and `host` of a scope as parameter values.
    func scopeValues(_ scope: EventScope) -> [String: RowValue] {
        ["since": scope.sinceMicros.map(RowValue.integer) ?? .null,
         "until": scope.untilMicros.map(RowValue.integer) ?? .null,
         "host": scope.host.map(RowValue.text) ?? .null]
    }
}
