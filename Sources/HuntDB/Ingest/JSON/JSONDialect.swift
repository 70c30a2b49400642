import Model
import Normalize

/// The JSON shapes hunters export events in, each a table of field paths.
public enum JSONDialect: String, CaseIterable, Sendable {
    /// NXLog / Security-Datasets: Sysmon EventData names at the top level (`EventID`, `Image`, …).
    case sysmonFlat = "sysmon-flat"
    /// Winlogbeat / Elastic Agent Windows integration: `winlog.event_id`, `winlog.event_data.*`.
    case winlogbeat
    /// Elastic Defend and other ECS process/network documents.
    case ecs
    /// evtx_dump / Chainsaw: `Event.System.*`, `Event.EventData.*`.
    case evtxJSON = "evtx-json"

    /// Recognizes the dialect from the keys of a record's root object.
    static func detect(tape: JSONTape, object: Int) -> JSONDialect? {
        var found: JSONDialect?
        var sawEvent = false
        tape.forEachMember(of: object) { key, _ in
            if found != nil { return }
            tape.withKeyText(key) { text in
                if JSONTape.equals(text, "winlog") { found = .winlogbeat }
                else if JSONTape.equals(text, "Event") { found = .evtxJSON }
                else if JSONTape.equals(text, "EventID") { found = .sysmonFlat }
                else if JSONTape.equals(text, "event") || JSONTape.equals(text, "event.category") { sawEvent = true }
            }
        }
        return found ?? (sawEvent ? .ecs : nil)
    }

    /// The path table: where each field lives in this dialect, first match wins.
    var pathMap: JSONPathMap {
        switch self {
        case .sysmonFlat: Self.flatMap
        case .winlogbeat: Self.winlogbeatMap
        case .evtxJSON: Self.evtxJSONMap
        case .ecs: Self.ecsMap
        }
    }

    /// The path table of Windows Security events (4688, 4689, 5156, 4608) in this dialect, read
    /// when the Sysmon table's event id is one of them; nil for ECS documents.
    var securityPathMap: JSONPathMap? {
        switch self {
        case .sysmonFlat: Self.securityFlatMap
        case .winlogbeat: Self.securityWinlogbeatMap
        case .evtxJSON: Self.securityEvtxJSONMap
        case .ecs: nil
        }
    }

    private static let flatMap = JSONPathMap(slotCount: SysmonField.allCases.count, paths: flatPaths)

    /// The flat dialect's Sysmon keys and their slots, first listed wins (also read by
    /// `FlatRecordScanner`, so both readers always know the same keys).
    static let flatPaths: [(String, Int)] = [
        ("EventID", SysmonField.eventID.rawValue),
        ("SourceName", SysmonField.providerName.rawValue),
        ("ProviderName", SysmonField.providerName.rawValue),
        ("Channel", SysmonField.channel.rawValue),
        ("RecordNumber", SysmonField.recordID.rawValue),
        ("EventRecordID", SysmonField.recordID.rawValue),
        ("Hostname", SysmonField.computer.rawValue),
        ("Computer", SysmonField.computer.rawValue),
        ("TimeCreated", SysmonField.timeCreated.rawValue),
    ] + eventDataPaths(prefix: "")

    private static let winlogbeatMap = JSONPathMap(slotCount: SysmonField.allCases.count, paths: [
        ("winlog.event_id", SysmonField.eventID.rawValue),
        ("winlog.provider_name", SysmonField.providerName.rawValue),
        ("winlog.channel", SysmonField.channel.rawValue),
        ("winlog.record_id", SysmonField.recordID.rawValue),
        ("winlog.computer_name", SysmonField.computer.rawValue),
        ("host.name", SysmonField.computer.rawValue),
        ("@timestamp", SysmonField.timeCreated.rawValue),
    ] + eventDataPaths(prefix: "winlog.event_data.") + [
        // Winlogbeat's Sysmon module moves many EventData fields to ECS: fall back to them.
        ("process.entity_id", SysmonField.processGuid.rawValue),
        ("process.pid", SysmonField.processId.rawValue),
        ("process.executable", SysmonField.image.rawValue),
        ("process.command_line", SysmonField.commandLine.rawValue),
        ("process.working_directory", SysmonField.currentDirectory.rawValue),
        ("process.parent.entity_id", SysmonField.parentProcessGuid.rawValue),
        ("process.parent.pid", SysmonField.parentProcessId.rawValue),
        ("process.parent.executable", SysmonField.parentImage.rawValue),
        ("process.parent.command_line", SysmonField.parentCommandLine.rawValue),
        ("network.transport", SysmonField.protocol.rawValue),
        ("network.direction", SysmonField.initiated.rawValue),
        ("source.ip", SysmonField.sourceIp.rawValue),
        ("source.domain", SysmonField.sourceHostname.rawValue),
        ("source.port", SysmonField.sourcePort.rawValue),
        ("destination.ip", SysmonField.destinationIp.rawValue),
        ("destination.domain", SysmonField.destinationHostname.rawValue),
        ("destination.port", SysmonField.destinationPort.rawValue),
        ("user.name", SysmonField.userName.rawValue),
        ("user.domain", SysmonField.userDomain.rawValue),
    ])

