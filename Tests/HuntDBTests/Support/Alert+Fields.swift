import HuntDB

/// Typed views of the remote-service rules' alert columns, for readable assertions.
extension Alert {
    var networkTimeMicros: Int64? { integer("network_time") }
    var processTimeMicros: Int64? { integer("process_time") }
    var deltaMillis: Int64? { integer("delta_ms") }
    var sourceIP: String? { text("source_ip") }
    var sourcePort: Int64? { integer("source_port") }
    var destinationIP: String? { text("destination_ip") }
    var destinationPort: Int64? { integer("destination_port") }
    var servicesEntityID: String? { text("services_entity_id") }
    var childEntityID: String? { text("child_entity_id") }
    var childExecutable: String? { text("child_executable") }
    var childCommandLine: String? { text("child_command_line") }
    var connectionsInWindow: Int64? { integer("connections_in_window") }
    var networkSource: String? { text("network_source") }
    var processSource: String? { text("process_source") }
}
