import Model

/// The alert context of remote-service alerts on ClickHouse: the same logon, service and source
/// connection as the SQLite store picks (`RemoteServiceContextQuery`), found in four reads per
/// batch of alerts instead of one statement.
///
/// 18.16 has no window functions and no `hunt_command_key`, so the server returns each alert's
/// candidates (joined with the batch, which travels as an external table with each alert's
/// time bounds already computed) and the picking (the same order as SQLite's `row_number()`)
/// and the image-path comparison (`WindowsCommandKey`) happen here. Ties that SQLite breaks by
/// its event id are broken by the ClickHouse event id (a hash), which only matters for two
/// candidates at the same microsecond.
///
/// The tables are read without `FINAL`, each event at its latest copy (`ORDER BY link_version
/// DESC LIMIT 1 BY event_id`): the Security linker may have written a source connection again
/// with its entity and path (c0006), and a more precise copy of a record its time (c0007), so
/// the batch's time range is read through ts_key, which every copy shares, and each alert's
/// window is applied after the pick. `FINAL` merged every part of the table for each batch: at 10M events
/// the source processes' query read 3.4M rows in 2.5 s per batch of 2,048 alerts.
extension ClickHouseStore {
    public func remoteServiceContext(_ requests: [RemoteServiceContextRequest], windows: AlertContextWindows) throws -> [RemoteServiceContext] {
        var results = Array(repeating: RemoteServiceContext(), count: requests.count)
        guard !requests.isEmpty else { return results }
        let hostIDs = try self.hostIDs(named: Set(requests.map { $0.host.lowercased() }))
        let hostOf = requests.map { hostIDs[$0.host.lowercased()] }

        // Logons: a successful network or remote interactive logon on the host around the anchor.
        var logonRows: [[RowValue]] = []
        for (n, r) in requests.enumerated() {
            guard let host = hostOf[n], let anchor = r.connectionMicros ?? r.childMicros else { continue }
            logonRows.append([.integer(Int64(n)), .integer(host), .integer(anchor - windows.logonBefore), .integer(anchor + windows.logonAfter),
                              r.sourceIP.map(RowValue.text) ?? .null, r.sourcePort.map(RowValue.integer) ?? .null])
        }
        var logons: [Int: LogonCandidate] = [:]
        if !logonRows.isEmpty {
            let table = ClickHouseExternalTable(name: "hunt_requests", columns: [
                ("n", "Int64"), ("host_id", "Int64"), ("lo", "Int64"), ("hi", "Int64"), ("sip", "Nullable(String)"), ("sport", "Nullable(Int64)"),
            ], rows: logonRows)
            let rows = try client.select("""
                SELECT n, event_id, ts_us, source_port, sport, user_name, user_domain, logon_id, logon_type, source_ip
                FROM hunt_requests
                ALL INNER JOIN (
                    SELECT host_id, event_id, ts_us, source_ip, source_port, user_name, user_domain, logon_id, logon_type
                    FROM logons
                    WHERE host_id GLOBAL IN (SELECT host_id FROM hunt_requests)
                      AND ts_key >= (SELECT min(lo) - 999999 FROM hunt_requests) AND ts_key <= (SELECT max(hi) FROM hunt_requests)
                      AND ts_us > (SELECT min(lo) - 1000000 FROM hunt_requests) AND ts_us < (SELECT max(hi) + 1000000 FROM hunt_requests)
                      AND outcome = 'success' AND logon_type IN (3, 10)
                    ORDER BY link_version DESC
                    LIMIT 1 BY event_id
                ) USING host_id
                WHERE ts_us >= lo AND ts_us <= hi
                  AND (isNotNull(sip) AND source_ip = sip
                       OR isNull(sip) AND isNotNull(source_ip) AND source_ip NOT IN ('127.0.0.1', '::1'))
                """, tables: [table], purpose: "looking up the logons of remote-service alerts").rows
            for row in rows {
                let candidate = LogonCandidate(
                    eventID: row[1].intValue ?? 0, micros: row[2].intValue ?? 0,
                    sameSession: row[3].intValue != nil && row[3].intValue == row[4].intValue,
                    user: row[5].textValue, domain: row[6].textValue, logonID: row[7].textValue, type: row[8].intValue, ip: row[9].textValue, port: row[3].intValue)
                let n = Int(row[0].intValue ?? -1)
                if logons[n].map({ candidate.ranksBefore($0) }) ?? true { logons[n] = candidate }
            }
        }

        // Services: the latest install on the host around the child whose image path runs the child.
        var serviceRows: [[RowValue]] = []
        for (n, r) in requests.enumerated() {
            guard let host = hostOf[n], let child = r.childMicros else { continue }
            serviceRows.append([.integer(Int64(n)), .integer(host), .integer(child - windows.serviceBefore), .integer(child + windows.serviceAfter)])
        }
        var services: [Int: ServiceCandidate] = [:]
        if !serviceRows.isEmpty {
            let table = ClickHouseExternalTable(name: "hunt_requests", columns: [("n", "Int64"), ("host_id", "Int64"), ("lo", "Int64"), ("hi", "Int64")],
                                                rows: serviceRows)
            let rows = try client.select("""
                SELECT n, event_id, ts_us, event_code, service_name, image_path
                FROM hunt_requests
                ALL INNER JOIN (
                    SELECT host_id, event_id, ts_us, event_code, service_name, image_path
                    FROM service_installs
                    WHERE host_id GLOBAL IN (SELECT host_id FROM hunt_requests)
                      AND ts_key >= (SELECT min(lo) - 999999 FROM hunt_requests) AND ts_key <= (SELECT max(hi) FROM hunt_requests)
                      AND ts_us > (SELECT min(lo) - 1000000 FROM hunt_requests) AND ts_us < (SELECT max(hi) + 1000000 FROM hunt_requests)
                      AND isNotNull(image_path)
                    ORDER BY link_version DESC
                    LIMIT 1 BY event_id
                ) USING host_id
                WHERE ts_us >= lo AND ts_us <= hi
                """, tables: [table], purpose: "looking up the service installs of remote-service alerts").rows
            var keys: [Int: Set<String>] = [:]
            for row in rows {
                let n = Int(row[0].intValue ?? -1)
                guard requests.indices.contains(n), let image = row[5].textValue else { continue }
                if keys[n] == nil {
                    keys[n] = Set([requests[n].childCommandLine, requests[n].childExecutable].compactMap { $0.map(WindowsCommandKey.key) })
                }
                let wanted = keys[n] ?? []
                guard wanted.contains(WindowsCommandKey.key(image)) else { continue }
                let candidate = ServiceCandidate(eventID: row[1].intValue ?? 0, micros: row[2].intValue ?? 0, isRegistry: row[3].intValue == 13,
                                                 name: row[4].textValue, image: image)
                if services[n].map({ candidate.ranksBefore($0) }) ?? true { services[n] = candidate }
            }
        }

        // The source side: another host's outgoing connection with the same addresses and ports
        // (the logon's address and port when the alert has no connection) within the clock tolerance.
        var sourceRows: [[RowValue]] = []
        for (n, r) in requests.enumerated() {
            let logon = logons[n]
            guard let host = hostOf[n], let ip = r.sourceIP ?? logon?.ip, let port = r.sourcePort ?? logon?.port,
                  let anchor = r.connectionMicros ?? logon?.micros else { continue }
            sourceRows.append([.integer(Int64(n)), .integer(host), .text(ip), .integer(port), .integer(anchor),
                               .integer(anchor - windows.clockTolerance), .integer(anchor + windows.clockTolerance),
                               r.destinationIP.map(RowValue.text) ?? .null, r.destinationPort.map(RowValue.integer) ?? .null])
        }
        var sources: [Int: SourceCandidate] = [:]
        if !sourceRows.isEmpty {
            let table = ClickHouseExternalTable(name: "hunt_requests", columns: [
                ("n", "Int64"), ("target_host_id", "Int64"), ("source_ip", "String"), ("source_port", "Int64"), ("anchor", "Int64"),
                ("lo", "Int64"), ("hi", "Int64"), ("dip", "Nullable(String)"), ("dport", "Nullable(Int64)"),
            ], rows: sourceRows)
            let rows = try client.select("""
                SELECT n, event_id, ts_us - anchor AS offset_us, ts_precision_us, host, host_id, entity_id, executable, pid, ts_us
                FROM hunt_requests
                ALL INNER JOIN (
                    SELECT assumeNotNull(source_ip) AS source_ip, assumeNotNull(source_port) AS source_port, event_id, ts_us,
                        ts_precision_us, host, host_id, entity_id, executable, destination_ip, destination_port, pid
                    FROM network_connections
                    WHERE (source_ip, source_port) GLOBAL IN (SELECT source_ip, source_port FROM hunt_requests)
                      AND ts_key >= (SELECT min(lo) - 999999 FROM hunt_requests) AND ts_key <= (SELECT max(hi) FROM hunt_requests)
                      AND ts_us > (SELECT min(lo) - 1000000 FROM hunt_requests) AND ts_us < (SELECT max(hi) + 1000000 FROM hunt_requests)
                      AND (isNull(direction) OR direction = 'outgoing')
                    ORDER BY link_version DESC
                    LIMIT 1 BY event_id
                ) USING (source_ip, source_port)
                WHERE ts_us >= lo AND ts_us <= hi AND host_id != target_host_id
                  AND (isNull(dip) OR destination_ip = dip) AND (isNull(dport) OR destination_port = dport)
                """, tables: [table], purpose: "looking up the source side of remote-service alerts").rows
            for row in rows {
                let candidate = SourceCandidate(eventID: row[1].intValue ?? 0, offset: row[2].intValue ?? 0, precision: row[3].intValue ?? 1,
                                                host: row[4].textValue, hostID: row[5].intValue ?? 0, entityID: row[6].textValue ?? "", executable: row[7].textValue,
                                                pid: row[8].intValue, micros: row[9].intValue ?? 0)
                let n = Int(row[0].intValue ?? -1)
                if sources[n].map({ candidate.ranksBefore($0) }) ?? true { sources[n] = candidate }
            }
        }
        let commandLines = try firstCommandLines(of: Set(sources.values.map { EntityInHost(hostID: $0.hostID, entityID: $0.entityID) }))
        var evidenceRequests: [EvidenceRequest] = []
        for (n, source) in sources.sorted(by: { $0.key < $1.key })
        where commandLines[EntityInHost(hostID: source.hostID, entityID: source.entityID)] == nil {
            guard let ip = requests[n].sourceIP ?? logons[n]?.ip, let port = requests[n].sourcePort ?? logons[n]?.port,
                  let anchor = requests[n].connectionMicros ?? logons[n]?.micros else { continue }
            evidenceRequests.append(EvidenceRequest(n: n, hostID: source.hostID, pid: source.pid, micros: source.micros, sourceIP: ip, sourcePort: port,
                                                    from: anchor - windows.clockTolerance, to: anchor + windows.clockTolerance))
        }
        let evidence = try evidenceCommandLines(evidenceRequests, window: windows.evidenceWindow)

        for n in results.indices {
            if let logon = logons[n] {
                results[n].logonUser = logon.user
                results[n].logonDomain = logon.domain
                results[n].logonID = logon.logonID
                results[n].logonType = logon.type
                results[n].logonMicros = logon.micros
                results[n].logonIP = logon.ip
            }
            if let service = services[n] {
                results[n].serviceName = service.name
                results[n].serviceImage = service.image
                results[n].serviceMicros = service.micros
            }
            if let source = sources[n] {
                results[n].sourceHost = source.host
                results[n].sourceEntityID = source.entityID
                results[n].sourceExecutable = source.executable
                results[n].sourceCommandLine = commandLines[EntityInHost(hostID: source.hostID, entityID: source.entityID)] ?? evidence[n]
                results[n].sourceClockOffsetMillis = (source.offset + (source.offset >= 0 ? 500 : -500)) / 1000
            }
        }
        return results
    }

