import Foundation
import Model
import Store

/// Options of one `hunt load`.
public struct LoadOptions: Sendable {
    /// `.auto` sniffs each file.
    public var format: InputFormat = .auto
    /// Stop the load once more than this many records were rejected in total.
    public var maxErrors: Int64?
    /// Records the reading thread hands over at a time.
    public var batchSize = 4096
    /// Records per write transaction (at most; a transaction also ends after a second).
    public var transactionSize = 50_000
    /// Whether to drop secondary indexes during the load and rebuild them at the end.
    public var indexPolicy = IndexPolicy.auto
    /// How many rejects per source the report keeps (all go to the `rejects` table).
    public var rejectsToReport = 10
    public var cancellation = Cancellation()
    /// Whether flat-dialect JSON lines are read by the direct byte scanner (`FlatDialectReader`)
    /// before the generic reader; false reads every record the generic way (the same rows, more
    /// slowly: for comparisons).
    public var readsFlatDirectly = true

    public init() {}
}

/// How a load treats the event tables' secondary indexes.
public enum IndexPolicy: String, CaseIterable, Sendable {
    /// Defer for large loads (inputs of 64 MiB or more that are large against what is stored).
    case auto
    /// Always drop them before the load and rebuild them after it.
    case `defer`
    /// Keep them and update them row by row (best for small additions to a big database).
    case keep
}

/// Live figures for a progress line.
public struct LoadProgress: Sendable {
    public var path: String
    public var sourceIndex: Int
    public var sourceCount: Int
    public var counts: LoadCounts
    public var elapsed: Double
    /// Bytes of the file read so far and its size (nil for a stream): gzip counts compressed bytes.
    public var bytesRead: Int64 = 0
    public var totalBytes: Int64?
    /// The whole load: bytes of the files before this one plus `bytesRead`, of the size of all
    /// files (nil when an input is a stream), and the time since the load began.
    public var allBytesRead: Int64 = 0
    public var allTotalBytes: Int64?
    public var allElapsed: Double = 0
}

/// Loads inputs into a store: sniffs each file, reads and normalizes on a producer thread, and
/// writes batches in short transactions on the calling thread.
public final class Loader {
    private let store: any EventStore
    private let options: LoadOptions

    public init(store: any EventStore, options: LoadOptions = LoadOptions()) {
        self.store = store
        self.options = options
    }

    /// Loads every input (files, directories recursively, `-` for stdin).
    ///
    /// Problems with one input (missing file, unknown format, truncated gzip) are reported in its
    /// `SourceReport` and the load goes on with the next.
    /// - Throws: `StoreError` when the store itself fails (disk full, read-only): the
    ///   transaction in flight is rolled back and everything committed before it stays consistent.
    public func load(_ inputs: [String], progress: ((LoadProgress) -> Void)? = nil,
                     indexProgress: ((String) -> Void)? = nil) throws -> LoadReport {
        let started = Date()
        var report = LoadReport()
        let items = InputExpansion.expand(inputs)
        let bulk = try shouldDeferIndexes(items)
        if bulk {
            try store.deferIndexes()
        } else if !(try store.pendingIndexRebuilds().isEmpty) {
            // A bulk load died before rebuilding: finish its job first.
            let indexStart = Date()
            report.indexesBuilt = try store.rebuildDeferredIndexes { indexProgress?($0) }
            report.indexSeconds = Date().timeIntervalSince(indexStart)
        }
        // On an error the dropped indexes stay recorded in deferred_indexes: the next load rebuilds them.
        try loadAll(items, into: &report, progress: progress)
        if bulk {
            let indexStart = Date()
            report.indexesBuilt = try store.rebuildDeferredIndexes { indexProgress?($0) }
            report.indexSeconds = Date().timeIntervalSince(indexStart)
        }
        if !report.interrupted {
            // After the indexes: the look-ups seek them. A load interrupted before this leaves
            // the kept context behind the events; rule runs then look it up, and the next load
            // catches up.
            let contextStart = Date()
            report.contextEvents = try store.keepAlertContext()
            report.contextSeconds = Date().timeIntervalSince(contextStart)
        }
        report.seconds = Date().timeIntervalSince(started)
        return report
    }

