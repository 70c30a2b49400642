import Foundation
import Model

/// Links a host's Windows Security events (pids, no GUIDs) to process entities on ClickHouse,
/// and maps its `\device\harddiskvolumeN\…` connection paths to drives, by the rules SQLite
/// uses (README, "Entities without GUIDs" and "Volumes"; `SyntheticEntity.resolve` and
/// `VolumeMap.volume` decide, shared with SQLite's linker).
///
/// A start, exit or boot at time t changes only the links of references at or after t (as in
/// SQLite's `SecurityEntityLinker`), so a pass reads the host's Security events from the
/// batch's earliest such time on (`from`), and before it only, per referenced pid, the time of
/// its last start and exit and the host's last boot (aggregates over narrow columns). Volumes
/// are kept per host in `host_volumes` (c0006); a volume learned now also maps the host's
/// earlier connections. A host linked before c0006 is read from its first event once.
///
/// ClickHouse has no UPDATE that readers see at once, so a changed row is written again with
/// the same identity and a higher `link_version` (c0006); readers keep each event's highest
/// version (`ClickHouseLinkedRows`), so no merge is needed and none is forced. A pass that
/// changes nothing writes nothing. On a cluster each shard rewrites its own rows.
struct ClickHouseSecurityLinker {
    let store: ClickHouseStore

    /// Where a committed batch may have changed a host's links: its key and the earliest time
    /// of a Security start, connection, exit or boot the batch held (stored or found stored).
    struct Change {
        var hostKey: String
        var from: Int64
    }

    /// Relinks each host (id → change) that a committed batch gave Security events.
    func link(hosts: [Int64: Change]) throws {
        for (hostID, change) in hosts.sorted(by: { $0.key < $1.key }) {
            try link(hostID: hostID, change: change)
        }
    }

