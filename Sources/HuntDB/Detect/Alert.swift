/// One detection hit, flat, with the stable keys of the JSON/CSV output.
public struct Alert: Sendable, Equatable {
    public var ruleID: String
    public var ruleName: String
    public var severity: String
    /// The host's name as the events give it (ECS host.name, Sysmon Computer).
    public var host: String
    public var networkTimeMicros: Int64?
    public var processTimeMicros: Int64?
    public var sourceIP: String?
    public var sourcePort: Int64?
    public var destinationIP: String?
    public var destinationPort: Int64?
    public var servicesEntityID: String?
    public var servicesPID: Int64?
    public var childEntityID: String?
    public var childPID: Int64?
    public var childExecutable: String?
    public var childCommandLine: String?
    public var childArgs: [String] = []
    public var childUser: String?
    public var parentExecutable: String?
    public var connectionsInWindow: Int64?
    /// `path:record` of the network event in its source file.
    public var networkSource: String?
    /// `path:record` of the process event in its source file.
    public var processSource: String?

    /// Milliseconds from the connection to the child start, when both exist.
    public var deltaMillis: Int64? {
        guard let n = networkTimeMicros, let p = processTimeMicros else { return nil }
        return (p - n) / 1000
    }

    /// The output keys, in order.
    public static let columns = [
        "rule_id", "rule_name", "severity", "host", "network_time", "process_time", "delta_ms",
        "source_ip", "source_port", "destination_ip", "destination_port", "services_entity_id", "services_pid",
        "child_entity_id", "child_pid", "child_executable", "child_command_line", "child_user",
        "connections_in_window", "network_source", "process_source",
    ]

    /// The columns an analyst reads first, for terminal tables (`--full` shows all of `columns`).
    public static let compactColumns = [
        "rule_id", "severity", "host", "time", "delta_ms", "source", "child_executable", "child_command_line", "connections_in_window",
    ]

    /// The values for `compactColumns`.
    public var compactRow: [SQLValue] {
        let time = processTimeMicros ?? networkTimeMicros
        let source = sourceIP.map { ip in ip.contains(":") ? "[\(ip)]:\(sourcePort.map(String.init) ?? "")" : "\(ip):\(sourcePort.map(String.init) ?? "")" }
        return [
            .text(ruleID), .text(severity), .text(host), time.map { .text(Timestamp.iso8601(micros: $0)) } ?? .null,
            deltaMillis.map(SQLValue.integer) ?? .null, source.map(SQLValue.text) ?? .null,
            childExecutable.map(SQLValue.text) ?? .null, childCommandLine.map(SQLValue.text) ?? .null,
            connectionsInWindow.map(SQLValue.integer) ?? .null,
        ]
    }

    /// The values for `columns` (NULL where the rule has no such value).
    public var row: [SQLValue] {
        func text(_ s: String?) -> SQLValue { s.map(SQLValue.text) ?? .null }
        func int(_ v: Int64?) -> SQLValue { v.map(SQLValue.integer) ?? .null }
        func time(_ v: Int64?) -> SQLValue { v.map { .text(Timestamp.iso8601(micros: $0)) } ?? .null }
        return [
            .text(ruleID), .text(ruleName), .text(severity), .text(host),
            time(networkTimeMicros), time(processTimeMicros), int(deltaMillis),
            text(sourceIP), int(sourcePort), text(destinationIP), int(destinationPort),
            text(servicesEntityID), int(servicesPID),
            text(childEntityID), int(childPID), text(childExecutable), text(childCommandLine), text(childUser),
            int(connectionsInWindow), text(networkSource), text(processSource),
        ]
    }
}
