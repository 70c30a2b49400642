import Foundation

/// Options of one `hunt load`.
public struct LoadOptions: Sendable {
    /// `.auto` sniffs each file.
    public var format: InputFormat = .auto
    /// Stop the load once more than this many records were rejected in total.
    public var maxErrors: Int64?
    /// Records per write transaction.
    public var batchSize = 8192
    /// How many rejects per source the report keeps (all go to the `rejects` table).
    public var rejectsToReport = 10
    public var cancellation = Cancellation()

    public init() {}
}

/// Live figures for a progress line.
public struct LoadProgress: Sendable {
    public var path: String
    public var sourceIndex: Int
    public var sourceCount: Int
    public var counts: LoadCounts
    public var elapsed: Double
}

/// Loads inputs into a store: sniffs each file, reads and normalizes on a producer thread, and
/// writes batches in short transactions on the calling thread.
public final class Loader {
    private let store: HuntStore
    private let options: LoadOptions
    private let writer: EventWriter
    private let ledger: SourceLedger

    public init(store: HuntStore, options: LoadOptions = LoadOptions()) throws {
        self.store = store
        self.options = options
        self.writer = try EventWriter(database: store.database)
        self.ledger = SourceLedger(database: store.database)
    }

    /// Loads every input (files, directories recursively, `-` for stdin).
    ///
    /// Problems with one input (missing file, unknown format, truncated gzip) are reported in its
    /// `SourceReport` and the load goes on with the next.
    /// - Throws: `DatabaseError` when the database itself fails (disk full, read-only): the
    ///   transaction in flight is rolled back and everything committed before it stays consistent.
    public func load(_ inputs: [String], progress: ((LoadProgress) -> Void)? = nil) throws -> LoadReport {
        let started = Date()
        var report = LoadReport()
        let items = InputExpansion.expand(inputs)
        for (index, item) in items.enumerated() {
            if options.cancellation.isCancelled { report.interrupted = true; break }
            let sourceStarted = Date()
            if item.fromDirectory, item.problem == nil, try OpenedInput.isUnrecognized(path: item.path, forcedFormat: options.format) {
                report.skippedFiles.append(item.path)
                continue
            }
            var source = try loadOne(item, totalRejectedBefore: report.totals.rejected) { counts in
                progress?(LoadProgress(path: item.path, sourceIndex: index, sourceCount: items.count,
                                       counts: counts, elapsed: Date().timeIntervalSince(sourceStarted)))
            }
            source.seconds = Date().timeIntervalSince(sourceStarted)
            report.sources.append(source)
            if source.status == .interrupted {
                if options.cancellation.isCancelled { report.interrupted = true } else { report.stoppedAtMaxErrors = true }
                break
            }
        }
        report.seconds = Date().timeIntervalSince(started)
        return report
    }