    /// The size of a regular file (nil for stdin, pipes and what cannot be read).
    private static func fileSize(_ path: String) -> Int64? {
        guard path != "-", let attributes = try? FileManager.default.attributesOfItem(atPath: path),
              attributes[.type] as? FileAttributeType == .typeRegular else { return nil }
        return attributes[.size] as? Int64
    }

    /// Large loads (against what is stored) drop and rebuild the secondary indexes.
    private func shouldDeferIndexes(_ items: [InputExpansion.Item]) throws -> Bool {
        switch options.indexPolicy {
        case .defer: return true
        case .keep: return false
        case .auto:
            var inputBytes: Int64 = 0
            for item in items {
                guard let attributes = try? FileManager.default.attributesOfItem(atPath: item.path),
                      let size = attributes[.size] as? Int64 else { continue }
                inputBytes += item.path.hasSuffix(".gz") ? size * 8 : size
            }
            return inputBytes >= 64 << 20 && inputBytes >= store.storedBytes() / 2
        }
    }

    private func loadAll(_ items: [InputExpansion.Item], into report: inout LoadReport,
                         progress: ((LoadProgress) -> Void)?) throws {
        let sizes = items.map { Self.fileSize($0.path) }
        let allTotal: Int64? = sizes.contains(nil) ? nil : sizes.reduce(0) { $0 + ($1 ?? 0) }
        let loadStarted = Date()
        var bytesBefore: Int64 = 0
        for (index, item) in items.enumerated() {
            if options.cancellation.isCancelled { report.interrupted = true; break }
            defer { bytesBefore += sizes[index] ?? 0 }
            let sourceStarted = Date()
            let opening = try InputOpening(item, forcedFormat: options.format)
            if item.fromDirectory, opening.isUnrecognized {
                report.skippedFiles.append(item.path)
                continue
            }
            var source = try loadOne(item, opening, totalRejectedBefore: report.totals.rejected) { counts, bytesRead, totalBytes in
                progress?(LoadProgress(path: item.path, sourceIndex: index, sourceCount: items.count,
                                       counts: counts, elapsed: Date().timeIntervalSince(sourceStarted),
                                       bytesRead: bytesRead, totalBytes: totalBytes,
                                       allBytesRead: bytesBefore + bytesRead, allTotalBytes: allTotal,
                                       allElapsed: Date().timeIntervalSince(loadStarted)))
            }
            source.seconds = Date().timeIntervalSince(sourceStarted)
            report.sources.append(source)
            if source.status == .interrupted {
                if options.cancellation.isCancelled { report.interrupted = true } else { report.stoppedAtMaxErrors = true }
                break
            }
        }
    }

