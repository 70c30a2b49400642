import Foundation
import Model

/// The reads of one linking pass (`ClickHouseSecurityLinker`) over all the hosts a batch
/// changed, a few queries per pass whatever the number of hosts, each bounded by time: the
/// Security events from each host's first time on, the latest copy of each
/// (`ClickHouseLinkedRows.latest`), and before that time only aggregates.
struct ClickHouseLinkReader {
    let client: ClickHouseClient
    /// Each host's first time (`Int64.min`: all of it).
    let from: [Int64: Int64]

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

    /// A host's events from its first time on, in time order (then event id).
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

    /// A pid of a host.
    struct HostPID: Hashable {
        var hostID: Int64
        var pid: Int64
    }

    /// The hosts and their first times, as an external table (`hunt_hosts`: host_id, pass_from).
    private var hostsTable: ClickHouseExternalTable {
        ClickHouseExternalTable(name: "hunt_hosts", columns: [("host_id", "Int64"), ("pass_from", "Int64")],
                                rows: from.sorted { $0.key < $1.key }.map { [.integer($0.key), .integer($0.value)] })
    }

    private var earliest: Int64 { from.values.min() ?? .min }

    private func rows(_ sql: String, values: [String: RowValue] = [:], tables: [ClickHouseExternalTable]) throws -> [[RowValue]] {
        let rendered = try ClickHouseParameterizedSQL(sql).render(values, nativeParameters: false)
        return try client.select(rendered.sql, tables: rendered.tables + tables, purpose: "linking Security entities").rows
    }

    /// Each host's Security starts and connections, and its exits and boots, from its first time on.
    func windows() throws -> [Int64: Window] {
        // Through ts_key (every copy of an event has the same): `inWindow` keeps the rows whose
        // time is in the host's window.
        let values: [String: RowValue] = ["from": .integer(ClickHouseLinkedRows.keyFloor(earliest))]
        var windows: [Int64: Window] = [:]
        func inWindow(_ row: [RowValue]) -> (Int64, Int64)? {
            guard let host = row[0].int64, let ts = row[2].int64, let first = from[host], ts >= first else { return nil }
            return (host, ts)
        }
        for row in try rows(ClickHouseLinkedRows.latest(
            columns: "host_id, event_id, ts_us, pid, entity_id, executable, parent_pid, parent_entity_id", from: "processes",
            where: "host_id GLOBAL IN (SELECT host_id FROM hunt_hosts) AND source_kind = 'security' AND ts_key >= {from:Int64} AND ts_us >= {from:Int64}")
            + " ORDER BY ts_us, event_id", values: values, tables: [hostsTable]) {
            guard let (host, ts) = inWindow(row) else { continue }
            windows[host, default: Window()].starts.append(Event(eventID: row[1].int64 ?? 0, ts: ts, pid: row[3].int64, entity: row[4].text,
                                                                 executable: row[5].text, parentPID: row[6].int64, parentEntity: row[7].text))
        }
        for row in try rows(ClickHouseLinkedRows.latest(
            columns: "host_id, event_id, ts_us, pid, entity_id, executable", from: "network_connections",
            where: "host_id GLOBAL IN (SELECT host_id FROM hunt_hosts) AND source_kind = 'security' AND ts_key >= {from:Int64} AND ts_us >= {from:Int64}")
            + " ORDER BY ts_us, event_id", values: values, tables: [hostsTable]) {
            guard let (host, ts) = inWindow(row) else { continue }
            windows[host, default: Window()].connections.append(Event(eventID: row[1].int64 ?? 0, ts: ts, pid: row[3].int64, entity: row[4].text,
                                                                      executable: row[5].text))
        }
        for row in try rows(ClickHouseLinkedRows.latest(
            columns: "host_id, event_id, ts_us, pid, entity_id, executable, kind, source_kind", from: "lifecycle_events",
            where: "host_id GLOBAL IN (SELECT host_id FROM hunt_hosts) AND kind IN ('exit', 'boot') AND ts_key >= {from:Int64} AND ts_us >= {from:Int64}")
            + " ORDER BY ts_us, event_id", values: values, tables: [hostsTable]) {
            guard let (host, ts) = inWindow(row) else { continue }
            if row[6].text == "boot" {
                windows[host, default: Window()].boots.append(ts)
            } else {
                windows[host, default: Window()].exits.append(Event(eventID: row[1].int64 ?? 0, ts: ts, pid: row[3].int64, entity: row[4].text,
                                                                    executable: row[5].text, isSecurity: row[7].text == "security"))
            }
        }
        return windows
    }

