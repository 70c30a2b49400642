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

    func add(_ outcomes: [RecordOutcome]) throws {
        try StoreError.translating {
            if !isOpen {
                try database.begin("loading source \(sourceID)")
                isOpen = true
            }
            for outcome in outcomes {
                pending.read += 1
                switch outcome.result {
                case .event(let event):
                    if try writer.insert(event, sourceID: sourceID, sourceRecord: outcome.number) {
                        pending.loaded += 1
                    } else {
                        pending.duplicates += 1
                    }
                case .notRelevant:
                    pending.notRelevant += 1
                case .rejected(let reason):
                    pending.rejected += 1
                    try writer.insertReject(sourceID: sourceID, record: outcome.number, offset: outcome.offset,
                                            reason: reason, excerpt: outcome.excerpt)
                }
            }
        }
    }

    func commit() throws -> LoadCounts {
        guard isOpen else { return LoadCounts() }
        try StoreError.translating {
            try writer.addCounts(sourceID: sourceID, pending)
            try database.commit("loaded records")
        }
        isOpen = false
        defer { pending = LoadCounts() }
        return pending
    }

    func rollback() {
        guard isOpen else { return }
        database.rollback("a failed load transaction")
        isOpen = false
        pending = LoadCounts()
        writer.forgetCachedHosts()
    }
}
