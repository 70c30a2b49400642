import Foundation
import Model

/// Links a host's Windows Security events (pids, no GUIDs) to process entities on ClickHouse,
/// and maps its `\device\harddiskvolumeN\…` connection paths to drives, by the rules SQLite
/// uses (README, "Entities without GUIDs" and "Volumes"; `SyntheticEntity.resolve` and
/// `VolumeMap.volume` decide, shared with SQLite's linker).
///
/// ClickHouse has no UPDATE that readers see at once, so a changed row is written again with
/// the same identity (host, time, record key, content key) and its new links: the tables are
/// ReplacingMergeTree without a version, whose FINAL (every reader's) keeps the row inserted
/// last, and the table is merged at once (`OPTIMIZE … FINAL`), since the rules read without
/// FINAL and keep any one copy of an event. Each pass relinks all of the host's Security references from the stored events only,
/// so the links never depend on the order files were loaded in, and a pass that changes
/// nothing writes nothing. On a cluster each shard rewrites its own rows in its local tables.
struct ClickHouseSecurityLinker {
    let store: ClickHouseStore

    /// Relinks each host (id → host key) that a committed batch gave Security events.
    func link(hosts: [Int64: String]) throws {
        for (hostID, hostKey) in hosts.sorted(by: { $0.key < $1.key }) {
            try link(hostID: hostID, hostKey: hostKey)
        }
    }

    private struct Reference {
        var eventID: Int64
        var pid: Int64?
        var ts: Int64
        var entity: String?
        var executable: String?
    }

    private func rows(_ sql: String, hostID: Int64) throws -> [[RowValue]] {
        try store.client.select(sql, values: ["host": .integer(hostID)], purpose: "linking Security entities").rows
    }

    private func link(hostID: Int64, hostKey: String) throws {
        // Starts (Security 4688) with their creators; connections (5156); exits and boots of any source.
        let starts = try rows("""
            SELECT event_id, pid, ts_us, entity_id, parent_pid, parent_entity_id, executable FROM processes FINAL
            WHERE host_id = {host:Int64} AND source_kind = 'security' ORDER BY ts_us, event_id
            """, hostID: hostID)
        let connections = try rows("""
            SELECT event_id, pid, ts_us, entity_id, executable FROM network_connections FINAL
            WHERE host_id = {host:Int64} AND source_kind = 'security' ORDER BY ts_us, event_id
            """, hostID: hostID)
        let lifecycle = try rows("""
            SELECT event_id, pid, ts_us, entity_id, executable, kind, source_kind FROM lifecycle_events FINAL
            WHERE host_id = {host:Int64} AND kind IN ('exit', 'boot') ORDER BY ts_us, event_id
            """, hostID: hostID)
        guard !starts.isEmpty || !connections.isEmpty || lifecycle.contains(where: { $0[6].stringValue == "security" }) else { return }

        var startTimes: [Int64: [(ts: Int64, eventID: Int64)]] = [:]
        for row in starts { if let pid = row[1].int64Value { startTimes[pid, default: []].append((row[2].int64Value ?? 0, row[0].int64Value ?? 0)) } }
        var exitTimes: [Int64: [Int64]] = [:]
        var boots: [Int64] = []
        for row in lifecycle {
            if row[5].stringValue == "boot" { boots.append(row[2].int64Value ?? 0) } else if let pid = row[1].int64Value { exitTimes[pid, default: []].append(row[2].int64Value ?? 0) }
        }
        func resolve(pid: Int64, at ts: Int64, excluding eventID: Int64?) -> String {
            let lastStart = startTimes[pid]?.last(where: { $0.ts <= ts && $0.eventID != eventID })?.ts
            let lastExit = exitTimes[pid]?.last(where: { $0 < ts })
            let lastBoot = boots.last(where: { $0 <= ts })
            return SyntheticEntity.resolve(hostKey: hostKey, pid: pid, lastStart: lastStart, lastExit: lastExit, lastBoot: lastBoot)
        }

        // Processes: a 4688 names the process it starts and links its creator.
        var processLinks: [[RowValue]] = []
        var entityExecutables: [String: String] = [:]
        for row in starts {
            let eventID = row[0].int64Value ?? 0, ts = row[2].int64Value ?? 0
            let entity = row[1].int64Value.map { SyntheticEntity.id(hostKey: hostKey, pid: $0, .started(ts)) } ?? (row[3].stringValue ?? "")
            let parent = row[4].int64Value.map { resolve(pid: $0, at: ts, excluding: eventID) }
            if let executable = row[6].stringValue { entityExecutables[entity] = entityExecutables[entity] ?? executable }
            if entity != row[3].stringValue || parent != row[5].stringValue {
                processLinks.append([.integer(eventID), .text(entity), parent.map(RowValue.text) ?? .null, row[6]])
            }
        }
        // Exits (Security 4689) link their process.
        var lifecycleLinks: [[RowValue]] = []
        var exitExecutables: [String: String] = [:]
        for row in lifecycle where row[5].stringValue == "exit" && row[6].stringValue == "security" {
            let eventID = row[0].int64Value ?? 0
            let entity = row[1].int64Value.map { resolve(pid: $0, at: row[2].int64Value ?? 0, excluding: nil) } ?? ""
            if let executable = row[4].stringValue { exitExecutables[entity] = exitExecutables[entity] ?? executable }
            if entity != row[3].stringValue { lifecycleLinks.append([.integer(eventID), .text(entity), .null, row[4]]) }
        }
        // Connections link their process; then the host's volumes, learned from a connection
        // whose process's 4688 or 4689 gives the same file by drive, map the device paths.
        let linkedConnections = connections.map { row in
            (row: row, entity: row[1].int64Value.map { resolve(pid: $0, at: row[2].int64Value ?? 0, excluding: nil) } ?? "")
        }
        var volumes: [String: String] = [:]
        for (row, entity) in linkedConnections {
            guard let devicePath = row[4].stringValue, devicePath.lowercased().hasPrefix("\\device\\") else { continue }
            for drivePath in [entityExecutables[entity], exitExecutables[entity]].compactMap({ $0 }) where !drivePath.hasPrefix("\\") {
                if let volume = VolumeMap.volume(devicePath: devicePath, drivePath: drivePath), volumes[volume.device] == nil {
                    volumes[volume.device] = volume.drive
                }
            }
        }
        var connectionLinks: [[RowValue]] = []
        for (row, entity) in linkedConnections {
            let executable = row[4].stringValue.map { Self.mapped($0, volumes: volumes) }
            if entity != row[3].stringValue || executable != row[4].stringValue {
                connectionLinks.append([.integer(row[0].int64Value ?? 0), .text(entity), .null, executable.map(RowValue.text) ?? .null])
            }
        }
        try rewrite(.processes, links: processLinks, hostID: hostID, parent: true)
        try rewrite(.networkConnections, links: connectionLinks, hostID: hostID, parent: false)
        try rewrite(.lifecycleEvents, links: lifecycleLinks, hostID: hostID, parent: false)
    }

