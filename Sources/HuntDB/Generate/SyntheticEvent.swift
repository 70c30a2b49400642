import Model

/// The kinds of events in a corpus, with their Sysmon event ids.
public enum SyntheticEventKind: Int, Sendable, CaseIterable {
    case processCreate = 1
    case networkConnection = 3
    case processTerminate = 5
    case imageLoad = 7
    case processAccess = 10
    case fileCreate = 11
    case registryValueSet = 13
    case dnsQuery = 22

    /// Sysmon's event id.
    public var sysmonEventID: Int { rawValue }

    /// Whether `hunt load` stores events of this kind (process starts and network connections).
    public var isRelevant: Bool { self == .processCreate || self == .networkConnection }
}

/// A network connection as Sysmon event 3 reports it.
public struct SyntheticConnection {
    /// `tcp` or `udp`.
    public var transport: String
    /// Sysmon's `Initiated`: true when the process connected out.
    public var initiated: Bool
    public var sourceIP: IPText
    public var sourcePort: Int
    /// Sysmon's `SourceHostname`; nil is written as `-`.
    public var sourceHostname: String?
    public var destinationIP: IPText
    public var destinationPort: Int
    public var destinationHostname: String?
    /// Sysmon's `DestinationPortName` (`https`, `microsoft-ds`…); nil is written as `-`.
    public var destinationPortName: String?

    public var isIPv6: Bool { sourceIP.isIPv6 }
}

/// One event of the corpus, independent of the dialect it is written in.
///
/// Every sink renders the same `SyntheticEvent` values, so a corpus written in two dialects loads
/// to the same rows.
public struct SyntheticEvent {
    public var kind: SyntheticEventKind
    public var host: SyntheticHost
    /// Event time (Sysmon `UtcTime`), microseconds since 1970 UTC, whole milliseconds.
    public var timeMicros: Int64
    /// When the event log recorded it (`TimeCreated`): a little after `timeMicros`.
    public var loggedMicros: Int64
    /// Sysmon `EventRecordID`, unique and increasing per host.
    public var recordID: Int64 = 0
    /// Position in the corpus (0-based); the base of ECS `event.id`.
    public var sequence: Int64 = 0
    /// The process the event is about (the new process for a process creation).
    public var process: SyntheticProcess
    /// Event 3's details.
    public var connection: SyntheticConnection?
    /// Noise details: `ImageLoaded`, `TargetFilename`, `TargetObject` or `QueryName`.
    public var target: String?
    /// Noise details: registry `Details`, DNS `QueryResults`, access `GrantedAccess`.
    public var targetDetails: String?
    /// Event 10's target process.
    public var targetProcess: SyntheticProcess?
    /// Event 7's loaded module.
    public var targetProgram: Program?

    init(kind: SyntheticEventKind, host: SyntheticHost, timeMicros: Int64, process: SyntheticProcess) {
        self.kind = kind
        self.host = host
        self.timeMicros = timeMicros
        self.loggedMicros = timeMicros
        self.process = process
    }
}
