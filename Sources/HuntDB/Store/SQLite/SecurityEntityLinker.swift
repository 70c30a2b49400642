import Model

/// Links the processes of Windows Security events, which carry pids but no GUIDs, after each
/// load transaction that stored some (in that transaction, so readers never see half a link).
///
/// The rules (README, "Entities without GUIDs"), on one host:
/// - a 4688 names the process it starts: host + pid + its time;
/// - the process of a reference to pid P at time T (a 4688's creator, a 5156, a 4689) is P's
///   latest 4688 at or before T, unless P exited (4689) at or after that start and before T, or
///   the host booted (4608) after it; then it is a process whose start the logs lack, named by
///   the event that began its epoch: the boot, the exit of P's previous process, or "before the
///   logs" when neither is known.
///
/// Only the stored events decide a link, never the order they were loaded in: a start, exit or
/// boot at time t can change only the links of references at or after t, so each pass relinks
/// the references from the earliest time the transaction stored. The links are not part of a
/// record's content key (the normalizer hashes `SyntheticEntity.unlinked` and no parent), so
/// loading a record again finds it, whatever its links became.
struct SecurityEntityLinker {
    let database: Database

    /// Relinks the Security references of each host from its time on, then maps its volumes.
    func link(_ changes: [Int64: Int64]) throws {
        for (hostID, from) in changes.sorted(by: { $0.key < $1.key }) {
            guard let hostKey = try hostKey(hostID) else { continue }
            try nameStarts(hostID: hostID, hostKey: hostKey, from: from)
            try relink(Self.parentReferences, update: Self.updateParent, hostID: hostID, hostKey: hostKey, from: from)
            try relink(Self.connectionReferences, update: Self.updateConnection, hostID: hostID, hostKey: hostKey, from: from)
            try relink(Self.exitReferences, update: Self.updateExit, hostID: hostID, hostKey: hostKey, from: from)
            try VolumeMap(database: database).learnAndApply(hostID: hostID, from: from)
        }
    }

    private func hostKey(_ hostID: Int64) throws -> String? {
        let s = try database.prepare("SELECT host_key FROM hosts WHERE host_id = ?1", purpose: "linking Security entities")
        s.bind(hostID, at: 1)
        return try s.step() ? s.text(0) : nil
    }

    /// Gives each 4688 from `from` on the entity of the process it starts: host + pid + its time.
    private func nameStarts(hostID: Int64, hostKey: String, from: Int64) throws {
        let starts = try database.prepare("""
            SELECT event_id, pid, ts_us, entity_id FROM processes
            WHERE host_id = ?1 AND source_kind = 'security' AND ts_us >= ?2 AND pid IS NOT NULL
            """, purpose: "naming Security process entities")
        starts.bind(hostID, at: 1)
        starts.bind(from, at: 2)
        var changed: [(Int64, String)] = []
        while try starts.step() {
            let entity = SyntheticEntity.id(hostKey: hostKey, pid: starts.int64(1), .started(starts.int64(2)))
            if entity != starts.text(3) { changed.append((starts.int64(0), entity)) }
        }
        let update = try database.prepare("UPDATE processes SET entity_id = ?1 WHERE event_id = ?2",
                                          purpose: "naming Security process entities")
        for (eventID, entity) in changed {
            update.bind(entity, at: 1)
            update.bind(eventID, at: 2)
            try update.run()
        }
    }

    /// Reads each reference (event id, pid, time, current link, and the pid's last start, exit
    /// and boot before it), resolves it, and writes the links that changed.
    private func relink(_ referencesSQL: String, update updateSQL: String, hostID: Int64, hostKey: String, from: Int64) throws {
        let references = try database.prepare(referencesSQL, purpose: "linking Security entities")
        references.bind(hostID, at: 1)
        references.bind(from, at: 2)
        var changed: [(eventID: Int64, entity: String?)] = []
        while try references.step() {
            let current = references.text(3)
            var entity: String?
            if !references.isNull(1) {
                entity = SyntheticEntity.resolve(hostKey: hostKey, pid: references.int64(1),
                                      lastStart: references.isNull(4) ? nil : references.int64(4),
                                      lastExit: references.isNull(5) ? nil : references.int64(5),
                                      lastBoot: references.isNull(6) ? nil : references.int64(6))
            }
            if entity != current { changed.append((references.int64(0), entity)) }
        }
        guard !changed.isEmpty else { return }
        let update = try database.prepare(updateSQL, purpose: "linking Security entities")
        for (eventID, entity) in changed {
            update.bind(entity, at: 1)
            update.bind(eventID, at: 2)
            try update.run()
        }
    }