    private func loadOne(_ item: InputExpansion.Item, _ opening: InputOpening, totalRejectedBefore: Int64,
                         progress: (LoadCounts, _ bytesRead: Int64, _ totalBytes: Int64?) -> Void) throws -> SourceReport {
        var report = SourceReport(path: item.path, format: "unknown", compression: "none", status: .failed)
        let opened: OpenedInput
        do {
            opened = try opening.get()
        } catch let error as IngestError {
            report.message = error.message
            let sourceID = try store.beginSource(path: item.path, format: "unknown", compression: "none")
            report.sourceID = sourceID
            try store.finishSource(sourceID, status: .failed, format: "unknown", sizeBytes: nil, sha256: nil, message: error.message)
            return report
        }
        report.format = opened.format.rawValue
        report.compression = opened.compression
        let sourceID = try store.beginSource(path: item.path, format: opened.format.rawValue, compression: opened.compression)
        report.sourceID = sourceID

        let queue = BoundedQueue<ProducerMessage>(capacity: 4)
        // Written batches go back to the reading thread to be refilled there (`OutcomeBatch`):
        // it allocated their strings, so freeing them is cheap there (its own malloc cache) and
        // off the writer, the load's busier thread.
        // One batch at a time: the reader keeps the one it refills, more are freed by the writer,
        // so memory stays bounded (and below what two waiting batches held before).
        let spent = BoundedQueue<[RecordOutcome]>(capacity: 1)
        let batchSize = options.batchSize
        let cancellation = options.cancellation
        let readsFlatDirectly = options.readsFlatDirectly
        let producer = Thread {
            var source: any RecordSource
            switch opened.makeSource(readsFlatDirectly: readsFlatDirectly) {
            case .success(let s): source = s
            case .failure(let error):
                queue.push(.failed(error.message, label: opened.format.rawValue, notes: []))
                queue.close()
                return
            }
            var batch = OutcomeBatch(capacity: batchSize)
            var open = true
            do {
                try source.read { outcome in
                    batch.add(outcome)
                    if batch.isFull {
                        // A written batch comes back to be filled again (and its events freed
                        // one by one on this thread, which made them).
                        open = queue.push(.batch(batch.take(startingOver: spent.takeAll().last)))
                    }
                    return open && !cancellation.isCancelled
                }
                if !batch.isEmpty { queue.push(.batch(batch.take(startingOver: nil))) }
                queue.push(.finished(label: source.formatLabel, notes: source.notes))
            } catch let error as IngestError {
                if !batch.isEmpty { queue.push(.batch(batch.take(startingOver: nil))) }
                queue.push(.failed(error.message, label: source.formatLabel, notes: source.notes))
            } catch {
                if !batch.isEmpty { queue.push(.batch(batch.take(startingOver: nil))) }
                queue.push(.failed("\(error)", label: source.formatLabel, notes: source.notes))
            }
            queue.close()
        }
        producer.stackSize = 8 << 20
        producer.start()

        var endStatus: SourceStatus = .interrupted
        var label = opened.format.rawValue
        let transaction = BatchTransaction(writer: try store.makeBatchWriter(sourceID: sourceID), options: options)
        do {
            defer { queue.close() }
            func next() throws -> ProducerMessage? {
                switch queue.pop(before: transaction.deadline) {
                case .item(let message): return message
                case .closed: return nil
                case .timedOut:
                    // Input is slow (a pipe): commit rather than hold the write lock while waiting,
                    // and say how far the load got (the only commits a slow input sees).
                    report.counts += try transaction.commit()
                    progress(report.counts, opened.file.bytesRead, opened.file.totalBytes)
                    return queue.pop()
                }
            }
            while let message = try next() {
                switch message {
                case .batch(let outcomes):
                    if cancellation.isCancelled { break }
                    try transaction.add(outcomes, report: &report)
                    spent.offer(outcomes)
                    if transaction.isDue {
                        report.counts += try transaction.commit()
                        progress(report.counts, opened.file.bytesRead, opened.file.totalBytes)
                    }
                    if let maxErrors = options.maxErrors, totalRejectedBefore + report.counts.rejected + transaction.pending.rejected > maxErrors {
                        report.message = "stopped after more than \(maxErrors) rejected records (--max-errors)"
                        endStatus = .interrupted
                        queue.close()
                    }
                case .finished(let finalLabel, let notes):
                    report.counts += try transaction.commit()
                    label = finalLabel
                    report.notes = notes
                    endStatus = cancellation.isCancelled ? .interrupted : .complete
                case .failed(let text, let finalLabel, let notes):
                    report.counts += try transaction.commit()
                    label = finalLabel
                    report.notes = notes
                    report.message = text
                    endStatus = .failed
                }
                if report.message != nil, endStatus == .interrupted { break }
                if cancellation.isCancelled { break }
            }
            report.counts += try transaction.commit()
        } catch {
            transaction.rollback()
            throw error
        }
        if cancellation.isCancelled {
            endStatus = .interrupted
            report.message = report.message ?? "interrupted (Ctrl-C); run the same load again to finish it"
        }
        while !producer.isFinished { usleep(1000) }
        label = opened.formatLabel(reader: label)
        if endStatus == .complete, let note = opened.readingNote { report.notes.append(note) }
        report.status = endStatus
        report.format = label
        report.sizeBytes = opened.file.bytesRead
        let hash = endStatus == .complete ? opened.file.sha256Hex() : nil
        try store.finishSource(sourceID, status: endStatus, format: label, sizeBytes: opened.file.bytesRead,
                          sha256: hash, message: report.message)
        return report
    }
}

private enum ProducerMessage {
    case batch([RecordOutcome])
    case finished(label: String, notes: [String])
    case failed(String, label: String, notes: [String])
}
