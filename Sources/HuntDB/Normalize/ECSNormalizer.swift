import Model

/// Read access to an ECS document's fields.
package protocol ECSRecord {
    /// A scalar field as text, nil when absent or null.
    func text(_ field: ECSField) -> String?
    /// A field that may be a string or an array of strings (e.g. `event.category`, `process.args`).
    func strings(_ field: ECSField) -> [String]?
    func rawBytes() -> [UInt8]
}

/// Turns ECS process-start and network-connection documents (Elastic Defend, Elastic Agent)
/// into `NormalizedEvent`s; other documents are not relevant.
package enum ECSNormalizer {
    package static func normalize(_ record: some ECSRecord) -> NormalizeResult {
        let categories = (record.strings(.category) ?? []).map { $0.lowercased() }
        let types = (record.strings(.type) ?? []).map { $0.lowercased() }
        let kind: NormalizedEvent.Kind
        if categories.contains("process") {
            guard types.contains("start") else { return .notRelevant }
            kind = .processStart
        } else if categories.contains("authentication") || record.text(.action)?.lowercased() == "log_on" {
            return logon(record, types: types)
        } else if categories.contains("network") {
            guard types.contains("start") || types.contains("connection") else { return .notRelevant }
            if let action = record.text(.action)?.lowercased(), action.contains("disconnect") { return .notRelevant }
            kind = .networkConnection
        } else {
            return .notRelevant
        }

        let hostID = nonEmpty(record.text(.hostID))
        guard let hostName = nonEmpty(record.text(.hostName)) ?? nonEmpty(record.text(.hostHostname)) ?? hostID else {
            return .rejected("the \(kind.rawValue) event has no host.name, host.hostname or host.id")
        }
        guard let timeText = record.text(.timestamp) else { return .rejected("the \(kind.rawValue) event has no @timestamp") }
        guard let micros = Timestamp.parseMicros(timeText) else {
            return .rejected("@timestamp \(quoted(timeText)) is not a valid time")
        }
        guard let entity = nonEmpty(record.text(.entityID)) else {
            return .rejected("the \(kind.rawValue) event has no process.entity_id")
        }
        let key: RecordKey = nonEmpty(record.text(.eventID)).map { .named("ecs:" + $0) }
            ?? .contentHash(Array(SHA256.hash(record.rawBytes()).prefix(16)))

        var event = NormalizedEvent(kind: kind, host: HostIdentity(name: hostName, ecsID: hostID),
                                    timestampMicros: micros, recordKey: key, entityID: Canonical.entityID(entity))
        event.sourceKind = .ecs
        event.timePrecisionMicros = Timestamp.precisionMicros(timeText)
        do {
            event.pid = try integer(record, .pid)
            event.executable = FieldLimit.capped(nonEmpty(record.text(.executable)) ?? nonEmpty(record.text(.processName)),
                                                 "process.executable", &event.truncatedFields, keep: .end)
            event.userName = nonEmpty(record.text(.userName))
            event.userDomain = nonEmpty(record.text(.userDomain))
            switch kind {
            case .processStart:
                event.commandLine = FieldLimit.capped(record.text(.commandLine), "process.command_line", &event.truncatedFields)
                event.args = record.strings(.args) ?? event.commandLine.map(CommandLineSplitter.split)
                event.workingDirectory = FieldLimit.capped(nonEmpty(record.text(.workingDirectory)), "process.working_directory",
                                                           &event.truncatedFields, keep: .end)
                event.parentEntityID = nonEmpty(record.text(.parentEntityID)).map(Canonical.entityID)
                event.parentPID = try integer(record, .parentPID)
                event.parentExecutable = FieldLimit.capped(nonEmpty(record.text(.parentExecutable)), "process.parent.executable",
                                                           &event.truncatedFields, keep: .end)
                event.parentCommandLine = FieldLimit.capped(record.text(.parentCommandLine), "process.parent.command_line",
                                                            &event.truncatedFields)
                event.integrityLevel = nonEmpty(record.text(.integrityLevel))
                event.hashes = hashes(record)
                event.originalFileName = nonEmpty(record.text(.originalFileName))
                event.fileDescription = nonEmpty(record.text(.fileDescription))
                event.product = nonEmpty(record.text(.product))
                event.company = nonEmpty(record.text(.company))
                event.fileVersion = nonEmpty(record.text(.fileVersion))
                event.logonID = nonEmpty(record.text(.logonID))
            case .networkConnection, .processExit, .hostBoot, .logon, .serviceInstall, .commandLineEvidence:  // logons: ECSNormalizer+Logon
                event.transport = nonEmpty(record.text(.transport))?.lowercased()
                if let direction = nonEmpty(record.text(.direction)) {
                    event.direction = Canonical.direction(direction) ?? direction.lowercased()
                }
                event.sourceIP = try ip(record, .sourceIP)
                event.destinationIP = try ip(record, .destinationIP)
                event.sourcePort = try port(record, .sourcePort)
                event.destinationPort = try port(record, .destinationPort)
                event.sourceHostname = nonEmpty(record.text(.sourceDomain))
                event.destinationHostname = nonEmpty(record.text(.destinationDomain))
            }
        } catch let problem as FieldProblem {
            return .rejected(problem.message)
        } catch {
            return .rejected("\(error)")
        }
        event.missingFields = RequiredFields.ecs.missing(in: event)
        return .event(event)
    }

    /// `process.hash.*` in Sysmon's `Hashes` form (`MD5=…,SHA1=…,SHA256=…`, upper-case hex).
    private static func hashes(_ record: some ECSRecord) -> String? {
        var text: String?
        for (label, field) in hashFields {
            guard let value = nonEmpty(record.text(field)) else { continue }
            text = (text.map { $0 + "," } ?? "") + label + "=" + value.uppercased()
        }
        return text
    }

    private static let hashFields: [(String, ECSField)] = [("MD5", .md5), ("SHA1", .sha1), ("SHA256", .sha256)]

    static func integer(_ record: some ECSRecord, _ field: ECSField) throws -> Int64? {
        guard let text = nonEmpty(record.text(field)) else { return nil }
        guard let value = Int64(text) else { throw FieldProblem("\(field.path) \(quoted(text)) is not a number") }
        return value
    }

    static func ip(_ record: some ECSRecord, _ field: ECSField) throws -> String? {
        guard let text = nonEmpty(record.text(field)) else { return nil }
        guard let ip = Canonical.ipAddress(text) else { throw FieldProblem("\(field.path) \(quoted(text)) is not an IP address") }
        return ip
    }

    static func port(_ record: some ECSRecord, _ field: ECSField) throws -> Int64? {
        guard let text = nonEmpty(record.text(field)) else { return nil }
        guard let port = Canonical.port(text) else { throw FieldProblem("\(field.path) \(quoted(text)) is not a port number") }
        return port
    }
}
