import Foundation
import Model

/// The records of one source written to ClickHouse, idempotently, without transactions.
///
/// `add` asks the server which of the batch's identities (host, time, record key, content key)
/// it already holds, and keeps only the new events, encoded as RowBinary. An event later than
/// everything its table holds for its host (a fresh load in time order: nearly every event)
/// cannot be stored yet, so only the others are asked about (`LatestStoredTimes`). `commit` inserts them
/// (one INSERT per table: one block, so all of it or nothing), then the rejects and warnings,
/// then the batch's counts. A load killed before the counts leaves its last events stored and
/// uncounted under a source still `loading`; re-running it finds them stored and counts them as
/// duplicates, so every event is stored exactly once.
final class ClickHouseBatchWriter: EventBatchWriter {
    private let store: ClickHouseStore
    private let sourceID: Int64
    private(set) var pending = LoadCounts()
    private(set) var isOpen = false
    private var rows: [ClickHouseEventRow.Table: RowBinaryWriter] = [:]
    /// The events of the open transaction, by identity.
    private var pendingCopies: [ClickHouseEventRow.Identity: StoredCopy] = [:]
    /// Stored rows that take a more precise copy's time at commit, per table and event id.
    private var refinements: [ClickHouseEventRow.Table: [Int64: ClickHouseRowRewrite.Row]] = [:]
    private var knownHosts: Set<Int64>
    private var newHosts: [[RowValue]] = []
    private var rejects: [[RowValue]] = []
    private var warnings: [[RowValue]] = []
    private var batch: Int64 = 0
    private var sourcePaths: [Int64: String] = [:]
    private var latestStored: LatestStoredTimes
    /// The latest time of the events of the open transaction, per table and host.
    private var latestPending = LatestStoredTimes()
    /// The hosts of the open transaction's Security events, stored now or before (a re-run
    /// after a kill relinks them too), each with the earliest time of those events.
    private var securityHosts: [Int64: ClickHouseSecurityLinker.Change] = [:]

    init(store: ClickHouseStore, sourceID: Int64) throws {
        self.store = store
        self.sourceID = sourceID
        knownHosts = Set(try store.client.select("SELECT DISTINCT host_id FROM hosts", purpose: "listing known hosts").integers)
        latestStored = try LatestStoredTimes(client: store.client)
    }

