import Foundation
import Model
import Store

/// When a load commits: after `transactionSize` records or a second, whichever comes first.
/// Wraps the store's batch writer for one source and keeps the first rejects and warnings for the
/// report.
final class BatchTransaction {
    private let writer: any EventBatchWriter
    private let options: LoadOptions
    private var openedAt = Date()

    init(writer: any EventBatchWriter, options: LoadOptions) {
        self.writer = writer
        self.options = options
    }

    /// Counts of the records written in the open transaction.
    var pending: LoadCounts { writer.pending }

    /// When the open transaction should commit even if no more records arrive.
    var deadline: Date { writer.isOpen ? openedAt.addingTimeInterval(1) : .distantFuture }

    var isDue: Bool {
        pending.read >= Int64(options.transactionSize) || (writer.isOpen && Date().timeIntervalSince(openedAt) >= 1)
    }

    /// Writes `outcomes` (opening a transaction when none is open) and notes the first rejects and
    /// warnings.
    func add(_ outcomes: [RecordOutcome], report: inout SourceReport) throws {
        if !writer.isOpen { openedAt = Date() }
        let warnings = try writer.add(outcomes)
        for outcome in outcomes {
            guard report.firstRejects.count < options.rejectsToReport else { break }
            guard case .rejected(let reason) = outcome.result else { continue }
            report.firstRejects.append(RecordNotice(path: report.path, record: outcome.number, offset: outcome.offset, reason: reason))
        }
        for warning in warnings.prefix(max(options.rejectsToReport - report.firstWarnings.count, 0)) {
            report.firstWarnings.append(RecordNotice(path: report.path, record: warning.record, offset: warning.offset,
                                                     reason: "\(warning.kind.rawValue): \(warning.reason)"))
        }
    }

    /// Commits the open transaction with its counts. Returns the counts committed.
    func commit() throws -> LoadCounts {
        try writer.commit()
    }

    /// Abandons the open transaction (after an error).
    func rollback() {
        writer.rollback()
    }
}
