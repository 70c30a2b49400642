/// One event in the canonical model, whatever dialect it came from.
///
/// Field names follow ECS. Strings are already canonical: entity ids in one spelling, IPs in
/// one text form, transport and direction in lower case.
public struct NormalizedEvent: Sendable, Equatable {
    public enum Kind: String, Sendable {
        case processStart = "process"
        case networkConnection = "network"
        /// A process ended (Security 4689): bounds the life of a pid for entity linking.
        case processExit = "exit"
        /// The host started (Security 4608): every pid's life ends.
        case hostBoot = "boot"
        /// An account logged on or failed to (Security 4624 / 4625): context, not a process.
        case logon = "logon"
        /// A service was installed or its ImagePath set (System 7045, Security 4697, Sysmon 13).
        case serviceInstall = "service"
        /// A process's command line as another log gives it (PowerShell 4103's ContextInfo
        /// `Host Application`, keyed by the process id): context for a process whose start was
        /// not recorded. `pid` and `commandLine` hold it.
        case commandLineEvidence = "command_line"
    }

    public var kind: Kind
    public var host: HostIdentity
    /// Event time in microseconds since 1970-01-01 UTC.
    public var timestampMicros: Int64
    /// Identity of the record within its host, used to store each event once.
    public var recordKey: RecordKey
    /// Which kind of log the event came from.
    public var sourceKind: SourceKind = .sysmon
    /// How precise `timestampMicros` is, in microseconds: 1 for µs or finer, 1,000 for
    /// milliseconds, 1,000,000 for whole seconds.
    public var timePrecisionMicros: Int64 = 1

    public var entityID: String
    public var pid: Int64?
    /// The executable's path; setting it also sets `name`.
    public var executable: String? {
        get { executablePath?.path }
        set { executablePath = newValue.map(ExecutablePath.init) }
    }
    /// Basename of the executable (after the last `\` or `/`).
    public var name: String? { executablePath?.name }
    /// The executable's path with its name: a reader that meets a path again hands both back.
    public var executablePath: ExecutablePath?
    public var userName: String?
    public var userDomain: String?

    // Process starts.
    public var commandLine: String?
    /// The arguments; setting them also renders `argsJSON` (on the reading thread, not the writer's).
    public var args: [String]? {
        get { arguments?.list }
        set { arguments = newValue.map(RenderedArguments.init) }
    }
    /// `args` as a JSON array, as stored.
    public var argsJSON: String? { arguments?.json }
    /// The arguments with their JSON: a reader that meets a command line again hands both back
    /// without splitting and rendering it again.
    public var arguments: RenderedArguments?
    public var workingDirectory: String?
    public var parentEntityID: String?
    public var parentPID: Int64?
    public var parentExecutable: String? {
        get { parentExecutablePath?.path }
        set { parentExecutablePath = newValue.map(ExecutablePath.init) }
    }
    public var parentName: String? { parentExecutablePath?.name }
    public var parentExecutablePath: ExecutablePath?
    public var parentCommandLine: String?
    public var integrityLevel: String?
    public var hashes: String?
    /// The executable's version resource: original file name, description, product, company, version.
    public var originalFileName: String?
    public var fileDescription: String?
    public var product: String?
    public var company: String?
    public var fileVersion: String?
    /// The logon session, as the log gives it (`0x3e7`).
    public var logonID: String?
    public var logonGUID: String?
    public var terminalSessionID: Int64?
    /// The parent's account as the log gives it (`DOMAIN\user`).
    public var parentUser: String?

    // Network connections.
    public var transport: String?
    public var direction: String?
    public var sourceIP: String?
    public var sourcePort: Int64?
    public var sourceHostname: String?
    public var destinationIP: String?
    public var destinationPort: Int64?
    public var destinationHostname: String?
    /// Service names of the ports, as Sysmon resolves them (`epmap`, `microsoft-ds`).
    public var sourcePortName: String?
    public var destinationPortName: String?

    // Context events (kind `.logon` / `.serviceInstall`); `userName`, `userDomain`, `logonID`,
    // `sourceIP`, `sourcePort`, `pid` and `executable` hold the logon's account, session, client
    // address and the process that asked for it (a service's: the subject that installed it).
    public var logon: LogonDetails?
    public var service: ServiceDetails?

    // What the loader reports about the event (it is stored either way).
    /// Fields a rule needs that the record did not have (`Initiated`, `UtcTime (TimeCreated used)`).
    public var missingFields: [String] = []
    /// Fields cut to the longest Windows allows, each as `CommandLine (44,000,000 characters)`.
    public var truncatedFields: [String] = []

    public init(kind: Kind, host: HostIdentity, timestampMicros: Int64, recordKey: RecordKey, entityID: String) {
        self.kind = kind
        self.host = host
        self.timestampMicros = timestampMicros
        self.recordKey = recordKey
        self.entityID = entityID
    }

}

/// An executable's path and its basename (after the last `\` or `/`).
public struct ExecutablePath: Sendable, Equatable {
    public let path: String
    public let name: String

    public init(_ path: String) {
        self.path = path
        name = PathName.basename(path)
    }
}

/// A process's arguments and their rendering as a JSON array of strings (as stored).
public struct RenderedArguments: Sendable, Equatable {
    public let list: [String]
    public let json: String

    public init(_ list: [String]) {
        self.list = list
        json = JSONText.array(list)
    }
}

/// Which endpoint an event came from.
public struct HostIdentity: Sendable, Hashable {
    /// The key hosts are matched on: ECS host.id, else the lower-cased computer name.
    public var key: String
    /// The host's name as the event gives it (ECS host.name, Sysmon Computer).
    public var name: String
    /// ECS host.id when present.
    public var ecsID: String?

    public init(name: String, ecsID: String?) {
        self.name = name
        self.ecsID = ecsID
        self.key = ecsID.map { "id:" + $0.lowercased() } ?? name.lowercased()
    }
}

/// The identity of a record within its host.
public enum RecordKey: Sendable, Hashable {
    /// EventRecordID in Sysmon's own channel (Microsoft-Windows-Sysmon/Operational).
    case sysmonRecord(Int64)
    /// A record id in another channel (e.g. ForwardedEvents), or an ECS `event.id`.
    case named(String)
    /// A hash of the whole record as read, for records without an id.
    case contentHash([UInt8])
}

package enum PathName {
    /// The part after the last `\` or `/`.
    package static func basename(_ path: String) -> String {
        var utf8 = Substring(path).utf8
        if let cut = utf8.lastIndex(where: { $0 == UInt8(ascii: "\\") || $0 == UInt8(ascii: "/") }) {
            utf8 = utf8[utf8.index(after: cut)...]
        }
        return String(Substring(utf8))
    }
}