    /// Before each host's first time: each referenced pid's last Security start and last exit,
    /// and the host's last boot. A more precise copy rewrites a time (c0007): each event counts
    /// at the time of its latest copy (`argMax(ts_us, link_version)`), read through ts_key.
    func lastBefore(pids: Set<HostPID>) throws -> [Int64: SecurityLinkTimeline.Before] {
        var before: [Int64: SecurityLinkTimeline.Before] = [:]
        let bounded = from.filter { $0.value != .min }
        guard !bounded.isEmpty else { return before }
        let values: [String: RowValue] = ["to": .integer(bounded.values.max() ?? .min)]
        let mine = pids.filter { bounded[$0.hostID] != nil }
        if !mine.isEmpty {
            let pidTable = ClickHouseExternalTable(name: "hunt_pids", columns: [("host_id", "Int64"), ("p", "Int64"), ("pass_from", "Int64")],
                                                   rows: mine.sorted { ($0.hostID, $0.pid) < ($1.hostID, $1.pid) }.map {
                                                       [.integer($0.hostID), .integer($0.pid), .integer(bounded[$0.hostID] ?? .min)] })
            for (sql, isStart) in [(Self.lastStartsSQL, true), (Self.lastExitsSQL, false)] {
                for row in try rows(sql, values: values, tables: [pidTable]) {
                    guard let host = row[0].int64, let pid = row[1].int64, let ts = row[2].int64 else { continue }
                    if isStart { before[host, default: .init()].starts[pid] = ts } else { before[host, default: .init()].exits[pid] = ts }
                }
            }
        }
        for row in try rows("""
            SELECT host_id, max(t) FROM (
                SELECT host_id, argMax(ts_us, link_version) AS t FROM lifecycle_events
                WHERE host_id GLOBAL IN (SELECT host_id FROM hunt_hosts) AND kind = 'boot' AND ts_key < {to:Int64} AND ts_us < {to:Int64} + 1000000
                GROUP BY host_id, event_id
            ) ALL INNER JOIN hunt_hosts USING host_id
            WHERE t < pass_from
            GROUP BY host_id
            """, values: values, tables: [hostsTable]) {
            if let host = row[0].int64, let ts = row[1].int64 { before[host, default: .init()].boot = ts }
        }
        return before
    }

    /// Per (host, pid) of `hunt_pids`: the last Security start before the host's `pass_from`.
    private static let lastStartsSQL = """
        SELECT host_id, p, max(t) FROM (
            SELECT host_id, assumeNotNull(pid) AS p, argMax(ts_us, link_version) AS t FROM processes
            WHERE (host_id, p) GLOBAL IN (SELECT host_id, p FROM hunt_pids) AND isNotNull(pid) AND source_kind = 'security'
              AND ts_key < {to:Int64} AND ts_us < {to:Int64} + 1000000
            GROUP BY host_id, p, event_id
        ) ALL INNER JOIN hunt_pids USING (host_id, p)
        WHERE t < pass_from
        GROUP BY host_id, p
        """

