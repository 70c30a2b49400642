/// Whether the events a rule needs were loaded, per host: zero hits must mean "nothing
/// happened", not "nothing was logged".
public struct HostCoverage: Sendable, Equatable {
    public var host: String
    public var hasProcessStarts: Bool
    public var hasNetworkEvents: Bool
    public var hasServicesIncoming: Bool

    /// Why rules cannot fire on this host, one sentence per gap (empty when covered).
    public var gaps: [String] {
        var gaps: [String] = []
        if !hasProcessStarts {
            gaps.append("no process start events (Sysmon Event ID 1 / ECS process start) were loaded: remote_service_rpc and rpc_service_process cannot fire")
        }
        if !hasNetworkEvents {
            gaps.append("no network connection events (Sysmon Event ID 3 / ECS network) were loaded: remote_service_rpc and rpc_service_network cannot fire")
        } else if !hasServicesIncoming {
            gaps.append("no incoming network events of services.exe were loaded (the common public Sysmon configurations do not log them): remote_service_rpc and rpc_service_network cannot fire")
        }
        return gaps
    }
}

/// Computes coverage per host over a time range.
public struct CoverageReport {
    public let store: HuntStore

    public init(store: HuntStore) {
        self.store = store
    }

    /// Hosts with any event in range (or all hosts when the range is open), in name order.
    public func hosts(options: DetectionOptions) throws -> [HostCoverage] {
        let statement = try store.database.prepare("""
            WITH in_range AS (
                SELECT h.host_id, h.name,
                    EXISTS (SELECT 1 FROM processes AS p WHERE p.host_id = h.host_id
                            AND p.ts_us >= coalesce(:since, -9223372036854775807) AND p.ts_us < coalesce(:until, 9223372036854775807)) AS has_process,
                    EXISTS (SELECT 1 FROM network_connections AS n WHERE n.host_id = h.host_id
                            AND n.ts_us >= coalesce(:since, -9223372036854775807) AND n.ts_us < coalesce(:until, 9223372036854775807)) AS has_network,
                    EXISTS (SELECT 1 FROM network_connections AS n WHERE n.name = 'services.exe' AND n.host_id = h.host_id
                            AND n.direction = 'incoming'
                            AND n.ts_us >= coalesce(:since, -9223372036854775807) AND n.ts_us < coalesce(:until, 9223372036854775807)) AS has_services
                FROM hosts AS h
                WHERE :host IS NULL OR h.name = :host COLLATE NOCASE OR substr(h.name, 1, length(:host) + 1) = :host || '.' COLLATE NOCASE OR h.host_key = 'id:' || lower(:host)
            )
            SELECT name, has_process, has_network, has_services
            FROM in_range
            WHERE has_process OR has_network
            ORDER BY name COLLATE NOCASE
            """, purpose: "computing rule coverage per host")
        try statement.bind([
            "since": options.sinceMicros.map(SQLValue.integer) ?? .null,
            "until": options.untilMicros.map(SQLValue.integer) ?? .null,
            "host": options.host.map(SQLValue.text) ?? .null,
        ])
        var result: [HostCoverage] = []
        while try statement.step() {
            result.append(HostCoverage(host: statement.text(0) ?? "", hasProcessStarts: statement.int64(1) != 0,
                                       hasNetworkEvents: statement.int64(2) != 0, hasServicesIncoming: statement.int64(3) != 0))
        }
        return result
    }
}
