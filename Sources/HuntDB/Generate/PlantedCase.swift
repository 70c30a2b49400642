import Model

/// The kinds of planted cases: the true positive and its labelled near misses.
public enum PlantedKind: String, Sendable, CaseIterable {
    /// Incoming TCP to services.exe (both ports ≥ 49152, non-loopback source), then 50–950 ms
    /// later a non-allowlisted child of that services.exe on the same host.
    case truePositive = "true_positive"
    /// As the true positive, but the child starts 1001–3000 ms after the connection.
    case lateChild = "late_child"
    /// The child starts 50–950 ms *before* the connection.
    case childBeforeConnection = "child_before_connection"
    /// The source or the destination port is below 49152.
    case lowPort = "low_port"
    /// The source is 127.0.0.1, ::1 or ::ffff:127.0.0.1.
    case loopbackSource = "loopback_source"
    /// The connection is UDP.
    case udp
    /// services.exe made the connection (outgoing), nobody connected to it.
    case outgoing
    /// The connection reached the previous boot's services.exe; the child's parent is the current one.
    case otherBootServices = "other_boot_services"
    /// The connection is on one host, the child on another.
    case otherHost = "other_host"
    /// Everything matches, but the child is allowlisted (e.g. msiexec.exe /V, PSEXESVC.EXE).
    case allowlistedChild = "allowlisted_child"

    /// Whether the detection must alert on this case.
    public var isTruePositive: Bool { self == .truePositive }

    /// The near-miss kinds (every kind but the true positive).
    public static var nearMisses: [PlantedKind] { allCases.filter { !$0.isTruePositive } }
}

/// One planted case: what was planted where, as ground truth for tests and benchmarks.
public struct PlantedCase {
    public let kind: PlantedKind
    /// The host with the connection.
    public let host: SyntheticHost
    /// The host with the child (differs from `host` only for `.otherHost`).
    public let childHost: SyntheticHost
    /// Time of the network event, microseconds since 1970 UTC.
    public let networkMicros: Int64
    /// Time of the child's process creation.
    public let childMicros: Int64
    /// The services.exe that the connection belongs to.
    public let services: SyntheticProcess
    public let connection: SyntheticConnection
    /// The child process (its `parent` is the services.exe it was started by).
    public let child: SyntheticProcess

    /// Child time minus network time, in milliseconds (negative when the child came first).
    public var deltaMilliseconds: Int64 { (childMicros - networkMicros) / 1000 }

    /// The host name as the store will hold it for `dialect`.
    public func hostName(_ host: SyntheticHost, for dialect: CorpusDialect) -> String {
        dialect == .ecs ? host.ecsName : host.name
    }

    /// An entity id as the store will hold it for `dialect` (canonical GUID or Defend id).
    public static func entityID(_ process: SyntheticProcess, for dialect: CorpusDialect) -> String {
        dialect == .ecs ? process.ecsEntityID : process.guid.canonical
    }

    /// The ground-truth JSON line for `--truth`, with names and ids as `dialect` stores them.
    public func jsonLine(for dialect: CorpusDialect) -> String {
        var b = ByteBuffer(capacity: 1024)
        func key(_ name: StaticString) { b.append(","); b.append(0x22); b.append(name); b.append("\":") }
        b.append("{\"kind\":"); b.appendJSONString(kind.rawValue)
        key("expected_alert"); b.append(kind.isTruePositive ? "true" : "false")
        key("host"); b.appendJSONString(hostName(host, for: dialect))
        key("child_host"); b.appendJSONString(hostName(childHost, for: dialect))
        key("network_time"); b.append(0x22); b.appendISOTime(networkMicros); b.append(0x22)
        key("child_time"); b.append(0x22); b.appendISOTime(childMicros); b.append(0x22)
        key("network_ts_us"); b.appendDecimal(networkMicros)
        key("child_ts_us"); b.appendDecimal(childMicros)
        key("delta_ms"); b.appendDecimal(deltaMilliseconds)
        key("services_entity_id"); b.appendJSONString(Self.entityID(services, for: dialect))
        key("child_parent_entity_id"); b.appendJSONString(child.parent.map { Self.entityID($0, for: dialect) } ?? "")
        key("child_entity_id"); b.appendJSONString(Self.entityID(child, for: dialect))
        key("child_executable"); b.appendJSONString(child.image)
        key("child_command_line"); b.appendJSONString(child.commandLine)
        key("transport"); b.appendJSONString(connection.transport)
        key("direction"); b.appendJSONString(connection.initiated ? "outgoing" : "incoming")
        key("source_ip"); b.appendJSONString(connection.sourceIP.ecs)
        key("source_port"); b.appendDecimal(connection.sourcePort)
        key("destination_ip"); b.appendJSONString(connection.destinationIP.ecs)
        key("destination_port"); b.appendDecimal(connection.destinationPort)
        b.append("}")
        return b.string
    }
}
