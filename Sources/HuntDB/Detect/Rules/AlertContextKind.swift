import Model
import Store

/// Context a rule's alerts get after the rule ran (`-- context: NAME` in its header): more
/// columns, looked up by the engine for a batch of alerts at once, null when the evidence is
/// absent. The rule's SQL and its own columns are untouched.
public enum AlertContextKind: String, Sendable, CaseIterable {
    /// Remote-service alerts (a connection to services.exe, the process it started): who logged
    /// on from the source address, which service was installed for the child, and which
    /// process on the source host made the connection.
    case remoteService = "remote_service"

    /// The columns added, after the rule's own.
    public var columns: [AlertColumn] {
        switch self {
        case .remoteService: Self.remoteServiceColumns
        }
    }

    private static let remoteServiceColumns: [AlertColumn] = [
        AlertColumn(name: "logon_user", kind: .text, help: "the account of the network logon from the source address before the connection"),
        AlertColumn(name: "logon_domain", kind: .text, help: "that account's domain"),
        AlertColumn(name: "logon_id", kind: .text, help: "that logon session (TargetLogonId)"),
        AlertColumn(name: "logon_type", kind: .integer, help: "3 network, 10 remote interactive"),
        AlertColumn(name: "logon_time", kind: .time, help: "when that logon happened"),
        AlertColumn(name: "logon_ip", kind: .text, help: "the address the logon came from"),
        AlertColumn(name: "service_name", kind: .text, help: "the service installed (or ImagePath set) before the child, whose image path is the child"),
        AlertColumn(name: "service_image", kind: .text, help: "that service's image path as written (%COMSPEC% /C …)"),
        AlertColumn(name: "service_time", kind: .time, help: "when that service was installed"),
        AlertColumn(name: "source_host", kind: .text, help: "the host whose outgoing connection is this incoming one"),
        AlertColumn(name: "source_entity_id", kind: .text, help: "the process on that host that made the connection"),
        AlertColumn(name: "source_executable", kind: .text, help: "that process's executable"),
        AlertColumn(name: "source_command_line", kind: .text, help: "that process's command line"),
        AlertColumn(name: "clock_offset_ms", kind: .integer, help: "the source host's clock minus this host's, as the two sides of the connection show"),
    ]

    /// The request for one alert's context, its columns found once for the rule's run.
    func request(for alert: Alert, at p: RequestColumns) -> RemoteServiceContextRequest {
        func text(_ position: Int?) -> String? {
            guard let position else { return nil }
            if case .text(let value) = alert.row[position] { return value }  // as printed: text is text
            return alert.rendered(position).textValue
        }
        func integer(_ position: Int?) -> Int64? {
            guard let position, case .integer(let value) = alert.row[position] else { return nil }
            return value
        }
        var request = RemoteServiceContextRequest(host: alert.host)
        request.connectionMicros = integer(p.networkTime)
        request.sourceIP = text(p.sourceIP)
        request.sourcePort = integer(p.sourcePort)
        request.destinationIP = text(p.destinationIP)
        request.destinationPort = integer(p.destinationPort)
        request.childMicros = integer(p.processTime)
        request.childExecutable = text(p.childExecutable)
        request.childCommandLine = text(p.childCommandLine)
        return request
    }

    /// Where the columns a request reads are in a rule run's rows (nil: the rule has none).
    struct RequestColumns {
        let columns: AlertColumns
        let networkTime, sourceIP, sourcePort, destinationIP, destinationPort: Int?
        let processTime, childExecutable, childCommandLine: Int?

        init(_ columns: AlertColumns) {
            self.columns = columns
            networkTime = columns.position["network_time"]
            sourceIP = columns.position["source_ip"]
            sourcePort = columns.position["source_port"]
            destinationIP = columns.position["destination_ip"]
            destinationPort = columns.position["destination_port"]
            processTime = columns.position["process_time"]
            childExecutable = columns.position["child_executable"]
            childCommandLine = columns.position["child_command_line"]
        }
    }

    /// Writes the context's values over the row's context columns, which start at `first`, in
    /// `columns` order (times in microseconds).
    func write(_ c: consuming RemoteServiceContext, into row: inout [RowValue], at first: Int) {
        switch self {
        case .remoteService: c.write(into: &row, at: first)
        }
    }
}
