import Model

/// The records of one source written in SQLite transactions: the first `add` opens a
/// transaction, `commit` adds the pending counts to the source's row and commits, so
/// whatever a crash leaves behind, committed rows and committed counts agree.
final class SQLiteBatchWriter: EventBatchWriter {
    private let database: Database
    private let writer: EventWriter
    private let sourceID: Int64
    private(set) var isOpen = false
    private(set) var pending = LoadCounts()

    init(database: Database, writer: EventWriter, sourceID: Int64) {
        self.database = database
        self.writer = writer
        self.sourceID = sourceID
    }

    func add(_ outcomes: [RecordOutcome]) throws -> [RecordWarning] {
        try StoreError.translating {
            var warnings: [RecordWarning] = []
            if !isOpen {
                // Every id a load writes comes from its own table in this transaction (hosts,
                // sources, the dictionaries), so SQLite's per-row foreign key seeks only cost time;
                // `hunt check` still verifies them. The pragma cannot change inside a transaction.
                try database.execute("PRAGMA foreign_keys = OFF", purpose: "loading source \(sourceID)")
                try database.begin("loading source \(sourceID)")
                writer.startingTransaction()
                isOpen = true
            }
            // Each outcome is borrowed: its result and event are read in place, not copied out
            // (a copy retains and releases every text of the event).
            for index in outcomes.indices { try add(outcomes[index], to: &warnings) }
            return warnings
        }
    }

    private func add(_ outcome: borrowing RecordOutcome, to warnings: inout [RecordWarning]) throws {
        pending.read += 1
        switch outcome.result {
        case .event(let event):
            switch try writer.insert(event, sourceID: sourceID, sourceRecord: outcome.number,
                                     sealedContentKey: outcome.contentKey) {
            case .duplicate:
                pending.duplicates += 1
            case .stored(let other):
                pending.loaded += 1
                for warning in Self.warnings(about: event, collidingWith: other, number: outcome.number, offset: outcome.offset) {
                    try writer.insertWarning(sourceID: sourceID, warning)
                    pending.count(warning.kind)
                    warnings.append(warning)
                }
            }
        case .notRelevant:
            pending.notRelevant += 1
        case .rejected(let reason):
            pending.rejected += 1
            try writer.insertReject(sourceID: sourceID, record: outcome.number, offset: outcome.offset,
                                    reason: reason, excerpt: outcome.excerpt)
        }
    }

    /// What an analyst should know about a stored event: missing and truncated fields, and
    /// another event under the same record key.
    private static func warnings(about event: NormalizedEvent, collidingWith other: String?,
                                 number: Int64, offset: Int64) -> [RecordWarning] {
        var warnings: [RecordWarning] = []
        func add(_ kind: RecordWarning.Kind, _ reason: String) {
            warnings.append(RecordWarning(record: number, offset: offset, kind: kind, reason: reason))
        }
        if !event.missingFields.isEmpty {
            add(.incomplete, "missing \(event.missingFields.joined(separator: ", "))")
        }
        if !event.truncatedFields.isEmpty {
            add(.truncated, "cut to 32,767 characters: \(event.truncatedFields.joined(separator: ", "))")
        }
        if let other {
            add(.colliding, "the host already holds another event under this record id (\(other)); both are kept")
        }
        return warnings
    }

    func commit() throws -> LoadCounts {
        guard isOpen else { return LoadCounts() }
        try StoreError.translating {
            let securityChanges = writer.takeSecurityChanges()
            if !securityChanges.isEmpty { try SecurityEntityLinker(database: database, entities: writer.dictionaries.entities).link(securityChanges) }
            try writer.addCounts(sourceID: sourceID, pending)
            try database.commit("loaded records")
            try database.execute("PRAGMA foreign_keys = ON", purpose: "enabling foreign keys after a load transaction")
        }
        isOpen = false
        defer { pending = LoadCounts() }
        return pending
    }

    func rollback() {
        guard isOpen else { return }
        database.rollback("a failed load transaction")
        try? database.execute("PRAGMA foreign_keys = ON", purpose: "enabling foreign keys after a load transaction")
        isOpen = false
        pending = LoadCounts()
        writer.forgetCachedHosts()
    }
}