    private static let evtxJSONMap = JSONPathMap(slotCount: SysmonField.allCases.count, paths: [
        ("Event.System.EventID", SysmonField.eventID.rawValue),
        ("Event.System.EventID.#text", SysmonField.eventID.rawValue),
        ("Event.System.Provider.#attributes.Name", SysmonField.providerName.rawValue),
        ("Event.System.Provider.Name", SysmonField.providerName.rawValue),
        ("Event.System.Channel", SysmonField.channel.rawValue),
        ("Event.System.EventRecordID", SysmonField.recordID.rawValue),
        ("Event.System.Computer", SysmonField.computer.rawValue),
        ("Event.System.TimeCreated.#attributes.SystemTime", SysmonField.timeCreated.rawValue),
        ("Event.System.TimeCreated.SystemTime", SysmonField.timeCreated.rawValue),
    ] + eventDataPaths(prefix: "Event.EventData."))

    private static let ecsMap = JSONPathMap(
        slotCount: ECSField.allCases.count,
        paths: ECSField.allCases.map { ($0.path, $0.rawValue) },
        acceptFlattenedKeys: true)

    private static let securityFlatMap = JSONPathMap(slotCount: SecurityField.allCases.count, paths: [
        ("EventID", SecurityField.eventID.rawValue),
        ("SourceName", SecurityField.providerName.rawValue),
        ("ProviderName", SecurityField.providerName.rawValue),
        ("Channel", SecurityField.channel.rawValue),
        ("RecordNumber", SecurityField.recordID.rawValue),
        ("EventRecordID", SecurityField.recordID.rawValue),
        ("Hostname", SecurityField.computer.rawValue),
        ("Computer", SecurityField.computer.rawValue),
        ("TimeCreated", SecurityField.timeCreated.rawValue),
        ("EventTime", SecurityField.nxlogEventTime.rawValue),
        ("EventReceivedTime", SecurityField.nxlogReceivedTime.rawValue),
        ("@timestamp", SecurityField.collectorTimestamp.rawValue),
        ("ExecutionProcessID", SecurityField.executionProcessID.rawValue),
    ] + securityEventDataPaths(prefix: ""))

    private static let securityWinlogbeatMap = JSONPathMap(slotCount: SecurityField.allCases.count, paths: [
        ("winlog.event_id", SecurityField.eventID.rawValue),
        ("winlog.provider_name", SecurityField.providerName.rawValue),
        ("winlog.channel", SecurityField.channel.rawValue),
        ("winlog.record_id", SecurityField.recordID.rawValue),
        ("winlog.computer_name", SecurityField.computer.rawValue),
        ("host.name", SecurityField.computer.rawValue),
        ("@timestamp", SecurityField.timeCreated.rawValue),
        ("winlog.process.pid", SecurityField.executionProcessID.rawValue),
    ] + securityEventDataPaths(prefix: "winlog.event_data.")
      // Winlogbeat's security module moves event data to ECS: fall back to it.
      + SecurityField.allCases.compactMap { field in field.ecsPath.map { ($0, field.rawValue) } })

    private static let securityEvtxJSONMap = JSONPathMap(slotCount: SecurityField.allCases.count, paths: [
        ("Event.System.EventID", SecurityField.eventID.rawValue),
        ("Event.System.EventID.#text", SecurityField.eventID.rawValue),
        ("Event.System.Provider.#attributes.Name", SecurityField.providerName.rawValue),
        ("Event.System.Provider.Name", SecurityField.providerName.rawValue),
        ("Event.System.Channel", SecurityField.channel.rawValue),
        ("Event.System.EventRecordID", SecurityField.recordID.rawValue),
        ("Event.System.Computer", SecurityField.computer.rawValue),
        ("Event.System.TimeCreated.#attributes.SystemTime", SecurityField.timeCreated.rawValue),
        ("Event.System.TimeCreated.SystemTime", SecurityField.timeCreated.rawValue),
        ("Event.System.Execution.#attributes.ProcessID", SecurityField.executionProcessID.rawValue),
        ("Event.System.Execution.ProcessID", SecurityField.executionProcessID.rawValue),
    ] + securityEventDataPaths(prefix: "Event.EventData."))

    private static func securityEventDataPaths(prefix: String) -> [(String, Int)] {
        SecurityField.eventDataFields.flatMap { field in field.eventDataNames!.map { (prefix + $0, field.rawValue) } }
    }

    private static func eventDataPaths(prefix: String) -> [(String, Int)] {
        SysmonField.eventDataFields.map { (prefix + $0.eventDataName!, $0.rawValue) }
    }
}
