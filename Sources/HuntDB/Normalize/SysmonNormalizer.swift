import Model

/// Read access to a Sysmon record's fields, whatever the dialect holds them in.
package protocol SysmonRecord {
    /// The field as text (JSON numbers and booleans as written), nil when absent or null.
    func text(_ field: SysmonField) -> String?
    /// The bytes of the whole record as read, for a content hash when it has no record id.
    func rawBytes() -> [UInt8]
    /// A field the record gives more than once, when the reader could not tell it earlier.
    func repeatedField() -> String?
}

extension SysmonRecord {
    /// Readers that reject repeated fields themselves (JSON, XML System) report none here.
    package func repeatedField() -> String? { nil }
}

/// Turns Sysmon Event ID 1 (process creation) and 3 (network connection) records into
/// `NormalizedEvent`s, and ID 13 registry sets of a service's ImagePath into service installs
/// (`SysmonServiceImagePath`); every other record is not relevant.
package enum SysmonNormalizer {
    package static let sysmonChannel = "Microsoft-Windows-Sysmon/Operational"

    package static func normalize(_ record: some SysmonRecord) -> NormalizeResult {
        guard let eventIDText = record.text(.eventID) else { return .rejected("the record has no EventID") }
        guard let eventID = Int(eventIDText) else { return .rejected("EventID \(quoted(eventIDText)) is not a number") }
        guard eventID == 1 || eventID == 3 || eventID == 13 else { return .notRelevant }
        guard isSysmon(record) else { return .notRelevant }
        if eventID == 13 { return SysmonServiceImagePath.normalize(record) }
        if let field = record.repeatedField() { return .rejected(FieldProblem.repeated(field).message) }

        guard let computer = nonEmpty(record.text(.computer)) else {
            return .rejected("Sysmon event \(eventID) has no computer name (Computer / Hostname)")
        }
        let timeField: SysmonField = record.text(.utcTime) != nil ? .utcTime : .timeCreated
        guard let timeText = record.text(timeField) else {
            return .rejected("Sysmon event \(eventID) has no UtcTime")
        }
        guard let micros = Timestamp.parseMicros(timeText) else {
            return .rejected("\(timeField == .utcTime ? "UtcTime" : "TimeCreated") \(quoted(timeText)) is not a valid time")
        }
        guard let guid = nonEmpty(record.text(.processGuid)) else {
            return .rejected("Sysmon event \(eventID) has no ProcessGuid")
        }
        let key: RecordKey
        switch recordKey(record) {
        case .success(let k): key = k
        case .failure(let problem): return .rejected(problem.message)
        }

        var event = NormalizedEvent(
            kind: eventID == 1 ? .processStart : .networkConnection,
            host: HostIdentity(name: computer, ecsID: nil),
            timestampMicros: micros, recordKey: key, entityID: Canonical.entityID(guid))
        event.sourceKind = .sysmon
        event.timePrecisionMicros = Timestamp.precisionMicros(timeText)
        do {
            event.pid = try integer(record, .processId)
            event.executable = FieldLimit.capped(nonEmpty(record.text(.image)), "Image", &event.truncatedFields, keep: .end)
            if let user = nonEmpty(record.text(.user)) {
                let (domain, name) = Canonical.splitUser(user)
                event.userDomain = domain
                event.userName = name
            } else {
                event.userName = nonEmpty(record.text(.userName))
                event.userDomain = nonEmpty(record.text(.userDomain))
            }
            if eventID == 1 {
                try fillProcess(&event, record)
            } else {
                try fillNetwork(&event, record)
            }
            event.missingFields = RequiredFields.sysmon.missing(in: event)
            if timeField == .timeCreated { event.missingFields.insert("UtcTime (TimeCreated used)", at: 0) }
        } catch let problem as FieldProblem {
            return .rejected(problem.message)
        } catch {
            return .rejected("\(error)")
        }
        return .event(event)
    }

    private static func fillProcess(_ event: inout NormalizedEvent, _ record: some SysmonRecord) throws {
        event.commandLine = FieldLimit.capped(record.text(.commandLine), "CommandLine", &event.truncatedFields)
        event.args = event.commandLine.map(CommandLineSplitter.split)
        event.workingDirectory = FieldLimit.capped(nonEmpty(record.text(.currentDirectory)), "CurrentDirectory", &event.truncatedFields, keep: .end)
        event.parentEntityID = nonEmpty(record.text(.parentProcessGuid)).map(Canonical.entityID)
        event.parentPID = try integer(record, .parentProcessId)
        event.parentExecutable = FieldLimit.capped(nonEmpty(record.text(.parentImage)), "ParentImage", &event.truncatedFields, keep: .end)
        event.parentCommandLine = FieldLimit.capped(record.text(.parentCommandLine), "ParentCommandLine", &event.truncatedFields)
        event.integrityLevel = nonEmpty(record.text(.integrityLevel))
        event.hashes = FieldLimit.capped(nonEmpty(record.text(.hashes)), "Hashes", &event.truncatedFields)
        event.originalFileName = nonEmpty(record.text(.originalFileName))
        event.fileDescription = nonEmpty(record.text(.fileDescription))
        event.product = nonEmpty(record.text(.product))
        event.company = nonEmpty(record.text(.company))
        event.fileVersion = nonEmpty(record.text(.fileVersion))
        event.logonID = nonEmpty(record.text(.logonId))
        event.logonGUID = nonEmpty(record.text(.logonGuid)).map(Canonical.entityID)
        event.terminalSessionID = try integer(record, .terminalSessionId)
        event.parentUser = nonEmpty(record.text(.parentUser))
    }

    private static func fillNetwork(_ event: inout NormalizedEvent, _ record: some SysmonRecord) throws {
        event.transport = nonEmpty(record.text(.protocol))?.lowercased()
        if let initiated = nonEmpty(record.text(.initiated)) {
            guard let direction = Canonical.direction(initiated) else {
                throw FieldProblem("Initiated \(quoted(initiated)) is neither true nor false")
            }
            event.direction = direction
        }
        event.sourceIP = try ip(record, .sourceIp, "SourceIp")
        event.destinationIP = try ip(record, .destinationIp, "DestinationIp")
        event.sourcePort = try port(record, .sourcePort, "SourcePort")
        event.destinationPort = try port(record, .destinationPort, "DestinationPort")
        event.sourceHostname = nonEmpty(record.text(.sourceHostname))
        event.destinationHostname = nonEmpty(record.text(.destinationHostname))
        event.sourcePortName = nonEmpty(record.text(.sourcePortName))
        event.destinationPortName = nonEmpty(record.text(.destinationPortName))
    }

    /// Provider (else channel) must name Sysmon when present.
    static func isSysmon(_ record: some SysmonRecord) -> Bool {
        if let provider = record.text(.providerName) { return ASCII.containsIgnoringCase(provider, "sysmon") }
        if let channel = record.text(.channel) { return ASCII.containsIgnoringCase(channel, "sysmon") }
        return true
    }

    static func recordKey(_ record: some SysmonRecord) -> Result<RecordKey, FieldProblem> {
        guard let idText = nonEmpty(record.text(.recordID)) else {
            return .success(.contentHash(Array(SHA256.hash(record.rawBytes()).prefix(16))))
        }
        guard let id = Int64(idText) else {
            return .failure(FieldProblem("EventRecordID \(quoted(idText)) is not a number"))
        }
        let channel = record.text(.channel) ?? sysmonChannel
        if channel == sysmonChannel || ASCII.equalsIgnoringCase(channel, sysmonChannel) { return .success(.sysmonRecord(id)) }
        return .success(.named(channel + ":" + idText))
    }

    private static func integer(_ record: some SysmonRecord, _ field: SysmonField) throws -> Int64? {
        guard let text = nonEmpty(record.text(field)) else { return nil }
        guard let value = Int64(text) else {
            throw FieldProblem("\(field.eventDataName ?? "\(field)") \(quoted(text)) is not a number")
        }
        return value
    }

    private static func ip(_ record: some SysmonRecord, _ field: SysmonField, _ name: String) throws -> String? {
        guard let text = nonEmpty(record.text(field)) else { return nil }
        guard let ip = Canonical.ipAddress(text) else { throw FieldProblem("\(name) \(quoted(text)) is not an IP address") }
        return ip
    }

    private static func port(_ record: some SysmonRecord, _ field: SysmonField, _ name: String) throws -> Int64? {
        guard let text = nonEmpty(record.text(field)) else { return nil }
        guard let port = Canonical.port(text) else { throw FieldProblem("\(name) \(quoted(text)) is not a port number") }
        return port
    }
}

/// A field whose value cannot be used; the message names the field and the value.
package struct FieldProblem: Error {
    package let message: String
    package init(_ message: String) { self.message = message }
}

@inline(__always)
package func nonEmpty(_ text: String?) -> String? {
    guard let text, !text.isEmpty, text != "-" else { return nil }
    return text
}

/// A value for an error message: quoted, and cut to 80 characters.
package func quoted(_ value: String) -> String {
    let cut = value.count > 80 ? String(value.prefix(80)) + "…" : value
    return "\"" + cut + "\""
}
