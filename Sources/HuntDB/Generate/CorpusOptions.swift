import Model

/// What `hunt generate` should produce: fleet size, time span, volume, seed and planted cases.
///
/// ```swift
/// var options = CorpusOptions()
/// options.events = 1_000_000
/// options.seed = 7
/// options.irrelevantRatio = 0.9
/// ```
public struct CorpusOptions: Sendable, Equatable {
    /// Total number of events written.
    public var events: Int = 100_000
    /// Number of hosts in the fleet (servers named `SRV-…`, workstations `WS-0001`…).
    public var hosts: Int = 20
    /// Length of the corpus in days.
    public var days: Int = 2
    /// First instant of the corpus, microseconds since 1970 UTC (default 2026-11-01T00:00:00Z).
    public var startMicros: Int64 = CorpusOptions.defaultStartMicros
    /// The seed: same seed and options give byte-identical output.
    public var seed: UInt64 = 1
    /// Number of planted true positives; nil scales with `events` (one per 100,000, at least 1).
    /// Each comes with one labelled near miss of every `PlantedKind`.
    public var planted: Int?
    /// Fraction of events that are neither process starts nor network connections (0 to 1).
    public var irrelevantRatio: Double = 0

    /// 2026-11-01T00:00:00Z.
    public static let defaultStartMicros: Int64 = 1_793_491_200_000_000

    public init() {}

    /// The number of planted true positives actually generated.
    public var plantedCount: Int { planted ?? max(1, events / 100_000) }

    /// The end of the corpus, microseconds since 1970 UTC.
    public var endMicros: Int64 { startMicros + Int64(days) * 86_400_000_000 }

    /// Checks the options make sense together.
    /// - Throws: `CorpusError.invalidOption` naming the option and the allowed values, or
    ///   `CorpusError.tooFewEvents` when `events` cannot hold the fleet's boots and the planted cases.
    public func validate() throws(CorpusError) {
        if events < 1 { throw .invalidOption("--events must be at least 1.") }
        if hosts < 1 || hosts > 100_000 { throw .invalidOption("--hosts must be between 1 and 100000.") }
        if days < 1 || days > 3650 { throw .invalidOption("--days must be between 1 and 3650.") }
        if let planted, planted < 1 { throw .invalidOption("--planted must be at least 1.") }
        if !(0...1).contains(irrelevantRatio) || irrelevantRatio.isNaN {
            throw .invalidOption("--irrelevant-ratio must be between 0 and 1.")
        }
        if startMicros < 0 || endMicros > 253_402_300_799_000_000 {
            throw .invalidOption("--start must lie between 1970 and 9999 (and --days keep it there).")
        }
        let needed = FleetPlan(options: self).reservedEvents
        if events < needed {
            throw .tooFewEvents(needed: needed, hosts: hosts, planted: plantedCount)
        }
    }
}

/// Why a corpus cannot be generated or written.
public enum CorpusError: Error, Equatable, CustomStringConvertible {
    case invalidOption(String)
    case tooFewEvents(needed: Int, hosts: Int, planted: Int)
    case output(path: String, reason: String)

    public var description: String {
        switch self {
        case .invalidOption(let message):
            return message
        case .tooFewEvents(let needed, let hosts, let planted):
            return "--events is too small: \(hosts) hosts with their boots and \(planted) planted case(s) with their near misses need at least \(needed) events; raise --events or lower --hosts, --days or --planted."
        case .output(let path, let reason):
            return "Cannot write the corpus to \(path): \(reason)."
        }
    }
}
