import Model

/// Maps `\device\harddiskvolumeN\…` paths (Security 5156's `Application`) to drive paths, per
/// host, from evidence in the same logs: a 5156 linked to a process whose 4688 or 4689 gives a
/// drive path with the same rest (`\device\harddiskvolume2\windows\system32\svchost.exe` and
/// `C:\Windows\System32\svchost.exe`: volume 2 is C:). The first evidence for a volume wins.
/// Paths on volumes without evidence keep their device form; names compare on the basename
/// either way.
struct VolumeMap {
    let database: Database

    func learnAndApply(hostID: Int64, from: Int64) throws {
        let learned = try learn(hostID: hostID, from: from)
        // The drive paths become texts of their own (interned), then the rows point at them.
        let intern = try database.prepare("""
            INSERT INTO strings (value)
            SELECT DISTINCT v.drive || substr(x.value, length(v.device) + 1)
            FROM network_rows AS n
            JOIN strings AS x ON x.string_id = n.executable_ref
            JOIN host_volumes AS v ON v.host_id = n.host_id
            WHERE n.host_id = ?1 AND n.source_kind = 1 AND n.ts_us >= ?2
              AND lower(substr(x.value, 1, length(v.device) + 1)) = lower(v.device) || '\\'
            ON CONFLICT (value) DO NOTHING
            """, purpose: "mapping device paths to drives")
        let apply = try database.prepare("""
            UPDATE network_rows
            SET executable_ref = s.string_id
            FROM strings AS x, host_volumes AS v, strings AS s
            WHERE network_rows.host_id = ?1 AND network_rows.source_kind = 1 AND network_rows.ts_us >= ?2
              AND x.string_id = network_rows.executable_ref AND v.host_id = network_rows.host_id
              AND lower(substr(x.value, 1, length(v.device) + 1)) = lower(v.device) || '\\'
              AND s.value = v.drive || substr(x.value, length(v.device) + 1)
            """, purpose: "mapping device paths to drives")
        // A volume learned now applies to the host's earlier connections too.
        for statement in [intern, apply] {
            statement.bind(hostID, at: 1)
            statement.bind(learned ? Int64.min : from, at: 2)
            try statement.run()
        }
    }

    /// Records the volumes the host's evidence from `from` on shows; true when one is new.
    private func learn(hostID: Int64, from: Int64) throws -> Bool {
        let pairs = try database.prepare("""
            SELECT DISTINCT n.executable, p.executable
            FROM network_connections AS n
            JOIN processes AS p ON p.host_id = n.host_id AND p.entity_id = n.entity_id AND p.source_kind = 'security'
            WHERE n.host_id = ?1 AND n.source_kind = 'security' AND n.ts_us >= ?2
              AND n.executable LIKE '\\device\\%' AND p.executable NOT LIKE '\\%'
            UNION
            SELECT DISTINCT n.executable, x.executable
            FROM network_connections AS n
            JOIN lifecycle_events AS x ON x.host_id = n.host_id AND x.kind = 'exit' AND x.entity_id = n.entity_id
            WHERE n.host_id = ?1 AND n.source_kind = 'security' AND n.ts_us >= ?2
              AND n.executable LIKE '\\device\\%' AND x.executable NOT LIKE '\\%'
            """, purpose: "learning a host's volumes")
        pairs.bind(hostID, at: 1)
        pairs.bind(from, at: 2)
        var found: [(device: String, drive: String)] = []
        while try pairs.step() {
            guard let devicePath = pairs.text(0), let drivePath = pairs.text(1),
                  let volume = Self.volume(devicePath: devicePath, drivePath: drivePath) else { continue }
            found.append(volume)
        }
        guard !found.isEmpty else { return false }
        let insert = try database.prepare(
            "INSERT INTO host_volumes (host_id, device, drive) VALUES (?1, ?2, ?3) ON CONFLICT (host_id, device) DO NOTHING",
            purpose: "recording a host's volume")
        var learned = false
        for (device, drive) in found {
            insert.bind(hostID, at: 1)
            insert.bind(device, at: 2)
            insert.bind(drive, at: 3)
            try insert.run()
            if database.changes == 1 { learned = true }
        }
        return learned
    }

    /// `(\device\harddiskvolume2, C:)` when the device path and the drive path name the same file.
    static func volume(devicePath: String, drivePath: String) -> (device: String, drive: String)? {
        let parts = devicePath.split(separator: "\\", maxSplits: 2, omittingEmptySubsequences: false)
        // "", "device", "harddiskvolume2\rest…"
        guard parts.count == 3, parts[0].isEmpty, let cut = parts[2].firstIndex(of: "\\") else { return nil }
        let device = "\\" + parts[1] + "\\" + parts[2][..<cut]
        let rest = parts[2][cut...]
        let drive = drivePath.utf8
        guard drive.count > 2, drivePath.dropFirst().hasPrefix(":"), let letter = drivePath.first, letter.isLetter,
              ASCII.equalsIgnoringCase(String(drivePath.dropFirst(2)), String(rest)) else { return nil }
        return (device.lowercased(), letter.uppercased() + ":")
    }
}
