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
    /// Entity ids are interned (m0009): links are written as refs into `entities`.
    let entities: StringDictionary

    /// Relinks the Security references of each host from its time on, then maps its volumes.
    func link(_ changes: [Int64: Int64]) throws {
        for (hostID, from) in changes.sorted(by: { $0.key < $1.key }) {
            guard let hostKey = try hostKey(hostID) else { continue }
            try nameStarts(hostID: hostID, hostKey: hostKey, from: from)
            try relink(hostID: hostID, hostKey: hostKey, from: from)
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
            SELECT p.event_id, p.pid, p.ts_us, e.value FROM process_rows AS p JOIN entities AS e ON e.entity_ref = p.entity_ref
            WHERE p.host_id = ?1 AND p.source_kind = 1 AND p.ts_us >= ?2 AND p.pid IS NOT NULL
            """, purpose: "naming Security process entities")
        starts.bind(hostID, at: 1)
        starts.bind(from, at: 2)
        var changed: [(Int64, String)] = []
        while try starts.step() {
            let entity = SyntheticEntity.id(hostKey: hostKey, pid: starts.int64(1), .started(starts.int64(2)))
            if entity != starts.text(3) { changed.append((starts.int64(0), entity)) }
        }
        let update = try database.prepare("UPDATE process_rows SET entity_ref = ?1 WHERE event_id = ?2",
                                          purpose: "naming Security process entities")
        for (eventID, entity) in changed {
            update.bind(try entities.ref(entity), at: 1)
            update.bind(eventID, at: 2)
            try update.run()
        }
    }

    /// Reads each reference (kind, event id, pid, time, current link, and the pid's last start,
    /// exit and boot before it), resolves it, and writes the links that changed.
    private func relink(hostID: Int64, hostKey: String, from: Int64) throws {
        let references = try database.prepare(Self.references, purpose: "linking Security entities")
        references.bind(hostID, at: 1)
        references.bind(from, at: 2)
        var changed: [(kind: Int64, eventID: Int64, entity: String?)] = []
        while try references.step() {
            let current = references.text(4)
            var entity: String?
            if !references.isNull(2) {
                entity = SyntheticEntity.resolve(hostKey: hostKey, pid: references.int64(2),
                                      lastStart: references.isNull(5) ? nil : references.int64(5),
                                      lastExit: references.isNull(6) ? nil : references.int64(6),
                                      lastBoot: references.isNull(7) ? nil : references.int64(7))
            }
            if entity != current { changed.append((references.int64(0), references.int64(1), entity)) }
        }
        guard !changed.isEmpty else { return }
        let updates = try Self.updates.map { try database.prepare($0, purpose: "linking Security entities") }
        for (kind, eventID, entity) in changed {
            let update = updates[Int(kind)]
            switch kind {
            case 0: update.bind(try entities.ref(entity), at: 1)
            case 1: update.bind(try entities.ref(entity ?? ""), at: 1)
            default: update.bind(entity, at: 1)
            }
            update.bind(eventID, at: 2)
            try update.run()
        }
    }

    /// The references of one host from a time on (?1 host, ?2 time), each with its kind (0 a
    /// 4688's creator, never the 4688 itself; 1 a 5156's process; 2 a 4689's process), event
    /// id, pid, time, current link, the pid's last start at or before, last exit before, and
    /// the host's last boot at or before.
    private static let references =
        """
        WITH r (kind, event_id, host_id, pid, ts_us, link) AS (
            SELECT 0, event_id, host_id, parent_pid, ts_us,
                (SELECT e.value FROM entities AS e WHERE e.entity_ref = process_rows.parent_entity_ref) FROM process_rows
            WHERE host_id = ?1 AND source_kind = 1 AND ts_us >= ?2
            UNION ALL
            SELECT 1, event_id, host_id, pid, ts_us,
                (SELECT e.value FROM entities AS e WHERE e.entity_ref = network_rows.entity_ref) FROM network_rows
            WHERE host_id = ?1 AND source_kind = 1 AND ts_us >= ?2
            UNION ALL
            SELECT 2, event_id, host_id, pid, ts_us, entity_id FROM lifecycle_events
            WHERE host_id = ?1 AND source_kind = 'security' AND ts_us >= ?2 AND kind = 'exit'
        )
        SELECT r.kind, r.event_id, r.pid, r.ts_us, r.link,
            (SELECT s.ts_us FROM process_rows AS s
             WHERE s.host_id = r.host_id AND s.source_kind = 1 AND s.pid = r.pid AND s.ts_us <= r.ts_us
               AND NOT (r.kind = 0 AND s.event_id = r.event_id)
             ORDER BY s.ts_us DESC LIMIT 1),
            (SELECT max(x.ts_us) FROM lifecycle_events AS x
             WHERE x.host_id = r.host_id AND x.kind = 'exit' AND x.pid = r.pid AND x.ts_us < r.ts_us),
            (SELECT max(b.ts_us) FROM lifecycle_events AS b
             WHERE b.host_id = r.host_id AND b.kind = 'boot' AND b.ts_us <= r.ts_us)
        FROM r
        """

    /// The link's update for each kind of reference (?1 entity, ?2 event id).
    private static let updates = [
        "UPDATE process_rows SET parent_entity_ref = ?1 WHERE event_id = ?2",
        "UPDATE network_rows SET entity_ref = ?1 WHERE event_id = ?2",
        "UPDATE lifecycle_events SET entity_id = coalesce(?1, '') WHERE event_id = ?2",
    ]
}