    func add(_ outcomes: [RecordOutcome]) throws -> [RecordWarning] {
        isOpen = true
        var events: [(event: NormalizedEvent, table: ClickHouseEventRow.Table, identity: ClickHouseEventRow.Identity,
                      outcome: RecordOutcome)] = []
        for outcome in outcomes {
            pending.read += 1
            switch outcome.result {
            case .event(let event):
                let table = ClickHouseEventRow.Table(event.kind)
                let isHash = ClickHouseEventRow.isContentHash(event.recordKey)
                let identity = ClickHouseEventRow.Identity(hostID: ClickHouseEventRow.hostID(event.host), tsMicros: event.timestampMicros,
                                                           recordKey: ClickHouseEventRow.recordKey(event.recordKey),
                                                           contentKey: event.contentKey, recordKeyIsHash: isHash,
                                                           folds: table.foldsPrecisions(event.sourceKind, recordKeyIsHash: isHash))
                events.append((event, table, identity, outcome))
            case .notRelevant:
                pending.notRelevant += 1
            case .rejected(let reason):
                pending.rejected += 1
                rejects.append([.integer(sourceID), .integer(outcome.number), .integer(outcome.offset), .text(reason), .text(outcome.excerpt)])
            }
        }
        // Only events no later than what their table holds for the host can be stored already.
        let stored = try storedIdentities(of: events.filter { latestStored.mayHold($0.table, $0.identity) }.map { ($0.table, $0.identity) })
        var recordWarnings: [RecordWarning] = []
        for (event, table, identity, outcome) in events {
            if event.sourceKind == .security, [.processes, .networkConnections, .lifecycleEvents].contains(table) {
                securityHosts[identity.hostID, default: .init(hostKey: event.host.key, from: identity.tsMicros)].from =
                    min(securityHosts[identity.hostID]?.from ?? identity.tsMicros, identity.tsMicros)
            }
            let precision = event.timePrecisionMicros
            if let held = pendingCopies[identity] ?? stored.identities[identity] {
                pending.duplicates += 1
                guard identity.folds else { continue }
                switch PrecisionFold.compare(held: (held.tsMicros, held.precision), new: (identity.tsMicros, precision)) {
                case .same:
                    break
                case .refines:
                    // The more precise copy: the stored row takes its time (as SQLite's does),
                    // and the Security linker looks again from the earlier of the two.
                    if let change = securityHosts[identity.hostID] { securityHosts[identity.hostID]?.from = min(change.from, held.tsMicros) }
                    refinements[table, default: [:]][held.eventID] = ClickHouseRowRewrite.Row(
                        hostID: identity.hostID, eventID: held.eventID, storedTs: min(held.tsMicros, identity.tsMicros),
                        values: [.integer(identity.tsMicros), .integer(precision)])
                    pendingCopies[identity] = StoredCopy(eventID: held.eventID, tsMicros: identity.tsMicros, precision: precision,
                                                         version: held.version)
                case .otherTime:
                    let warning = RecordWarning(record: outcome.number, offset: outcome.offset, kind: .colliding, reason: """
                        the host holds this record (same id and content) at \(held.tsMicros) µs, which differs at the coarser \
                        time precision, in the same second; ClickHouse keeps that one (SQLite would keep both)
                        """)
                    pending.count(warning.kind)
                    recordWarnings.append(warning)
                    warnings.append([.integer(sourceID), .integer(warning.record), .integer(warning.offset), .text(warning.kind.rawValue), .text(warning.reason)])
                }
                continue
            }
            // The event id is a hash of the identity: computed once, for the copy and the row.
            let eventID = identity.eventID
            pendingCopies[identity] = StoredCopy(eventID: eventID, tsMicros: identity.tsMicros, precision: precision, version: 0)
            pending.loaded += 1
            latestPending.raise(table, identity)
            if !knownHosts.contains(identity.hostID) {
                knownHosts.insert(identity.hostID)
                newHosts.append([.integer(identity.hostID), .text(event.host.key), .text(event.host.name), event.host.ecsID.map(RowValue.text) ?? .null])
            }
            ClickHouseEventRow.write(event, into: table, identity: identity, eventID: eventID, sourceID: sourceID, sourceRecord: outcome.number,
                                     to: &rows[table, default: RowBinaryWriter(reservingCapacity: 1 << 20)])
            var collidesWith: String?
            if case .contentHash = event.recordKey {} else if let other = stored.byRecordKey[RecordKeyInHost(hostID: identity.hostID, recordKey: identity.recordKey)] {
                collidesWith = try "\(path(of: other.sourceID)):\(other.sourceRecord)"
            }
            for warning in Self.warnings(about: event, collidingWith: collidesWith, at: outcome) {
                pending.count(warning.kind)
                recordWarnings.append(warning)
                warnings.append([.integer(sourceID), .integer(warning.record), .integer(warning.offset), .text(warning.kind.rawValue), .text(warning.reason)])
            }
        }
        return recordWarnings
    }

    func commit() throws -> LoadCounts {
        guard isOpen else { return LoadCounts() }
        for table in ClickHouseEventRow.Table.allCases {
            guard let writer = rows[table], writer.rows > 0 else { continue }
            try store.client.insert(table.insertSQL, data: writer.data, purpose: "inserting \(writer.rows) rows into \(table.rawValue)")
        }
        let refine = ClickHouseRowRewrite(store: store, version: Clock.nowMicros(), replaced: [("ts_us", "Int64"), ("ts_precision_us", "Int64")])
        for (table, rows) in refinements.sorted(by: { $0.key.rawValue < $1.key.rawValue }) {
            try refine.rewrite(table, rows: rows.values.sorted { $0.eventID < $1.eventID })
        }
        try store.insertEverywhere(into: "hosts", columns: [("host_id", "Int64"), ("host_key", "String"), ("name", "String"), ("ecs_host_id", "Nullable(String)")],
                                   rows: newHosts, purpose: "recording new hosts")
        try store.insertEverywhere(into: "rejects", columns: [("source_id", "Int64"), ("record", "Int64"), ("byte_offset", "Nullable(Int64)"), ("reason", "String"), ("excerpt", "String")],
                                   rows: rejects, purpose: "recording rejected records")
        try store.insertEverywhere(into: "warnings", columns: [("source_id", "Int64"), ("record", "Int64"), ("byte_offset", "Nullable(Int64)"), ("kind", "String"), ("reason", "String")],
                                   rows: warnings, purpose: "recording warnings about loaded events")
        try ClickHouseSecurityLinker(store: store).link(hosts: securityHosts)
        batch += 1
        let counts: [RowValue] = [.integer(sourceID), .integer(batch), .integer(pending.read), .integer(pending.loaded), .integer(pending.duplicates),
                                  .integer(pending.notRelevant), .integer(pending.rejected), .integer(pending.incomplete),
                                  .integer(pending.truncated), .integer(pending.colliding)]
        try store.insertEverywhere(into: "source_counts", columns: ClickHouseStore.countColumns.map { ($0, "Int64") }, rows: [counts],
                                   purpose: "recording the counts of source \(sourceID)")
        latestStored.raise(to: latestPending)
        let committed = pending
        reset()
        return committed
    }