    private func loadOne(_ item: InputExpansion.Item, totalRejectedBefore: Int64,
                         progress: (LoadCounts) -> Void) throws -> SourceReport {
        var report = SourceReport(path: item.path, format: "unknown", compression: "none", status: .failed)
        let opened: OpenedInput
        do {
            if let problem = item.problem { throw IngestError(path: item.path, problem) }
            opened = try OpenedInput(path: item.path, forcedFormat: options.format)
        } catch let error as IngestError {
            report.message = error.message
            report.sourceID = try ledger.begin(path: item.path, format: "unknown", compression: "none")
            try ledger.finish(sourceID: report.sourceID!, status: .failed, format: "unknown", sizeBytes: nil, sha256: nil, message: error.message)
            return report
        }
        report.format = opened.format.rawValue
        report.compression = opened.compression
        let sourceID = try ledger.begin(path: item.path, format: opened.format.rawValue, compression: opened.compression)
        report.sourceID = sourceID

        let queue = BoundedQueue<ProducerMessage>(capacity: 4)
        let batchSize = options.batchSize
        let cancellation = options.cancellation
        let producer = Thread {
            var source: any RecordSource
            switch opened.makeSource() {
            case .success(let s): source = s
            case .failure(let error):
                queue.push(.failed(error.message, label: opened.format.rawValue))
                queue.close()
                return
            }
            var batch: [RecordOutcome] = []
            batch.reserveCapacity(batchSize)
            var open = true
            do {
                try source.read { outcome in
                    batch.append(outcome)
                    if batch.count >= batchSize {
                        open = queue.push(.batch(batch))
                        batch.removeAll(keepingCapacity: true)
                    }
                    return open && !cancellation.isCancelled
                }
                if !batch.isEmpty { queue.push(.batch(batch)) }
                queue.push(.finished(label: source.formatLabel))
            } catch let error as IngestError {
                if !batch.isEmpty { queue.push(.batch(batch)) }
                queue.push(.failed(error.message, label: source.formatLabel))
            } catch {
                if !batch.isEmpty { queue.push(.batch(batch)) }
                queue.push(.failed("\(error)", label: source.formatLabel))
            }
            queue.close()
        }
        producer.stackSize = 8 << 20
        producer.start()

        var endStatus: SourceStatus = .interrupted
        var label = opened.format.rawValue
        do {
            defer { queue.close() }
            while let message = queue.pop() {
                switch message {
                case .batch(let outcomes):
                    if cancellation.isCancelled { break }
                    let counts = try write(outcomes, sourceID: sourceID, report: &report)
                    report.counts += counts
                    progress(report.counts)
                    if let maxErrors = options.maxErrors, totalRejectedBefore + report.counts.rejected > maxErrors {
                        report.message = "stopped after more than \(maxErrors) rejected records (--max-errors)"
                        endStatus = .interrupted
                        queue.close()
                    }
                case .finished(let finalLabel):
                    label = finalLabel
                    endStatus = cancellation.isCancelled ? .interrupted : .complete
                case .failed(let text, let finalLabel):
                    label = finalLabel
                    report.message = text
                    endStatus = .failed
                }
                if report.message != nil, endStatus == .interrupted { break }
                if cancellation.isCancelled { break }
            }
        }
        if cancellation.isCancelled {
            endStatus = .interrupted
            report.message = report.message ?? "interrupted (Ctrl-C); run the same load again to finish it"
        }
        while !producer.isFinished { usleep(1000) }
        report.status = endStatus
        report.format = label
        report.sizeBytes = opened.file.bytesRead
        let hash = endStatus == .complete ? opened.file.sha256Hex() : nil
        try ledger.finish(sourceID: sourceID, status: endStatus, format: label, sizeBytes: opened.file.bytesRead,
                          sha256: hash, message: report.message)
        return report
    }

    /// Writes one batch and its counts in one transaction.
    private func write(_ outcomes: [RecordOutcome], sourceID: Int64, report: inout SourceReport) throws -> LoadCounts {
        var counts = LoadCounts()
        var notices: [RejectNotice] = []
        do {
            try store.database.transaction("loading a batch of records from \(report.path)") {
                for outcome in outcomes {
                    counts.read += 1
                    switch outcome.result {
                    case .event(let event):
                        if try writer.insert(event, sourceID: sourceID, sourceRecord: outcome.number) {
                            counts.loaded += 1
                        } else {
                            counts.duplicates += 1
                        }
                    case .notRelevant:
                        counts.notRelevant += 1
                    case .rejected(let reason):
                        counts.rejected += 1
                        try writer.insertReject(sourceID: sourceID, record: outcome.number, offset: outcome.offset,
                                                reason: reason, excerpt: outcome.excerpt)
                        if notices.count + report.firstRejects.count < options.rejectsToReport {
                            notices.append(RejectNotice(path: report.path, record: outcome.number, offset: outcome.offset, reason: reason))
                        }
                    }
                }
                try writer.addCounts(sourceID: sourceID, counts)
            }
        } catch {
            writer.forgetCachedHosts()
            throw error
        }
        report.firstRejects += notices
        return counts
    }
}

private enum ProducerMessage {
    case batch([RecordOutcome])
    case finished(label: String)
    case failed(String, label: String)
}
