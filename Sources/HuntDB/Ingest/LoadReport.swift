import Model

/// One rejected record, or a warning about a loaded one, as reported to the user.
public struct RecordNotice: Sendable, Equatable {
    public var path: String
    /// Line number for NDJSON, record number otherwise.
    public var record: Int64
    public var offset: Int64
    public var reason: String

    /// `file.json: line 12: DestinationPort "abc" is not a port number`
    public func message(lineBased: Bool) -> String {
        "\(path): \(lineBased ? "line" : "record") \(record) (byte \(offset)): \(reason)"
    }
}

/// How the load of one input went.
public struct SourceReport: Sendable {
    public var path: String
    public var sourceID: Int64?
    public var format: String
    public var compression: String
    public var status: SourceStatus
    public var counts = LoadCounts()
    /// Why the source failed or stopped early.
    public var message: String?
    /// The first rejects (all are in the `rejects` table).
    public var firstRejects: [RecordNotice] = []
    /// The first warnings about loaded events, `kind: reason` (all are in the `warnings` table).
    public var firstWarnings: [RecordNotice] = []
    /// Problems that lost no record, one sentence each: an EVTX chunk read in spite of a checksum
    /// mismatch, records carved from a chunk whose header could not be trusted. Empty for most
    /// inputs; not stored in the database.
    public var notes: [String] = []
    public var sizeBytes: Int64 = 0
    public var seconds: Double = 0

    public var isLineBased: Bool { format.hasPrefix("ndjson") }
}

/// The result of `Loader.load`.
public struct LoadReport: Sendable {
    public var sources: [SourceReport] = []
    /// Files met while walking directories that are not event logs (README, licenses, …).
    public var skippedFiles: [String] = []
    public var interrupted = false
    public var stoppedAtMaxErrors = false
    public var seconds: Double = 0
    /// Secondary indexes rebuilt after a bulk load (or left over by an interrupted one).
    public var indexesBuilt = 0
    public var indexSeconds: Double = 0
    /// Connections to services.exe and processes it started whose alert context the load looked
    /// up and kept (`EventStore.keepAlertContext`).
    public var contextEvents = 0
    public var contextSeconds: Double = 0

    public var totals: LoadCounts {
        var total = LoadCounts()
        for source in sources { total += source.counts }
        return total
    }

    public var failedSources: [SourceReport] { sources.filter { $0.status == .failed } }
}