    /// Per (host, pid) of `hunt_pids`: the last exit before the host's `pass_from`.
    private static let lastExitsSQL = """
        SELECT host_id, p, max(t) FROM (
            SELECT host_id, assumeNotNull(pid) AS p, argMax(ts_us, link_version) AS t FROM lifecycle_events
            WHERE (host_id, p) GLOBAL IN (SELECT host_id, p FROM hunt_pids) AND isNotNull(pid) AND kind = 'exit'
              AND ts_key < {to:Int64} AND ts_us < {to:Int64} + 1000000
            GROUP BY host_id, p, event_id
        ) ALL INNER JOIN hunt_pids USING (host_id, p)
        WHERE t < pass_from
        GROUP BY host_id, p
        """

    /// The executable of each host's Security start at (pid, time) given, the first by event id.
    func startExecutables(_ starts: Set<StartKey>) throws -> [StartKey: String] {
        guard !starts.isEmpty else { return [:] }
        let table = ClickHouseExternalTable(name: "hunt_starts", columns: [("host_id", "Int64"), ("ts_us", "Int64")],
                                            rows: Set(starts.map { [$0.hostID, $0.ts] }).sorted { ($0[0], $0[1]) < ($1[0], $1[1]) }
                                                .map { [.integer($0[0]), .integer($0[1])] })
        var found: [StartKey: String] = [:]
        for row in try rows("""
            SELECT host_id, pid, ts_us, executable FROM processes
            WHERE (host_id, ts_us) GLOBAL IN (SELECT host_id, ts_us FROM hunt_starts) AND source_kind = 'security' AND isNotNull(executable)
            ORDER BY ts_us, event_id
            """, tables: [table]) {
            guard let host = row[0].int64, let pid = row[1].int64, let ts = row[2].int64, let executable = row[3].text else { continue }
            let key = StartKey(hostID: host, pid: pid, ts: ts)
            if starts.contains(key), found[key] == nil { found[key] = executable }
        }
        return found
    }

    /// A host's start of a pid at a time.
    struct StartKey: Hashable {
        var hostID: Int64
        var pid: Int64
        var ts: Int64
    }

    /// A host's Security connections before `before` whose path is still a device path.
    func deviceConnections(hostID: Int64, before: Int64) throws -> [Event] {
        try rows(ClickHouseLinkedRows.latest(
            columns: "event_id, ts_us, pid, entity_id, executable", from: "network_connections",
            where: "host_id = {host:Int64} AND source_kind = 'security' AND ts_key < {before:Int64} AND ts_us < {before:Int64} + 1000000")
            + " WHERE ts_us < {before:Int64} AND startsWith(lower(ifNull(executable, '')), '\\\\device\\\\') ORDER BY ts_us, event_id",
            values: ["host": .integer(hostID), "before": .integer(before)], tables: []).map {
            Event(eventID: $0[0].int64 ?? 0, ts: $0[1].int64 ?? 0, pid: $0[2].int64, entity: $0[3].text, executable: $0[4].text)
        }
    }

    /// Each host's volumes (device → drive; the earliest evidence wins); device '' marks a
    /// host whose volumes were learned from all its events.
    static func volumes(of hosts: Set<Int64>, client: ClickHouseClient) throws -> [Int64: [String: String]] {
        let table = ClickHouseExternalTable(name: "hunt_hosts", columns: [("host_id", "Int64")], rows: hosts.sorted().map { [.integer($0)] })
        var volumes: [Int64: [String: String]] = [:]
        for row in try client.select("""
            SELECT host_id, device, argMin(drive, evidence_ts_us) FROM host_volumes
            WHERE host_id IN (SELECT host_id FROM hunt_hosts) GROUP BY host_id, device
            """, tables: [table], purpose: "reading the volumes of hosts").rows {
            if let host = row[0].int64, let device = row[1].text { volumes[host, default: [:]][device] = row[2].text ?? "" }
        }
        return volumes
    }
}

private extension RowValue {
    var int64: Int64? { if case .integer(let v) = self { v } else { nil } }
    var text: String? { if case .text(let v) = self { v } else { nil } }
}
