import Model
/// The SQL behind coverage: per host with events in range, one EXISTS per event need.
///
/// Table and column names come from `EventNeed.Kind` (a closed enum), never from input; the
/// names and directions a rule asks for are bound as parameters.
struct CoverageQuery {
    let needs: [EventNeed]

    func run(on database: Database, scope: EventScope) throws -> [HostCoverageFacts] {
        let statement = try database.prepare(sql, purpose: "computing rule coverage per host")
        var bindings: [String: RowValue] = [
            "since": scope.sinceMicros.map(RowValue.integer) ?? .null,
            "until": scope.untilMicros.map(RowValue.integer) ?? .null,
            "host": scope.host.map(RowValue.text) ?? .null,
        ]
        for (index, need) in needs.enumerated() {
            if let name = need.name { bindings["need\(index)_name"] = .text(name) }
            if let direction = need.direction { bindings["need\(index)_direction"] = .text(direction) }
        }
        try statement.bind(bindings)
        var result: [HostCoverageFacts] = []
        while try statement.step() {
            let present = needs.indices.map { statement.int64(Int32($0) + 1) != 0 }
            result.append(HostCoverageFacts(host: statement.text(0) ?? "", present: present))
        }
        return result
    }

    private static func table(_ kind: EventNeed.Kind) -> String {
        switch kind {
        case .process: "processes"
        case .network: "network_connections"
        }
    }

    private static let inRange = "e.ts_us >= coalesce(:since, -9223372036854775807) AND e.ts_us < coalesce(:until, 9223372036854775807)"

    private static func exists(_ kind: EventNeed.Kind, _ conditions: [String] = []) -> String {
        (["SELECT 1 FROM \(table(kind)) AS e WHERE e.host_id = h.host_id"] + conditions + [inRange])
            .joined(separator: " AND ")
    }

    private var sql: String {
        let needColumns = needs.enumerated().map { index, need -> String in
            var conditions: [String] = []
            if need.name != nil { conditions.append("e.name = :need\(index)_name") }
            if need.direction != nil, need.kind == .network { conditions.append("e.direction = :need\(index)_direction") }
            return "EXISTS (\(Self.exists(need.kind, conditions))) AS need\(index)"
        }
        let columns = ["h.name",
                       "EXISTS (\(Self.exists(.process))) AS has_process",
                       "EXISTS (\(Self.exists(.network))) AS has_network"] + needColumns
        return """
            WITH in_range AS (
                SELECT \(columns.joined(separator: ",\n        "))
                FROM hosts AS h
                WHERE :host IS NULL OR h.name = :host COLLATE NOCASE OR substr(h.name, 1, length(:host) + 1) = :host || '.' COLLATE NOCASE OR h.host_key = 'id:' || lower(:host)
            )
            SELECT \((["name"] + needs.indices.map { "need\($0)" }).joined(separator: ", "))
            FROM in_range
            WHERE has_process OR has_network
            ORDER BY name COLLATE NOCASE
            """
    }
}
