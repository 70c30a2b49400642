import Model

/// The alert context's `source_command_line` when the source process's start was not recorded
/// (it started before the recording): command-line evidence (PowerShell 4103, c0005) of the same
/// host and pid, the closest in time within `evidence_window`, as `RemoteServiceContextQuery`
/// picks it on SQLite. A connection without a pid (Sysmon 3 in some NXLog exports) takes it
/// from the same connection's other records on that host (Security 5156): the greatest pid of
/// the connections with its source address and port within the clock tolerance.
extension ClickHouseStore {
    /// A source connection whose process has no recorded start command line.
    struct EvidenceRequest {
        /// The alert's index.
        var n: Int
        var hostID: Int64
        var pid: Int64?
        /// The source connection's time.
        var micros: Int64
        var sourceIP: String
        var sourcePort: Int64
        /// The clock tolerance around the alert's anchor: where the pid's other records are read.
        var from: Int64
        var to: Int64
    }

    /// The command line of each request's process from command-line evidence, by alert index.
    func evidenceCommandLines(_ requests: [EvidenceRequest], window: Int64) throws -> [Int: String] {
        guard !requests.isEmpty else { return [:] }
        let pids = try connectionPIDs(requests.filter { $0.pid == nil })
        var rows: [[RowValue]] = []
        for r in requests {
            guard let pid = r.pid ?? pids[r.n] else { continue }
            rows.append([.integer(Int64(r.n)), .integer(r.hostID), .integer(pid), .integer(r.micros - window), .integer(r.micros + window),
                         .integer(r.micros)])
        }
        guard !rows.isEmpty else { return [:] }
        let table = ClickHouseExternalTable(name: "hunt_requests", columns: [
            ("n", "Int64"), ("host_id", "Int64"), ("pid", "Int64"), ("lo", "Int64"), ("hi", "Int64"), ("at", "Int64"),
        ], rows: rows)
        let found = try client.select("""
            SELECT n, abs(ts_us - at) AS distance, event_id, command_line
            FROM hunt_requests
            ALL INNER JOIN (
                SELECT host_id, pid, event_id, ts_us, command_line
                FROM command_line_evidence
                WHERE host_id GLOBAL IN (SELECT host_id FROM hunt_requests)
                  AND ts_key >= (SELECT min(lo) - 999999 FROM hunt_requests) AND ts_key <= (SELECT max(hi) FROM hunt_requests)
                      AND ts_us > (SELECT min(lo) - 1000000 FROM hunt_requests) AND ts_us < (SELECT max(hi) + 1000000 FROM hunt_requests)
                ORDER BY link_version DESC
                LIMIT 1 BY event_id
            ) USING (host_id, pid)
            WHERE ts_us >= lo AND ts_us <= hi
            """, tables: [table], purpose: "looking up command-line evidence of source processes").rows
        // The closest first; equally close ones by event id (SQLite's is the insertion order,
        // ClickHouse's a hash: they differ only for two records equally far from the connection).
        var best: [Int: (distance: Int64, eventID: Int64, line: String)] = [:]
        for row in found {
            guard case .integer(let n) = row[0], case .integer(let distance) = row[1], case .integer(let eventID) = row[2] else { continue }
            let line = row[3].description
            if let current = best[Int(n)], (current.distance, current.eventID) <= (distance, eventID) { continue }
            best[Int(n)] = (distance, eventID, line)
        }
        return best.mapValues(\.line)
    }

    /// The greatest pid of the connections with each request's source address and port on its
    /// host within its clock tolerance, by alert index.
    private func connectionPIDs(_ requests: [EvidenceRequest]) throws -> [Int: Int64] {
        guard !requests.isEmpty else { return [:] }
        let table = ClickHouseExternalTable(name: "hunt_requests", columns: [
            ("n", "Int64"), ("host_id", "Int64"), ("source_ip", "String"), ("source_port", "Int64"), ("lo", "Int64"), ("hi", "Int64"),
        ], rows: requests.map { [.integer(Int64($0.n)), .integer($0.hostID), .text($0.sourceIP), .integer($0.sourcePort), .integer($0.from), .integer($0.to)] })
        let rows = try client.select("""
            SELECT n, max(pid)
            FROM hunt_requests
            ALL INNER JOIN (
                SELECT host_id, assumeNotNull(source_ip) AS source_ip, assumeNotNull(source_port) AS source_port, ts_us, pid
                FROM network_connections
                WHERE (source_ip, source_port) GLOBAL IN (SELECT source_ip, source_port FROM hunt_requests)
                  AND ts_key >= (SELECT min(lo) - 999999 FROM hunt_requests) AND ts_key <= (SELECT max(hi) FROM hunt_requests)
                      AND ts_us > (SELECT min(lo) - 1000000 FROM hunt_requests) AND ts_us < (SELECT max(hi) + 1000000 FROM hunt_requests)
                  AND isNotNull(pid)
                ORDER BY link_version DESC
                LIMIT 1 BY event_id
            ) USING (host_id, source_ip, source_port)
            WHERE ts_us >= lo AND ts_us <= hi
            GROUP BY n
            """, tables: [table], purpose: "looking up the pids of source connections").rows
        var pids: [Int: Int64] = [:]
        for row in rows {
            if case .integer(let n) = row[0], case .integer(let pid) = row[1] { pids[Int(n)] = pid }
        }
        return pids
    }
}
