import Foundation

/// One open write transaction of a load: batches of records go in, and the transaction commits
/// with the source's updated counts after `transactionSize` records or a second, whichever is
/// first. Whatever a crash leaves behind, committed rows and committed counts agree.
final class BatchTransaction {
    private let database: Database
    private let writer: EventWriter
    private let options: LoadOptions
    private var open = false
    private var openedAt = Date()
    /// Counts of the records written in the open transaction.
    private(set) var pending = LoadCounts()

    init(database: Database, writer: EventWriter, options: LoadOptions) {
        self.database = database
        self.writer = writer
        self.options = options
    }

    /// When the open transaction should commit even if no more records arrive.
    var deadline: Date { open ? openedAt.addingTimeInterval(1) : .distantFuture }

    var isDue: Bool {
        pending.read >= Int64(options.transactionSize) || (open && Date().timeIntervalSince(openedAt) >= 1)
    }

    /// Writes `outcomes` into the open transaction (opening one when needed).
    func add(_ outcomes: [RecordOutcome], sourceID: Int64, report: inout SourceReport) throws {
        if !open {
            try database.execute("BEGIN IMMEDIATE", purpose: "starting a load transaction for \(report.path)")
            open = true
            openedAt = Date()
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
                if report.firstRejects.count < options.rejectsToReport {
                    report.firstRejects.append(RejectNotice(path: report.path, record: outcome.number, offset: outcome.offset, reason: reason))
                }
            }
        }
    }

    /// Adds the pending counts to the source and commits. Returns the counts committed.
    func commit(sourceID: Int64) throws -> LoadCounts {
        guard open else { return LoadCounts() }
        try writer.addCounts(sourceID: sourceID, pending)
        try database.execute("COMMIT", purpose: "committing loaded records")
        open = false
        defer { pending = LoadCounts() }
        return pending
    }

    /// Abandons the open transaction (after an error).
    func rollback() {
        guard open else { return }
        try? database.execute("ROLLBACK", purpose: "rolling back a failed load transaction")
        open = false
        pending = LoadCounts()
        writer.forgetCachedHosts()
    }
}