    /// The lowest host id of each lower-cased host name (SQLite's lookup: name, case-insensitive, lowest id).
    private func hostIDs(named names: Set<String>) throws -> [String: Int64] {
        let table = ClickHouseExternalTable(name: "hunt_names", columns: [("name", "String")], rows: names.sorted().map { [.text($0)] })
        let rows = try client.select("SELECT lower(name), min(host_id) FROM hosts WHERE lower(name) IN (SELECT name FROM hunt_names) GROUP BY lower(name)",
                                     tables: [table], purpose: "looking up the hosts of alerts").rows
        var ids: [String: Int64] = [:]
        for row in rows { if let name = row[0].textValue, let id = row[1].intValue { ids[name] = id } }
        return ids
    }

    private struct EntityInHost: Hashable {
        var hostID: Int64
        var entityID: String
    }

    /// The command line of each process entity's first logged start.
    private func firstCommandLines(of entities: Set<EntityInHost>) throws -> [EntityInHost: String] {
        guard !entities.isEmpty else { return [:] }
        let table = ClickHouseExternalTable(name: "hunt_entities", columns: [("host_id", "Int64"), ("entity_id", "String")],
                                            rows: entities.map { [.integer($0.hostID), .text($0.entityID)] })
        let rows = try client.select("""
            SELECT host_id, entity_id, argMin(command_line, ts_us)
            FROM processes
            WHERE (host_id, entity_id) GLOBAL IN (SELECT host_id, entity_id FROM hunt_entities)
            GROUP BY host_id, entity_id
            """, tables: [table], purpose: "looking up the command lines of source processes").rows
        var lines: [EntityInHost: String] = [:]
        for row in rows {
            if let host = row[0].intValue, let entity = row[1].textValue, let line = row[2].textValue {
                lines[EntityInHost(hostID: host, entityID: entity)] = line
            }
        }
        return lines
    }
}