    func rollback() {
        reset()
    }

    private func reset() {
        rows.removeAll()
        pendingCopies.removeAll()
        refinements.removeAll()
        newHosts.removeAll()
        rejects.removeAll()
        warnings.removeAll()
        pending = LoadCounts()
        latestPending = LatestStoredTimes()
        securityHosts.removeAll()
        isOpen = false
    }

    private struct RecordKeyInHost: Hashable {
        var hostID: Int64
        var recordKey: String
    }

    /// A copy of an event the store or the open transaction holds.
    private struct StoredCopy {
        var eventID: Int64
        var tsMicros: Int64
        var precision: Int64
        var version: Int64
    }

    /// Which of these identities the server holds (each at its latest copy), and for their
    /// record keys, where another event with the same key came from (looked up within the
    /// batch's time range, which the table's order (host, ts_key) makes cheap).
    private func storedIdentities(of keys: [(ClickHouseEventRow.Table, ClickHouseEventRow.Identity)]) throws
        -> (identities: [ClickHouseEventRow.Identity: StoredCopy], byRecordKey: [RecordKeyInHost: (sourceID: Int64, sourceRecord: Int64)]) {
        var identities: [ClickHouseEventRow.Identity: StoredCopy] = [:]
        var byRecordKey: [RecordKeyInHost: (Int64, Int64)] = [:]
        for table in ClickHouseEventRow.Table.allCases {
            let mine = keys.filter { $0.0 == table }.map(\.1)
            guard !mine.isEmpty else { continue }
            let keysTable = ClickHouseExternalTable(
                name: "hunt_keys", columns: [("host_id", "Int64"), ("record_key", "String"), ("ts_key", "Int64")],
                rows: mine.map { [.integer($0.hostID), .text($0.recordKey), .integer($0.tsKey)] })
            let found = try store.client.select("""
                SELECT host_id, ts_key, record_key, content_key, source_id, source_record, event_id, ts_us, ts_precision_us, link_version
                FROM \(table.rawValue)
                WHERE host_id IN (SELECT host_id FROM hunt_keys)
                  AND ts_key >= (SELECT min(ts_key) FROM hunt_keys) AND ts_key <= (SELECT max(ts_key) FROM hunt_keys)
                  AND ts_us >= (SELECT min(ts_key) FROM hunt_keys) AND ts_us < (SELECT max(ts_key) + 1000000 FROM hunt_keys)
                  AND (host_id, record_key) IN (SELECT host_id, record_key FROM hunt_keys)
                """, tables: [keysTable], purpose: "looking up which records \(table.rawValue) holds already")
            for row in found.rows {
                guard case .integer(let host) = row[0], case .integer(let tsKey) = row[1], case .integer(let content) = row[3],
                      case .integer(let source) = row[4], case .integer(let record) = row[5], case .integer(let eventID) = row[6],
                      case .integer(let ts) = row[7], case .integer(let precision) = row[8], case .integer(let version) = row[9] else { continue }
                let key = row[2].description
                var identity = ClickHouseEventRow.Identity(hostID: host, tsMicros: ts, recordKey: key, contentKey: content, folds: false)
                identity.tsKey = tsKey
                if (identities[identity]?.version ?? .min) < version {
                    identities[identity] = StoredCopy(eventID: eventID, tsMicros: ts, precision: max(1, precision), version: version)
                }
                byRecordKey[RecordKeyInHost(hostID: host, recordKey: key)] = (source, record)
            }
        }
        return (identities, byRecordKey)
    }

    private func path(of source: Int64) throws -> String {
        if let path = sourcePaths[source] { return path }
        let path = try store.client.select("SELECT any(path) FROM sources WHERE source_id = {source:Int64}",
                                           values: ["source": .integer(source)], purpose: "naming the source of a colliding record").texts.first ?? "?"
        sourcePaths[source] = path
        return path
    }

    /// What an analyst should know about a stored event (as the SQLite store says it).
    private static func warnings(about event: NormalizedEvent, collidingWith other: String?, at outcome: RecordOutcome) -> [RecordWarning] {
        var warnings: [RecordWarning] = []
        func add(_ kind: RecordWarning.Kind, _ reason: String) {
            warnings.append(RecordWarning(record: outcome.number, offset: outcome.offset, kind: kind, reason: reason))
        }
        if !event.missingFields.isEmpty { add(.incomplete, "missing \(event.missingFields.joined(separator: ", "))") }
        if !event.truncatedFields.isEmpty {
            add(.truncated, "cut to 32,767 characters: \(event.truncatedFields.joined(separator: ", "))")
        }
        if let other { add(.colliding, "the host already holds another event under this record id (\(other)); both are kept") }
        return warnings
    }
}
