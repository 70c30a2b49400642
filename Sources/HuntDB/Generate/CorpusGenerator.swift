import Foundation
import Model

/// Writes a synthetic corpus: the fleet's events into a sink, and the ground truth.
///
/// ```swift
/// var options = CorpusOptions()
/// options.events = 5_000
/// let output = try CorpusOutput(path: "corpus.ndjson")
/// var sink = CorpusDialect.sysmonFlat.makeSink(output: output)
/// let summary = try CorpusGenerator(options: options).generate(into: &sink)
/// print(summary.plantedCases.filter { $0.kind == .truePositive }.count)
/// ```
public struct CorpusGenerator {
    public let options: CorpusOptions

    /// - Throws: `CorpusError` when the options are invalid.
    public init(options: CorpusOptions) throws(CorpusError) {
        try options.validate()
        self.options = options
    }

    /// The corpus as a stream of events (no output involved).
    public func events() throws(CorpusError) -> CorpusEventStream {
        try CorpusEventStream(options: options)
    }

    /// Writes every event into `sink`, then finishes it.
    ///
    /// Events are generated on a second thread while the calling thread renders them, in
    /// batches through a small bounded queue: the output is the same as a single thread's.
    /// - Parameter progress: called every 65,536 events with the number written so far.
    /// - Throws: the sink's errors (`CorpusError.output` for the byte-writing sinks).
    public func generate<S: CorpusSink>(into sink: inout S, progress: ((Int64) -> Void)? = nil) throws -> CorpusSummary {
        let stream = UncheckedBox(try CorpusEventStream(options: options))
        let queue = BoundedQueue<[SyntheticEvent]>(capacity: 8)
        let done = DispatchSemaphore(value: 0)
        let producer = Thread {
            defer { done.signal() }
            defer { queue.close() }
            var batch: [SyntheticEvent] = []
            batch.reserveCapacity(Self.batchSize)
            while let event = stream.value.next() {
                batch.append(event)
                if batch.count == Self.batchSize {
                    guard queue.push(batch) else { return }
                    batch.removeAll(keepingCapacity: true)
                }
            }
            if !batch.isEmpty { queue.push(batch) }
        }
        producer.stackSize = 4 << 20
        producer.start()
        var written: Int64 = 0
        do {
            while let batch = queue.pop() {
                for event in batch { try sink.write(event) }
                let before = written
                written += Int64(batch.count)
                if let progress, before >> 16 != written >> 16 { progress(written) }
            }
        } catch {
            queue.close()
            done.wait()
            throw error
        }
        done.wait()
        try sink.finish()
        let s = stream.value
        return CorpusSummary(events: s.emitted, counts: s.counts, hosts: s.hosts, plantedCases: s.plantedCases)
    }

    private static let batchSize = 1024

    /// Writes every event into an existential sink (as `CorpusDialect.makeSink` returns).
    public func generate(into sink: inout any CorpusSink, progress: ((Int64) -> Void)? = nil) throws -> CorpusSummary {
        try generateOpened(&sink, progress: progress)
    }

    private func generateOpened<S: CorpusSink>(_ sink: inout S, progress: ((Int64) -> Void)?) throws -> CorpusSummary {
        try generate(into: &sink, progress: progress)
    }

    /// Writes the ground truth, one JSON line per planted case, with ids as `dialect` stores them.
    /// - Throws: `CorpusError.output` when the file cannot be written.
    public static func writeTruth(_ cases: [PlantedCase], dialect: CorpusDialect, to path: String) throws(CorpusError) {
        let output = try CorpusOutput(path: path)
        var text = ByteBuffer(capacity: 1 << 16)
        for planted in cases {
            text.appendRaw(planted.jsonLine(for: dialect))
            text.append(0x0A)
        }
        try output.write(text.bytes)
        try output.close()
    }
}

/// What a corpus holds.
public struct CorpusSummary {
    public let events: Int64
    /// Events per kind.
    public let counts: [SyntheticEventKind: Int]
    public let hosts: [SyntheticHost]
    /// Every planted case in the order they were planted (not necessarily time order).
    public let plantedCases: [PlantedCase]

    /// Process starts and network connections: the events `hunt load` stores.
    public var relevantEvents: Int { (counts[.processCreate] ?? 0) + (counts[.networkConnection] ?? 0) }

    /// Planted cases of `kind`.
    public func planted(_ kind: PlantedKind) -> [PlantedCase] { plantedCases.filter { $0.kind == kind } }
}

/// Hands a value to the generator thread; only one thread uses it at a time (the producer until
/// it signals it is done).
private final class UncheckedBox<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}
