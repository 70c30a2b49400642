import Foundation
import Model

/// The reads of one host's linking pass (`ClickHouseSecurityLinker`), each bounded by time:
/// the Security events from the pass's first time on, the latest copy of each
/// (`ClickHouseLinkedRows.latest`), and before that time only aggregates.
struct ClickHouseLinkReader {
    let client: ClickHouseClient
    let hostID: Int64

    /// A Security event as the pass reads it.
    struct Event {
        var eventID: Int64
        var ts: Int64
        var pid: Int64?
        var entity: String?
        var executable: String?
        var parentPID: Int64?
        var parentEntity: String?
        var isSecurity = true
    }

    /// The host's events from a time on, in time order (then event id).
    struct Window {
        var starts: [Event] = []
        var connections: [Event] = []
        /// Exits of any source (a reference's last exit), `isSecurity` for those to link.
        var exits: [Event] = []
        var boots: [Int64] = []

        /// Nothing to link: no Security start, connection or exit.
        var isEmpty: Bool { starts.isEmpty && connections.isEmpty && !exits.contains(where: \.isSecurity) }

        /// The pids the window's references and starts name.
        var referencedPIDs: Set<Int64> {
            Set(starts.flatMap { [$0.pid, $0.parentPID] }.compactMap { $0 } + connections.compactMap(\.pid) + exits.compactMap(\.pid))
        }
    }

    private func rows(_ sql: String, values: [String: RowValue], tables: [ClickHouseExternalTable] = []) throws -> [[RowValue]] {
        let rendered = try ClickHouseParameterizedSQL(sql).render(values, nativeParameters: false)
        return try client.select(rendered.sql, tables: rendered.tables + tables, purpose: "linking Security entities").rows
    }

    /// The host's Security starts and connections, and its exits and boots, from `from` on.
    func window(from: Int64) throws -> Window {
        let values: [String: RowValue] = ["host": .integer(hostID), "from": .integer(from)]
        var window = Window()
        for row in try rows(ClickHouseLinkedRows.latest(
            columns: "event_id, ts_us, pid, entity_id, executable, parent_pid, parent_entity_id", from: "processes",
            where: "host_id = {host:Int64} AND source_kind = 'security' AND ts_us >= {from:Int64}") + " ORDER BY ts_us, event_id", values: values) {
            window.starts.append(Event(eventID: row[0].int64 ?? 0, ts: row[1].int64 ?? 0, pid: row[2].int64, entity: row[3].text,
                                       executable: row[4].text, parentPID: row[5].int64, parentEntity: row[6].text))
        }
        for row in try rows(ClickHouseLinkedRows.latest(
            columns: "event_id, ts_us, pid, entity_id, executable", from: "network_connections",
            where: "host_id = {host:Int64} AND source_kind = 'security' AND ts_us >= {from:Int64}") + " ORDER BY ts_us, event_id", values: values) {
            window.connections.append(Event(eventID: row[0].int64 ?? 0, ts: row[1].int64 ?? 0, pid: row[2].int64, entity: row[3].text, executable: row[4].text))
        }
        for row in try rows(ClickHouseLinkedRows.latest(
            columns: "event_id, ts_us, pid, entity_id, executable, kind, source_kind", from: "lifecycle_events",
            where: "host_id = {host:Int64} AND kind IN ('exit', 'boot') AND ts_us >= {from:Int64}") + " ORDER BY ts_us, event_id", values: values) {
            if row[5].text == "boot" {
                window.boots.append(row[1].int64 ?? 0)
            } else {
                window.exits.append(Event(eventID: row[0].int64 ?? 0, ts: row[1].int64 ?? 0, pid: row[2].int64, entity: row[3].text,
                                          executable: row[4].text, isSecurity: row[6].text == "security"))
            }
        }
        return window
    }

