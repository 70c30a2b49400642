import Model

/// Read access to a Windows Security record's fields, whatever the dialect holds them in.
package protocol SecurityRecord {
    /// The field as text (JSON numbers as written), nil when absent or null.
    func text(_ field: SecurityField) -> String?
    /// The bytes of the whole record as read, for a content hash when it has no record id.
    func rawBytes() -> [UInt8]
    /// A field the record gives more than once, when the reader could not tell it earlier.
    func repeatedSecurityField() -> String?
}

extension SecurityRecord {
    package func repeatedSecurityField() -> String? { nil }
}

/// Turns Windows Security 4688 (process creation), 4689 (process exit), 5156 (the Windows
/// Filtering Platform permitted a connection) and 4608 (Windows is starting up) into
/// `NormalizedEvent`s with source kind `security`.
///
/// Entity ids are left to the store (`SyntheticEntity.unlinked`): a 4688's own entity depends on
/// the most precise copy of its time the store holds, its parent and the process of a 5156 or
/// 4689 on the other events of the host (see the store's `SecurityEntityLinker`). So a record's
/// content never depends on its dialect or on what was loaded before it.
package enum SecurityNormalizer {
    /// Whether a Security event id is one stored; the relevance probe lets exactly these through.
    @inline(__always)
    package static func stores(eventID: Int) -> Bool {
        switch eventID {
        case 4688, 4689, 5156, 4608: true
        case 4624, 4625, 4697, 7045: true  // context: logons and service installs
        case 4103: true  // context: a PowerShell host's command line (PowerShell/Operational)
        default: false
        }
    }

    package static func normalize(_ record: some SecurityRecord) -> NormalizeResult {
        guard let eventIDText = record.text(.eventID) else { return .rejected("the record has no EventID") }
        guard let eventID = Int(eventIDText) else { return .rejected("EventID \(quoted(eventIDText)) is not a number") }
        guard stores(eventID: eventID), isExpectedLog(record, eventID: eventID) else { return .notRelevant }
        if let field = record.repeatedSecurityField() { return .rejected(FieldProblem.repeated(field).message) }

        guard let computer = nonEmpty(record.text(.computer)) else {
            return .rejected("\(logName(eventID)) event \(eventID) has no computer name (Computer / Hostname)")
        }
        let time: SecurityTime.Reading
        switch SecurityTime.read(record) {
        case .success(let reading): time = reading
        case .failure(let problem): return .rejected(problem.message)
        }
        let key: RecordKey
        switch recordKey(record) {
        case .success(let k): key = k
        case .failure(let problem): return .rejected(problem.message)
        }
        let host = HostIdentity(name: computer, ecsID: nil)
        do {
            var event: NormalizedEvent
            switch eventID {
            case 4688: event = try processStart(record, host: host, time: time.micros, key: key)
            case 4689: event = try processExit(record, host: host, time: time.micros, key: key)
            case 5156: event = try connection(record, host: host, time: time.micros, key: key)
            case 4624, 4625: event = try logon(record, eventID: eventID, host: host, time: time.micros, key: key)
            case 4697, 7045: event = try serviceInstall(record, eventID: eventID, host: host, time: time.micros, key: key)
            case 4103: event = try hostApplication(record, host: host, time: time.micros, key: key)
            default: event = NormalizedEvent(kind: .hostBoot, host: host, timestampMicros: time.micros, recordKey: key,
                                             entityID: SyntheticEntity.unlinked)
            }
            event.sourceKind = eventID == 7045 ? .system : eventID == 4103 ? .powershell : .security
            event.timePrecisionMicros = time.precisionMicros
            if let note = time.note { event.missingFields.append(note) }
            return .event(event)
        } catch let problem as FieldProblem {
            return .rejected(problem.message)
        } catch {
            return .rejected("\(error)")
        }
    }

    // MARK: The events

    private static func processStart(_ record: some SecurityRecord, host: HostIdentity, time: Int64, key: RecordKey) throws -> NormalizedEvent {
        guard let pid = try pid(record, .newProcessID) ?? pid(record, .ecsPID) else {
            throw FieldProblem("the 4688 event has no NewProcessId: it cannot be a process")
        }
        guard let executable = nonEmpty(record.text(.newProcessName)) ?? nonEmpty(record.text(.ecsExecutable)) else {
            throw FieldProblem("the 4688 event has no NewProcessName: it cannot be a process")
        }
        var event = NormalizedEvent(kind: .processStart, host: host, timestampMicros: time, recordKey: key,
                                    entityID: SyntheticEntity.unlinked)
        event.pid = pid
        event.executable = FieldLimit.capped(executable, "NewProcessName", &event.truncatedFields, keep: .end)
        event.commandLine = FieldLimit.capped(record.text(.commandLine) ?? record.text(.ecsCommandLine), "CommandLine",
                                              &event.truncatedFields)
        event.args = event.commandLine.map(CommandLineSplitter.split)
        event.parentExecutable = FieldLimit.capped(nonEmpty(record.text(.parentProcessName)) ?? nonEmpty(record.text(.ecsParentExecutable)),
                                                   "ParentProcessName", &event.truncatedFields, keep: .end)
        event.parentPID = creatorPID(record)
        event.integrityLevel = nonEmpty(record.text(.mandatoryLabel)).map(integrityLevel)

        // The target subject is the new process's account (Windows 10+); "-" means the creator's.
        let subject = account(record.text(.subjectDomainName), record.text(.subjectUserName))
        let target = account(record.text(.targetDomainName), record.text(.targetUserName))
        let user = target ?? subject ?? account(record.text(.ecsUserDomain), record.text(.ecsUserName))
        event.userDomain = user?.domain
        event.userName = user?.name
        event.parentUser = subject.map { account in account.domain.map { $0 + "\\" + account.name } ?? account.name }
        let targetLogon = nonEmpty(record.text(.targetLogonID)).flatMap { $0 == "0x0" ? nil : $0 }
        event.logonID = targetLogon ?? nonEmpty(record.text(.subjectLogonID))

        if event.parentExecutable == nil { event.missingFields.append("ParentProcessName") }
        if event.parentPID == nil { event.missingFields.append("ProcessId (the creator's; parent unknown)") }
        return event
    }

    private static func processExit(_ record: some SecurityRecord, host: HostIdentity, time: Int64, key: RecordKey) throws -> NormalizedEvent {
        guard let pid = try pid(record, .processID) ?? pid(record, .ecsPID) else {
            throw FieldProblem("the 4689 event has no ProcessId: it cannot end a process")
        }
        var event = NormalizedEvent(kind: .processExit, host: host, timestampMicros: time, recordKey: key,
                                    entityID: SyntheticEntity.unlinked)
        event.pid = pid
        event.executable = FieldLimit.capped(nonEmpty(record.text(.processName)) ?? nonEmpty(record.text(.ecsExecutable)),
                                             "ProcessName", &event.truncatedFields, keep: .end)
        let subject = account(record.text(.subjectDomainName), record.text(.subjectUserName))
        event.userDomain = subject?.domain
        event.userName = subject?.name
        return event
    }

    private static func connection(_ record: some SecurityRecord, host: HostIdentity, time: Int64, key: RecordKey) throws -> NormalizedEvent {
        guard let pid = try pid(record, .processID, spelled: "ProcessID") ?? pid(record, .ecsPID) else {
            throw FieldProblem("the 5156 event has no ProcessID: it cannot be a connection of a process")
        }
        let sourceIP = try address(record, .sourceAddress, .ecsSourceIP)
        let destinationIP = try address(record, .destAddress, .ecsDestinationIP)
        let sourcePort = try port(record, .sourcePort, .ecsSourcePort)
        let destinationPort = try port(record, .destPort, .ecsDestinationPort)
        guard sourceIP != nil || destinationIP != nil, sourcePort != nil || destinationPort != nil else {
            throw FieldProblem("the 5156 event has no SourceAddress/DestAddress or no SourcePort/DestPort: it cannot be a connection")
        }
        var event = NormalizedEvent(kind: .networkConnection, host: host, timestampMicros: time, recordKey: key,
                                    entityID: SyntheticEntity.unlinked)
        event.pid = pid
        event.executable = FieldLimit.capped(nonEmpty(record.text(.application)) ?? nonEmpty(record.text(.ecsExecutable)),
                                             "Application", &event.truncatedFields, keep: .end)
        event.sourceIP = sourceIP
        event.destinationIP = destinationIP
        event.sourcePort = sourcePort
        event.destinationPort = destinationPort
        if let code = nonEmpty(record.text(.direction)) {
            guard let direction = SecurityCodes.direction(code) else {
                throw FieldProblem("Direction \(quoted(code)) is not a known direction (%%14592 inbound, %%14593 outbound)")
            }
            event.direction = direction
        } else if let direction = nonEmpty(record.text(.ecsDirection)) {
            event.direction = Canonical.direction(direction) ?? direction.lowercased()
        }
        if let number = nonEmpty(record.text(.protocol)) ?? nonEmpty(record.text(.ecsTransport)) {
            event.transport = SecurityCodes.transport(number)
        }
        if event.executable == nil { event.missingFields.append("Application") }
        if event.direction == nil { event.missingFields.append("Direction") }
        if event.transport == nil { event.missingFields.append("Protocol") }
        if sourceIP == nil { event.missingFields.append("SourceAddress") }
        if destinationIP == nil { event.missingFields.append("DestAddress") }
        if sourcePort == nil { event.missingFields.append("SourcePort") }
        if destinationPort == nil { event.missingFields.append("DestPort") }
        return event
    }

    // MARK: Fields

    /// Provider (else channel) must name the log the event id belongs to when present: the
    /// Service Control Manager (System log) for 7045, PowerShell/Operational for 4103, the
    /// Security log for the others.
    private static func isExpectedLog(_ record: some SecurityRecord, eventID: Int) -> Bool {
        if eventID == 7045 {
            if let provider = record.text(.providerName) { return ASCII.equalsIgnoringCase(provider, "service control manager") }
            if let channel = record.text(.channel) { return ASCII.equalsIgnoringCase(channel, "system") }
            return true
        }
        if eventID == 4103 {
            if let provider = record.text(.providerName) { return ASCII.equalsIgnoringCase(provider, "microsoft-windows-powershell") }
            if let channel = record.text(.channel) { return ASCII.equalsIgnoringCase(channel, powerShellChannel) }
            return true
        }
        if let provider = record.text(.providerName) {
            return ASCII.equalsIgnoringCase(provider, "microsoft-windows-security-auditing")
        }
        if let channel = record.text(.channel) { return ASCII.equalsIgnoringCase(channel, "security") }
        return true
    }

    /// `Security:<EventRecordID>` (`System:` for 7045) whatever the channel's spelling (`Security`, `security`), so
    /// the same record from EVTX, XML and JSON is stored once.
    private static func recordKey(_ record: some SecurityRecord) -> Result<RecordKey, FieldProblem> {
        guard let idText = nonEmpty(record.text(.recordID)) else {
            return .success(.contentHash(Array(SHA256.hash(record.rawBytes()).prefix(16))))
        }
        guard let id = Int64(idText) else {
            return .failure(FieldProblem("EventRecordID \(quoted(idText)) is not a number"))
        }
        let channel = record.text(.channel).map { channel in
            ASCII.equalsIgnoringCase(channel, "security") ? "Security" : ASCII.equalsIgnoringCase(channel, "system") ? "System"
                : ASCII.equalsIgnoringCase(channel, powerShellChannel) ? powerShellChannel : channel
        } ?? (eventID(record) == 4103 ? powerShellChannel : "Security")
        return .success(.named(channel + ":" + String(id)))
    }

    static let powerShellChannel = "Microsoft-Windows-PowerShell/Operational"

    private static func eventID(_ record: some SecurityRecord) -> Int? { record.text(.eventID).flatMap { Int($0) } }

    /// The log an event id belongs to, for messages.
    private static func logName(_ eventID: Int) -> String {
        switch eventID {
        case 7045: "System"
        case 4103: "PowerShell"
        default: "Security"
        }
    }

    /// A pid as Security events write it: hex (`0x2c0`) or decimal; nil when absent. `spelled`
    /// names the field as this event spells it (5156's `ProcessID`).
    package static func pid(_ record: some SecurityRecord, _ field: SecurityField, spelled: String? = nil) throws -> Int64? {
        guard let text = nonEmpty(record.text(field)) else { return nil }
        guard let value = SecurityCodes.processID(text) else {
            throw FieldProblem("\(spelled ?? field.displayName) \(quoted(text)) is not a process id")
        }
        return value
    }

    /// The creator's pid of a 4688, or nil when it cannot be trusted: absent, 0, not a number, or
    /// a plain decimal where Windows writes hex (a collector that put its own process id there).
    private static func creatorPID(_ record: some SecurityRecord) -> Int64? {
        if let text = nonEmpty(record.text(.processID)) {
            guard text.hasPrefix("0x") || text.hasPrefix("0X"), let value = SecurityCodes.processID(text), value > 0 else { return nil }
            return value
        }
        guard let text = nonEmpty(record.text(.ecsParentPID)), let value = SecurityCodes.processID(text), value > 0 else { return nil }
        return value
    }

    package static func address(_ record: some SecurityRecord, _ field: SecurityField, _ fallback: SecurityField) throws -> String? {
        let used = nonEmpty(record.text(field)) != nil ? field : fallback
        guard let text = nonEmpty(record.text(used)) else { return nil }
        guard let ip = Canonical.ipAddress(text) else { throw FieldProblem("\(used.displayName) \(quoted(text)) is not an IP address") }
        return ip
    }

    package static func port(_ record: some SecurityRecord, _ field: SecurityField, _ fallback: SecurityField) throws -> Int64? {
        let used = nonEmpty(record.text(field)) != nil ? field : fallback
        guard let text = nonEmpty(record.text(used)) else { return nil }
        guard let port = Canonical.port(text) else { throw FieldProblem("\(used.displayName) \(quoted(text)) is not a port number") }
        return port
    }

    package static func account(_ domain: String?, _ name: String?) -> (domain: String?, name: String)? {
        guard let name = nonEmpty(name) else { return nil }
        return (nonEmpty(domain), name)
    }

    /// Sysmon's words for the mandatory label SIDs (`S-1-16-12288` is `High`); others as given.
    private static func integrityLevel(_ label: String) -> String {
        switch label.uppercased() {
        case "S-1-16-0": "Untrusted"
        case "S-1-16-4096": "Low"
        case "S-1-16-8192": "Medium"
        case "S-1-16-8448": "MediumPlus"
        case "S-1-16-12288": "High"
        case "S-1-16-16384": "System"
        case "S-1-16-20480": "Protected"
        default: label
        }
    }
}
