import Model

/// ECS authentication documents (`event.category: authentication`, or `event.action: log_on`):
/// Elastic Defend's logons (`logs-endpoint.events.security-*`: the account in `user.*`, the
/// session in `process.Ext.session_info.*` — logon type by name, client address, id,
/// authentication package) and other ECS exports of Security 4624 / 4625 (the client in
/// `source.*`, the Windows details in flattened `winlog.*` keys). Stored as context (`logons`),
/// like a Security 4624; a failure outcome is a 4625.
extension ECSNormalizer {
    static func logon(_ record: some ECSRecord, types: [String]) -> NormalizeResult {
        // A logoff (event.type end, action logged-out / log_off) says nothing about who came in.
        let action = record.text(.action)?.lowercased() ?? ""
        if types.contains("end") || action.contains("logged-out") || action.contains("log_off") || action.contains("logoff") {
            return .notRelevant
        }
        let hostID = nonEmpty(record.text(.hostID))
        guard let hostName = nonEmpty(record.text(.hostName)) ?? nonEmpty(record.text(.hostHostname)) ?? hostID else {
            return .rejected("the logon event has no host.name, host.hostname or host.id")
        }
        guard let timeText = record.text(.timestamp) else { return .rejected("the logon event has no @timestamp") }
        guard let micros = Timestamp.parseMicros(timeText) else { return .rejected("@timestamp \(quoted(timeText)) is not a valid time") }
        guard let user = nonEmpty(record.text(.userName)) else {
            return .rejected("the logon event has no user.name: it names no account")
        }
        let failed = record.text(.outcome).map { $0.lowercased() == "failure" } ?? false
        let key: RecordKey = nonEmpty(record.text(.eventID)).map { .named("ecs:" + $0) }
            ?? .contentHash(Array(SHA256.hash(record.rawBytes()).prefix(16)))
        var event = NormalizedEvent(kind: .logon, host: HostIdentity(name: hostName, ecsID: hostID), timestampMicros: micros,
                                    recordKey: key, entityID: "")
        event.sourceKind = .ecs
        event.timePrecisionMicros = Timestamp.precisionMicros(timeText)
        var details = LogonDetails(eventCode: failed ? 4625 : 4624)
        do {
            details.logonType = try logonType(record)
            event.sourceIP = try ip(record, .sourceIP) ?? ip(record, .sessionClientAddress)
            event.sourcePort = try port(record, .sourcePort).flatMap { $0 == 0 ? nil : $0 }
            event.pid = try integer(record, .pid).flatMap { $0 == 0 ? nil : $0 }
        } catch let problem as FieldProblem {
            return .rejected(problem.message)
        } catch {
            return .rejected("\(error)")
        }
        details.authenticationPackage = nonEmpty(record.text(.winlogAuthenticationPackage))
            ?? nonEmpty(record.text(.sessionAuthenticationPackage))
        details.logonProcess = nonEmpty(record.text(.winlogLogonProcess)).map { String($0.reversed().drop { $0 == " " }.reversed()) }
        details.workstation = nonEmpty(record.text(.winlogWorkstation)) ?? nonEmpty(record.text(.sourceDomain))
        event.logon = details
        event.userName = user
        event.userDomain = nonEmpty(record.text(.userDomain))
        let logonID = nonEmpty(record.text(.winlogTargetLogonID)) ?? nonEmpty(record.text(.winlogLogonID))
            ?? nonEmpty(record.text(.sessionID)).map { id in UInt64(id).map { "0x" + String($0, radix: 16) } ?? id }
        event.logonID = logonID.flatMap { $0 == "0x0" ? nil : $0.lowercased() }
        event.executable = nonEmpty(record.text(.executable))
        if details.logonType == nil { event.missingFields.append("process.Ext.session_info.logon_type") }
        return .event(event)
    }

    /// The logon type: `winlog.event_data.LogonType` (the number), else the name Elastic Defend
    /// (`process.Ext.session_info.logon_type`) or `winlog.logon.type` gives (`Network`,
    /// `RemoteInteractive`, …) as Windows numbers it.
    private static func logonType(_ record: some ECSRecord) throws -> Int64? {
        if let text = nonEmpty(record.text(.winlogLogonType)) {
            guard let type = Int64(text), type >= 0 else {
                throw FieldProblem("winlog.event_data.LogonType \(quoted(text)) is not a logon type number")
            }
            return type
        }
        for field in [ECSField.sessionLogonType, .winlogLogonTypeName] {
            guard let name = nonEmpty(record.text(field)) else { continue }
            guard let type = logonTypes[name.lowercased().filter { $0 != " " }] ?? Int64(name) else {
                throw FieldProblem("\(field.path) \(quoted(name)) is not a Windows logon type")
            }
            return type
        }
        return nil
    }

    private static let logonTypes: [String: Int64] = [
        "system": 0, "interactive": 2, "network": 3, "batch": 4, "service": 5, "proxy": 6, "unlock": 7,
        "networkcleartext": 8, "newcredentials": 9, "remoteinteractive": 10, "cachedinteractive": 11,
        "cachedremoteinteractive": 12, "cachedunlock": 13,
    ]
}