/// A logon that may be an alert's: the one of the same TCP session first, then the latest.
private struct LogonCandidate {
    var eventID: Int64
    var micros: Int64
    var sameSession: Bool
    var user: String?
    var domain: String?
    var logonID: String?
    var type: Int64?
    var ip: String?
    var port: Int64?

    func ranksBefore(_ other: LogonCandidate) -> Bool {
        (sameSession ? 0 : 1, -micros, eventID) < (other.sameSession ? 0 : 1, -other.micros, other.eventID)
    }
}

/// A service install that may be an alert's: the latest, an install event before an ImagePath write.
private struct ServiceCandidate {
    var eventID: Int64
    var micros: Int64
    var isRegistry: Bool
    var name: String?
    var image: String

    func ranksBefore(_ other: ServiceCandidate) -> Bool {
        (-micros, isRegistry ? 1 : 0, eventID) < (-other.micros, other.isRegistry ? 1 : 0, other.eventID)
    }
}

/// The source side that may be an alert's: the most precise time first, then the closest.
private struct SourceCandidate {
    var eventID: Int64
    var offset: Int64
    var precision: Int64
    var host: String?
    var hostID: Int64
    var entityID: String
    var executable: String?
    var pid: Int64?
    var micros: Int64

    func ranksBefore(_ other: SourceCandidate) -> Bool {
        (precision, offset.magnitude, eventID) < (other.precision, other.offset.magnitude, other.eventID)
    }
}

private extension RowValue {
    var intValue: Int64? { if case .integer(let v) = self { v } else { nil } }
    var textValue: String? {
        switch self {
        case .null: nil
        case .text(let v): v
        default: description
        }
    }
}
