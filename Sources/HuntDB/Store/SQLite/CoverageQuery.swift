import Model

/// The SQL behind coverage: for each host with events in range, whether events of each need
/// exist. Every shape of need has its own fixed statement (so each probe seeks an index and no
/// SQL text is ever assembled); names, directions and times are bound.
struct CoverageQuery {
    let needs: [EventNeed]

    func run(on database: Database, scope: EventScope) throws -> [HostCoverageFacts] {
        let hosts = try database.prepare(Self.hostsSQL, purpose: "listing hosts for coverage")
        try hosts.bind(["host": scope.host.map(RowValue.text) ?? .null])
        var candidates: [(id: Int64, name: String)] = []
        while try hosts.step() { candidates.append((hosts.int64(0), hosts.text(1) ?? "")) }

        // A host with only context events (a domain controller's Security log) is a host too.
        let anyEvents = [EventNeed(kind: .process), EventNeed(kind: .network), EventNeed(kind: .logon), EventNeed(kind: .service)]
        var probes: [EventNeed: Statement] = [:]
        for need in anyEvents + needs where probes[need] == nil {
            probes[need] = try database.prepare(Self.existsSQL(need), purpose: "computing rule coverage per host")
        }
        func exists(_ need: EventNeed, host: Int64) throws -> Bool {
            guard let probe = probes[need] else { return false }
            defer { probe.reset() }
            var bindings: [String: RowValue] = [
                "host_id": .integer(host),
                "since": scope.sinceMicros.map(RowValue.integer) ?? .null,
                "until": scope.untilMicros.map(RowValue.integer) ?? .null,
            ]
            if let name = need.name { bindings["name"] = .text(name) }
            if need.kind == .network { bindings["direction"] = need.direction.map(RowValue.text) ?? .null }
            try probe.bind(bindings)
            return try probe.step()
        }

        var result: [HostCoverageFacts] = []
        for host in candidates {
            guard try anyEvents.contains(where: { try exists($0, host: host.id) }) else { continue }
            result.append(HostCoverageFacts(host: host.name, present: try needs.map { try exists($0, host: host.id) }))
        }
        return result
    }

    private static let hostsSQL = """
        SELECT h.host_id, h.name
        FROM hosts AS h
        WHERE :host IS NULL OR h.name = :host COLLATE NOCASE OR substr(h.name, 1, length(:host) + 1) = :host || '.' COLLATE NOCASE OR h.host_key = 'id:' || lower(:host)
        ORDER BY h.name COLLATE NOCASE
        """

    /// The probe for one shape of need: the table, and whether it seeks by name (the
    /// `*_by_name` indexes) or by host and time; a direction is checked on the rows found.
    private static func existsSQL(_ need: EventNeed) -> String {
        switch (need.kind, need.name != nil) {
        case (.logon, _):
            """
            SELECT 1 FROM logons AS e
            WHERE e.host_id = :host_id
              AND e.ts_us >= coalesce(:since, -9223372036854775807) AND e.ts_us < coalesce(:until, 9223372036854775807)
            LIMIT 1
            """
        case (.service, _):
            """
            SELECT 1 FROM service_installs AS e
            WHERE e.host_id = :host_id
              AND e.ts_us >= coalesce(:since, -9223372036854775807) AND e.ts_us < coalesce(:until, 9223372036854775807)
            LIMIT 1
            """
        case (.process, false):
            """
            SELECT 1 FROM processes AS e
            WHERE e.host_id = :host_id
              AND e.ts_us >= coalesce(:since, -9223372036854775807) AND e.ts_us < coalesce(:until, 9223372036854775807)
            LIMIT 1
            """
        case (.process, true):
            """
            SELECT 1 FROM processes AS e
            WHERE e.name = :name AND e.host_id = :host_id
              AND e.ts_us >= coalesce(:since, -9223372036854775807) AND e.ts_us < coalesce(:until, 9223372036854775807)
            LIMIT 1
            """
        case (.network, false):
            """
            SELECT 1 FROM network_connections AS e
            WHERE e.host_id = :host_id AND (:direction IS NULL OR e.direction = :direction)
              AND e.ts_us >= coalesce(:since, -9223372036854775807) AND e.ts_us < coalesce(:until, 9223372036854775807)
            LIMIT 1
            """
        case (.network, true):
            """
            SELECT 1 FROM network_connections AS e
            WHERE e.name = :name AND e.host_id = :host_id AND (:direction IS NULL OR e.direction = :direction)
              AND e.ts_us >= coalesce(:since, -9223372036854775807) AND e.ts_us < coalesce(:until, 9223372036854775807)
            LIMIT 1
            """
        }
    }
}