    private func link(hostID: Int64, change: Change) throws {
        let reader = ClickHouseLinkReader(client: store.client, hostID: hostID)
        var known = try reader.volumes()
        let learnedBefore = known.removeValue(forKey: "") != nil
        // A host without the mark was linked before c0006 (or never): read it whole once, and
        // write every Security row again, so that a copy left beside it (a merge ran when the
        // old linker's OPTIMIZE came) is older than a version readers pick.
        let from = learnedBefore ? change.from : Int64.min
        let rewriteAll = !learnedBefore
        let hostKey = change.hostKey
        let window = try reader.window(from: from)
        guard !window.isEmpty else {
            if !learnedBefore { try recordVolumes([:], hostID: hostID, learnedAll: true) }
            return
        }
        let before = try reader.lastBefore(from: from, pids: window.referencedPIDs)
        let timeline = SecurityLinkTimeline(window: window, before: before)
        func resolve(pid: Int64, at ts: Int64, excluding eventID: Int64?) -> String {
            SyntheticEntity.resolve(hostKey: hostKey, pid: pid, lastStart: timeline.lastStart(pid: pid, at: ts, excluding: eventID),
                                    lastExit: timeline.lastExit(pid: pid, before: ts), lastBoot: timeline.lastBoot(at: ts))
        }

        // Processes: a 4688 names the process it starts and links its creator.
        var processLinks: [ClickHouseLinkWriter.Link] = []
        var entityExecutables: [String: String] = [:]
        for start in window.starts {
            let entity = start.pid.map { SyntheticEntity.id(hostKey: hostKey, pid: $0, .started(start.ts)) } ?? (start.entity ?? "")
            let parent = start.parentPID.map { resolve(pid: $0, at: start.ts, excluding: start.eventID) }
            if let executable = start.executable { entityExecutables[entity] = entityExecutables[entity] ?? executable }
            if rewriteAll || entity != start.entity || parent != start.parentEntity {
                processLinks.append(.init(eventID: start.eventID, ts: start.ts, entity: entity, parent: parent, executable: start.executable))
            }
        }
        // Exits (Security 4689) link their process.
        var lifecycleLinks: [ClickHouseLinkWriter.Link] = []
        var exitExecutables: [String: String] = [:]
        for exit in window.exits {
            let entity = exit.pid.map { resolve(pid: $0, at: exit.ts, excluding: nil) } ?? ""
            if let executable = exit.executable { exitExecutables[entity] = exitExecutables[entity] ?? executable }
            if exit.isSecurity, rewriteAll || entity != exit.entity {
                lifecycleLinks.append(.init(eventID: exit.eventID, ts: exit.ts, entity: entity, parent: nil, executable: exit.executable))
            }
        }
        // Connections link their process; the host's volumes, learned from a connection whose
        // process's 4688 or 4689 gives the same file by drive, map the device paths.
        let linked = window.connections.map { row in
            (row: row, entity: row.pid.map { resolve(pid: $0, at: row.ts, excluding: nil) } ?? "")
        }
        // The starts before `from` of the entities of connections on devices not mapped yet.
        let unmapped = linked.filter { $0.row.executable.map { Self.device(of: $0).map { known[$0] == nil } ?? false } ?? false }
        let earlierStarts = Set(unmapped.compactMap { item -> SecurityLinkTimeline.PIDTime? in
            guard let pid = item.row.pid, let ts = timeline.lastStart(pid: pid, at: item.row.ts, excluding: nil), ts < from,
                  item.entity == SyntheticEntity.id(hostKey: hostKey, pid: pid, .started(ts)) else { return nil }
            return .init(pid: pid, ts: ts)
        })
        for (start, executable) in try reader.startExecutables(earlierStarts) {
            let entity = SyntheticEntity.id(hostKey: hostKey, pid: start.pid, .started(start.ts))
            entityExecutables[entity] = entityExecutables[entity] ?? executable
        }
        var learned: [String: (drive: String, ts: Int64)] = [:]
        for (row, entity) in unmapped {
            guard let devicePath = row.executable else { continue }
            for drivePath in [entityExecutables[entity], exitExecutables[entity]].compactMap({ $0 }) where !drivePath.hasPrefix("\\") {
                if let volume = VolumeMap.volume(devicePath: devicePath, drivePath: drivePath), known[volume.device] == nil,
                   learned[volume.device] == nil {
                    learned[volume.device] = (volume.drive, row.ts)
                }
            }
        }
        var volumes = known
        for (device, volume) in learned { volumes[device] = volume.drive }
        var connectionLinks: [ClickHouseLinkWriter.Link] = []
        for (row, entity) in linked {
            let executable = row.executable.map { Self.mapped($0, volumes: volumes) }
            if rewriteAll || entity != row.entity || executable != row.executable {
                connectionLinks.append(.init(eventID: row.eventID, ts: row.ts, entity: entity, parent: nil, executable: executable))
            }
        }
        // A volume learned now maps the host's earlier connections too.
        if !learned.isEmpty, from != Int64.min {
            let newVolumes = learned.mapValues(\.drive)
            for row in try reader.deviceConnections(before: from) {
                guard let path = row.executable else { continue }
                let executable = Self.mapped(path, volumes: newVolumes)
                if executable != path {
                    connectionLinks.append(.init(eventID: row.eventID, ts: row.ts, entity: row.entity ?? "", parent: nil, executable: executable))
                }
            }
        }
        let writer = ClickHouseLinkWriter(store: store, hostID: hostID, version: Clock.nowMicros())
        try writer.rewrite(.processes, links: processLinks)
        try writer.rewrite(.networkConnections, links: connectionLinks)
        try writer.rewrite(.lifecycleEvents, links: lifecycleLinks)
        // Last: a pass killed before this learns the volumes again, and maps the earlier rows then.
        try recordVolumes(learned, hostID: hostID, learnedAll: !learnedBefore)
    }

    private func recordVolumes(_ learned: [String: (drive: String, ts: Int64)], hostID: Int64, learnedAll: Bool) throws {
        var rows: [[RowValue]] = learned.sorted { $0.key < $1.key }.map { [.integer(hostID), .text($0.key), .text($0.value.drive), .integer($0.value.ts)] }
        if learnedAll { rows.append([.integer(hostID), .text(""), .text(""), .integer(0)]) }
        try store.insertEverywhere(into: "host_volumes", columns: [("host_id", "Int64"), ("device", "String"), ("drive", "String"), ("evidence_ts_us", "Int64")],
                                   rows: rows, purpose: "recording the volumes of a host")
    }

    /// `\device\harddiskvolume2` (lower case) of a `\device\harddiskvolume2\…` path.
    static func device(of path: String) -> String? {
        let parts = path.split(separator: "\\", maxSplits: 2, omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].isEmpty, parts[1].lowercased() == "device", parts[2].contains("\\") else { return nil }
        return ("\\" + parts[1] + "\\" + parts[2].prefix { $0 != "\\" }).lowercased()
    }

    /// `\device\harddiskvolume2\x.exe` → `C:\x.exe` when the host's volume 2 is known to be C:.
    static func mapped(_ path: String, volumes: [String: String]) -> String {
        let lower = path.lowercased()
        for (device, drive) in volumes where lower.hasPrefix(device + "\\") {
            return drive + path.dropFirst(device.count)
        }
        return path
    }
}
