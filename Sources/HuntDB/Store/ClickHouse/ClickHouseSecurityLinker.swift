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

    /// Relinks each host (id → change) that a committed batch gave Security events: a few
    /// queries for all of them (`ClickHouseLinkReader`), the links decided per host here, one
    /// INSERT per table for the rows that changed (`ClickHouseLinkWriter`).
    func link(hosts: [Int64: Change]) throws {
        guard !hosts.isEmpty else { return }
        var known = try ClickHouseLinkReader.volumes(of: Set(hosts.keys), client: store.client)
        // A host without the mark was linked before c0006 (or never): read it whole once, and
        // write every Security row again, so that a copy left beside it (a merge ran when the
        // old linker's OPTIMIZE came) is older than a version readers pick.
        var passes: [Int64: HostPass] = [:]
        for (hostID, change) in hosts {
            let learnedBefore = known[hostID]?.removeValue(forKey: "") != nil
            passes[hostID] = HostPass(hostID: hostID, hostKey: change.hostKey, from: learnedBefore ? change.from : .min,
                                      rewriteAll: !learnedBefore, volumes: known[hostID] ?? [:])
        }
        let reader = ClickHouseLinkReader(client: store.client, from: passes.mapValues(\.from))
        let windows = try reader.windows()
        let pids = Set(windows.flatMap { host, window in window.referencedPIDs.map { ClickHouseLinkReader.HostPID(hostID: host, pid: $0) } })
        let before = try reader.lastBefore(pids: pids)
        for hostID in passes.keys {
            passes[hostID]?.linkProcesses(window: windows[hostID] ?? .init(), before: before[hostID] ?? .init())
        }
        let executables = try reader.startExecutables(Set(passes.values.flatMap(\.earlierStarts)))
        var links = HostPass.Links()
        var volumeRows: [[RowValue]] = []
        for hostID in passes.keys.sorted() {
            guard var pass = passes[hostID] else { continue }
            pass.linkConnections(startExecutables: executables)
            // A volume learned now maps the host's earlier connections too.
            if !pass.learned.isEmpty, pass.from != .min {
                pass.mapEarlier(try reader.deviceConnections(hostID: hostID, before: pass.from))
            }
            links.add(pass.links)
            volumeRows += pass.volumeRows
        }
        let writer = ClickHouseLinkWriter(store: store, version: Clock.nowMicros())
        try writer.rewrite(.processes, links: links.processes)
        try writer.rewrite(.networkConnections, links: links.connections)
        try writer.rewrite(.lifecycleEvents, links: links.lifecycle)
        // Last: a pass killed before this learns the volumes again, and maps the earlier rows then.
        try store.insertEverywhere(into: "host_volumes", columns: [("host_id", "Int64"), ("device", "String"), ("drive", "String"), ("evidence_ts_us", "Int64")],
                                   rows: volumeRows, purpose: "recording the volumes of hosts")
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