    // The references of one host from a time on (?1 host, ?2 time); columns: event id, pid, time,
    // current link, the pid's last start at or before, last exit before, the host's last boot at
    // or before.

    /// A 4688's creator (never the 4688 itself).
    private static let parentReferences =
        """
        SELECT r.event_id, r.parent_pid, r.ts_us, r.parent_entity_id,
            (SELECT s.ts_us FROM processes AS s
             WHERE s.host_id = r.host_id AND s.source_kind = 'security' AND s.pid = r.parent_pid AND s.ts_us <= r.ts_us AND s.event_id <> r.event_id
             ORDER BY s.ts_us DESC LIMIT 1),
            (SELECT max(x.ts_us) FROM lifecycle_events AS x
             WHERE x.host_id = r.host_id AND x.kind = 'exit' AND x.pid = r.parent_pid AND x.ts_us < r.ts_us),
            (SELECT max(b.ts_us) FROM lifecycle_events AS b
             WHERE b.host_id = r.host_id AND b.kind = 'boot' AND b.ts_us <= r.ts_us)
        FROM processes AS r
        WHERE r.host_id = ?1 AND r.source_kind = 'security' AND r.ts_us >= ?2
        """

    /// A 5156's process.
    private static let connectionReferences =
        """
        SELECT r.event_id, r.pid, r.ts_us, r.entity_id,
            (SELECT s.ts_us FROM processes AS s
             WHERE s.host_id = r.host_id AND s.source_kind = 'security' AND s.pid = r.pid AND s.ts_us <= r.ts_us
             ORDER BY s.ts_us DESC LIMIT 1),
            (SELECT max(x.ts_us) FROM lifecycle_events AS x
             WHERE x.host_id = r.host_id AND x.kind = 'exit' AND x.pid = r.pid AND x.ts_us < r.ts_us),
            (SELECT max(b.ts_us) FROM lifecycle_events AS b
             WHERE b.host_id = r.host_id AND b.kind = 'boot' AND b.ts_us <= r.ts_us)
        FROM network_connections AS r
        WHERE r.host_id = ?1 AND r.source_kind = 'security' AND r.ts_us >= ?2
        """

    /// A 4689's process.
    private static let exitReferences =
        """
        SELECT r.event_id, r.pid, r.ts_us, r.entity_id,
            (SELECT s.ts_us FROM processes AS s
             WHERE s.host_id = r.host_id AND s.source_kind = 'security' AND s.pid = r.pid AND s.ts_us <= r.ts_us
             ORDER BY s.ts_us DESC LIMIT 1),
            (SELECT max(x.ts_us) FROM lifecycle_events AS x
             WHERE x.host_id = r.host_id AND x.kind = 'exit' AND x.pid = r.pid AND x.ts_us < r.ts_us),
            (SELECT max(b.ts_us) FROM lifecycle_events AS b
             WHERE b.host_id = r.host_id AND b.kind = 'boot' AND b.ts_us <= r.ts_us)
        FROM lifecycle_events AS r
        WHERE r.host_id = ?1 AND r.source_kind = 'security' AND r.ts_us >= ?2 AND r.kind = 'exit'
        """

    private static let updateParent = "UPDATE processes SET parent_entity_id = ?1 WHERE event_id = ?2"
    private static let updateConnection = "UPDATE network_connections SET entity_id = coalesce(?1, '') WHERE event_id = ?2"
    private static let updateExit = "UPDATE lifecycle_events SET entity_id = coalesce(?1, '') WHERE event_id = ?2"
}
