import Model

/// What a remote-service alert knows about its connection and child, for looking up its context
/// (`EventStore.remoteServiceContext`). Times in microseconds since 1970 UTC.
public struct RemoteServiceContextRequest: Sendable, Equatable {
    /// The alert's host (the target), by name.
    public var host: String
    /// The incoming connection to services.exe, when the alert has one.
    public var connectionMicros: Int64?
    public var sourceIP: String?
    public var sourcePort: Int64?
    public var destinationIP: String?
    public var destinationPort: Int64?
    /// The process services.exe started, when the alert has one.
    public var childMicros: Int64?
    public var childExecutable: String?
    public var childCommandLine: String?

    public init(host: String) { self.host = host }
}

/// The context found for one alert; every field is nil when its evidence is absent.
public struct RemoteServiceContext: Sendable, Equatable {
    // The network logon on the target from the connection's source address.
    public var logonUser: String?
    public var logonDomain: String?
    public var logonID: String?
    public var logonType: Int64?
    public var logonMicros: Int64?
    public var logonIP: String?
    // The service installed (or whose ImagePath was set) before the child, with its image path.
    public var serviceName: String?
    public var serviceImage: String?
    public var serviceMicros: Int64?
    // The process on the source host whose outgoing connection is the alert's incoming one.
    public var sourceHost: String?
    public var sourceEntityID: String?
    public var sourceExecutable: String?
    public var sourceCommandLine: String?
    /// The source host's clock minus the target's, as found by matching the two sides of the
    /// connection, in milliseconds.
    public var sourceClockOffsetMillis: Int64?

    public init() {}
}

extension RemoteServiceContext {
    /// The alert columns the context fills, in the order `write(into:at:)` writes them.
    public static let columnNames = [
        "logon_user", "logon_domain", "logon_id", "logon_type", "logon_time", "logon_ip",
        "service_name", "service_image", "service_time",
        "source_host", "source_entity_id", "source_executable", "source_command_line", "clock_offset_ms",
    ]

    /// Writes the values into `row[first...]`, in `columnNames` order (times in microseconds).
    public consuming func write(into row: inout [RowValue], at first: Int) {
        func text(_ value: String?) -> RowValue { value.map(RowValue.text) ?? .null }
        func integer(_ value: Int64?) -> RowValue { value.map(RowValue.integer) ?? .null }
        row[first] = text(logonUser)
        row[first + 1] = text(logonDomain)
        row[first + 2] = text(logonID)
        row[first + 3] = integer(logonType)
        row[first + 4] = integer(logonMicros)
        row[first + 5] = text(logonIP)
        row[first + 6] = text(serviceName)
        row[first + 7] = text(serviceImage)
        row[first + 8] = integer(serviceMicros)
        row[first + 9] = text(sourceHost)
        row[first + 10] = text(sourceEntityID)
        row[first + 11] = text(sourceExecutable)
        row[first + 12] = text(sourceCommandLine)
        row[first + 13] = integer(sourceClockOffsetMillis)
    }

    /// The context's columns, all null: what `write(into:at:)` writes into to read a context back.
    static let nullRow = [RowValue](repeating: .null, count: columnNames.count)

    /// The context `write(into:at:)` wrote into `row[first...]`.
    init(row: [RowValue], at first: Int) {
        func text(_ i: Int) -> String? { if case .text(let v) = row[first + i] { v } else { nil } }
        func integer(_ i: Int) -> Int64? { if case .integer(let v) = row[first + i] { v } else { nil } }
        self.init()
        logonUser = text(0)
        logonDomain = text(1)
        logonID = text(2)
        logonType = integer(3)
        logonMicros = integer(4)
        logonIP = text(5)
        serviceName = text(6)
        serviceImage = text(7)
        serviceMicros = integer(8)
        sourceHost = text(9)
        sourceEntityID = text(10)
        sourceExecutable = text(11)
        sourceCommandLine = text(12)
        sourceClockOffsetMillis = integer(13)
    }
}

/// The windows and tolerances of the alert context, in microseconds (README: "Alert context").
public struct AlertContextWindows: Sendable, Equatable {
    /// How long before the connection (or the child) a logon may have happened: a session can
    /// be reused for minutes (SMB then RPC over the same logon).
    public var logonBefore: Int64 = 600_000_000
    /// How long after the connection a logon may be written: Windows logs the logon once the
    /// client authenticated over that connection, a few milliseconds after it was accepted.
    public var logonAfter: Int64 = 5_000_000
    /// How long before the child a service may have been installed (or its ImagePath set).
    public var serviceBefore: Int64 = 600_000_000
    /// How long after the child start a service install may be stamped (logs of whole seconds).
    public var serviceAfter: Int64 = 2_000_000
    /// How far apart the two hosts' clocks may be when matching the source side of a connection.
    public var clockTolerance: Int64 = 300_000_000
    /// How far from the source connection command-line evidence (PowerShell 4103) of the same
    /// host and pid may be, when the source process's start was not recorded: a PowerShell host
    /// logs a 4103 for each command it runs, so a live session leaves one every few minutes.
    public var evidenceWindow: Int64 = 3_600_000_000

    public init() {}
}

/// The alert context of one rule run's batches (`EventStore.remoteServiceContextLookup`).
public protocol RemoteServiceContextLookup: AnyObject {
    /// The context of each request, in order (empty where nothing is found).
    func contexts(for requests: [RemoteServiceContextRequest]) throws -> [RemoteServiceContext]

    /// Writes the whole context of one request into `row[first...]` (as
    /// `RemoteServiceContext.write(into:at:)` does) when the store kept it, found without waiting
    /// for a batch; false: ask `contexts(for:)`. Requests come in the rule's order (by time).
    func keptContext(of request: RemoteServiceContextRequest, into row: inout [RowValue], at first: Int) throws -> Bool
}

extension RemoteServiceContextLookup {
    public func keptContext(of request: RemoteServiceContextRequest, into row: inout [RowValue], at first: Int) throws -> Bool { false }
}

extension EventStore {
    public func keepAlertContext() throws -> Int { 0 }

    /// A store without context events answers with empty contexts (every column null).
    public func remoteServiceContext(_ requests: [RemoteServiceContextRequest], windows: AlertContextWindows) throws -> [RemoteServiceContext] {
        requests.map { _ in RemoteServiceContext() }
    }

    /// How many alerts wait for their context to be looked up together. SQLite seeks per alert
    /// or per batch (2,048 keeps its plans' choices and the waiting rows small); ClickHouse
    /// answers each batch with scans of the event tables, so it gets fewer, larger batches (at
    /// 10M events and 457,866 alerts: 28 batches instead of 224).
    public var contextBatchSize: Int {
        switch dialect {
        case .sqlite: 2_048
        case .clickhouse: 16_384
        }
    }

    /// One `remoteServiceContext` call per batch.
    public func remoteServiceContextLookup(windows: AlertContextWindows) throws -> any RemoteServiceContextLookup {
        BatchByBatchContextLookup(store: self, windows: windows)
    }
}

/// The default lookup: each batch asked of the store on its own.
private final class BatchByBatchContextLookup: RemoteServiceContextLookup {
    let store: any EventStore
    let windows: AlertContextWindows

    init(store: any EventStore, windows: AlertContextWindows) {
        self.store = store
        self.windows = windows
    }

    func contexts(for requests: [RemoteServiceContextRequest]) throws -> [RemoteServiceContext] {
        try store.remoteServiceContext(requests, windows: windows)
    }
}
