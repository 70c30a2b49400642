import Model

/// The fields the rules need, by the names one dialect gives them: an event lacking one is
/// stored, counted as incomplete, and the missing names are listed.
struct RequiredFields {
    var executable, parentExecutable, parentEntityID: String
    var direction, transport, sourceIP, sourcePort, destinationIP, destinationPort: String

    static let sysmon = RequiredFields(
        executable: "Image", parentExecutable: "ParentImage", parentEntityID: "ParentProcessGuid",
        direction: "Initiated", transport: "Protocol", sourceIP: "SourceIp", sourcePort: "SourcePort",
        destinationIP: "DestinationIp", destinationPort: "DestinationPort")

    static let ecs = RequiredFields(
        executable: "process.executable", parentExecutable: "process.parent.executable",
        parentEntityID: "process.parent.entity_id", direction: "network.direction", transport: "network.transport",
        sourceIP: "source.ip", sourcePort: "source.port", destinationIP: "destination.ip", destinationPort: "destination.port")

    /// The names of the required fields `event` lacks (nothing is allocated for a complete
    /// event, the usual case).
    func missing(in event: NormalizedEvent) -> [String] {
        var missing: [String] = []
        if event.executable == nil { missing.append(executable) }
        if event.kind == .processStart {
            if event.parentExecutable == nil { missing.append(parentExecutable) }
            if event.parentEntityID == nil { missing.append(parentEntityID) }
        } else {
            if event.direction == nil { missing.append(direction) }
            if event.transport == nil { missing.append(transport) }
            if event.sourceIP == nil { missing.append(sourceIP) }
            if event.sourcePort == nil { missing.append(sourcePort) }
            if event.destinationIP == nil { missing.append(destinationIP) }
            if event.destinationPort == nil { missing.append(destinationPort) }
        }
        return missing
    }
}