    /// Before `from`: each pid's last Security start and last exit, and the host's last boot.
    /// Times and pids are never rewritten, so copies do not matter to these maxima.
    func lastBefore(from: Int64, pids: Set<Int64>) throws -> SecurityLinkTimeline.Before {
        var before = SecurityLinkTimeline.Before()
        guard from != Int64.min else { return before }
        let values: [String: RowValue] = ["host": .integer(hostID), "from": .integer(from)]
        if !pids.isEmpty {
            let pidTable = ClickHouseExternalTable(name: "hunt_pids", columns: [("pid", "Int64")], rows: pids.sorted().map { [.integer($0)] })
            for row in try rows("""
                SELECT assumeNotNull(pid) AS p, max(ts_us) FROM processes
                WHERE host_id = {host:Int64} AND source_kind = 'security' AND ts_us < {from:Int64} AND pid GLOBAL IN (SELECT pid FROM hunt_pids)
                GROUP BY p
                """, values: values, tables: [pidTable]) {
                if let pid = row[0].int64, let ts = row[1].int64 { before.starts[pid] = ts }
            }
            for row in try rows("""
                SELECT assumeNotNull(pid) AS p, max(ts_us) FROM lifecycle_events
                WHERE host_id = {host:Int64} AND kind = 'exit' AND ts_us < {from:Int64} AND pid GLOBAL IN (SELECT pid FROM hunt_pids)
                GROUP BY p
                """, values: values, tables: [pidTable]) {
                if let pid = row[0].int64, let ts = row[1].int64 { before.exits[pid] = ts }
            }
        }
        for row in try rows("""
            SELECT max(ts_us), count() FROM lifecycle_events WHERE host_id = {host:Int64} AND kind = 'boot' AND ts_us < {from:Int64}
            """, values: values) where (row[1].int64 ?? 0) > 0 {
            before.boot = row[0].int64
        }
        return before
    }

    /// The executable of each Security start (pid, time) given, the first by event id.
    func startExecutables(_ starts: Set<SecurityLinkTimeline.PIDTime>) throws -> [(SecurityLinkTimeline.PIDTime, String)] {
        guard !starts.isEmpty else { return [] }
        let table = ClickHouseExternalTable(name: "hunt_starts", columns: [("ts_us", "Int64")], rows: Set(starts.map(\.ts)).sorted().map { [.integer($0)] })
        var found: [(SecurityLinkTimeline.PIDTime, String)] = []
        var seen = Set<SecurityLinkTimeline.PIDTime>()
        for row in try rows("""
            SELECT pid, ts_us, executable FROM processes
            WHERE host_id = {host:Int64} AND source_kind = 'security' AND ts_us GLOBAL IN (SELECT ts_us FROM hunt_starts) AND isNotNull(executable)
            ORDER BY ts_us, event_id
            """, values: ["host": .integer(hostID)], tables: [table]) {
            guard let pid = row[0].int64, let ts = row[1].int64, let executable = row[2].text else { continue }
            let key = SecurityLinkTimeline.PIDTime(pid: pid, ts: ts)
            if starts.contains(key), seen.insert(key).inserted { found.append((key, executable)) }
        }
        return found
    }

    /// The host's Security connections before `from` whose path is still a device path.
    func deviceConnections(before from: Int64) throws -> [Event] {
        try rows(ClickHouseLinkedRows.latest(
            columns: "event_id, ts_us, pid, entity_id, executable", from: "network_connections",
            where: "host_id = {host:Int64} AND source_kind = 'security' AND ts_us < {from:Int64}")
            + " WHERE startsWith(lower(ifNull(executable, '')), '\\\\device\\\\') ORDER BY ts_us, event_id",
            values: ["host": .integer(hostID), "from": .integer(from)]).map {
            Event(eventID: $0[0].int64 ?? 0, ts: $0[1].int64 ?? 0, pid: $0[2].int64, entity: $0[3].text, executable: $0[4].text)
        }
    }

    /// The host's volumes (device → drive; the earliest evidence wins); device '' marks a
    /// host whose volumes were learned from all its events.
    func volumes() throws -> [String: String] {
        var volumes: [String: String] = [:]
        for row in try rows("""
            SELECT device, argMin(drive, evidence_ts_us) FROM host_volumes WHERE host_id = {host:Int64} GROUP BY device
            """, values: ["host": .integer(hostID)]) {
            if let device = row[0].text { volumes[device] = row[1].text ?? "" }
        }
        return volumes
    }
}

private extension RowValue {
    var int64: Int64? { if case .integer(let v) = self { v } else { nil } }
    var text: String? { if case .text(let v) = self { v } else { nil } }
}