    /// `\device\harddiskvolume2\x.exe` → `C:\x.exe` when the host's volume 2 is known to be C:.
    static func mapped(_ path: String, volumes: [String: String]) -> String {
        let lower = path.lowercased()
        for (device, drive) in volumes where lower.hasPrefix(device + "\\") {
            return drive + path.dropFirst(device.count)
        }
        return path
    }

    /// Writes the rows named in `links` (event id, entity, parent entity, executable) again
    /// with those values, on the server or shard that holds them.
    private func rewrite(_ table: ClickHouseEventRow.Table, links: [[RowValue]], hostID: Int64, parent: Bool) throws {
        guard !links.isEmpty else { return }
        let data = ClickHouseExternalTable(name: "hunt_links", columns: [
            ("event_id", "Int64"), ("link_entity", "String"), ("link_parent", "Nullable(String)"), ("link_executable", "Nullable(String)"),
        ], rows: links)
        let columns = table.columns
        let values = columns.map { column in
            switch column {
            case "entity_id": "link_entity"
            case "parent_entity_id" where parent: "link_parent"
            case "executable": "link_executable"
            default: column
            }
        }
        let name = store.endpoint.cluster == nil ? table.rawValue : table.rawValue + "_local"
        let params = ClickHouseParameterizedSQL("""
            INSERT INTO \(name) (\(columns.joined(separator: ", ")))
            SELECT \(values.joined(separator: ", ")) FROM \(name) FINAL ANY INNER JOIN hunt_links USING event_id
            WHERE host_id = {host:Int64}
            """)
        for node in store.nodes {
            let rendered = try params.render(["host": .integer(hostID)], nativeParameters: false)
            try node.execute(rendered.sql, tables: rendered.tables + [data], purpose: "writing the links of Security events")
            // The rules read without FINAL (`LIMIT 1 BY event_id` keeps any copy): merge now so
            // the linked row is the only one every reader sees.
            try node.execute("OPTIMIZE TABLE \(name) FINAL", purpose: "merging the linked Security events")
        }
    }
}

private extension RowValue {
    var int64Value: Int64? { if case .integer(let v) = self { v } else { nil } }
    var stringValue: String? { if case .text(let v) = self { v } else { nil } }
}
