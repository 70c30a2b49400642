import Model

/// The context events of Windows Security and System logs: logons (4624 success, 4625 failure)
/// and service installs (Security 4697, System 7045). They are stored in their own tables, not
/// as processes or connections, so no rule sees them; remote-service alerts read them.
extension SecurityNormalizer {
    static func logon(_ record: some SecurityRecord, eventID: Int, host: HostIdentity, time: Int64, key: RecordKey) throws -> NormalizedEvent {
        guard let user = account(record.text(.targetDomainName), record.text(.targetUserName)) else {
            throw FieldProblem("the \(eventID) event has no TargetUserName: it cannot be a logon")
        }
        var details = LogonDetails(eventCode: Int64(eventID))
        if let text = nonEmpty(record.text(.logonType)) {
            guard let type = Int64(text), type >= 0 else { throw FieldProblem("LogonType \(quoted(text)) is not a logon type number") }
            details.logonType = type
        }
        details.logonProcess = nonEmpty(record.text(.logonProcessName))?.trimmingTrailingSpaces
        details.authenticationPackage = nonEmpty(record.text(.authenticationPackageName))
        details.workstation = nonEmpty(record.text(.workstationName))
        if eventID == 4625 {
            let sub = nonEmpty(record.text(.subStatus)).flatMap { $0 == "0x0" ? nil : $0 }
            details.failureStatus = sub ?? nonEmpty(record.text(.status))
        }
        var event = NormalizedEvent(kind: .logon, host: host, timestampMicros: time, recordKey: key, entityID: "")
        event.logon = details
        event.userName = user.name
        event.userDomain = user.domain
        event.logonID = nonEmpty(record.text(.targetLogonID)).flatMap { $0 == "0x0" ? nil : $0.lowercased() }
        event.sourceIP = try address(record, .ipAddress, .ecsSourceIP)
        event.sourcePort = try port(record, .ipPort, .ecsSourcePort).flatMap { $0 == 0 ? nil : $0 }
        event.pid = try pid(record, .processID).flatMap { $0 == 0 ? nil : $0 }
        event.executable = nonEmpty(record.text(.processName))
        if details.logonType == nil { event.missingFields.append("LogonType") }
        return event
    }

    static func serviceInstall(_ record: some SecurityRecord, eventID: Int, host: HostIdentity, time: Int64, key: RecordKey) throws -> NormalizedEvent {
        guard let name = nonEmpty(record.text(.serviceName)) else {
            throw FieldProblem("the \(eventID) event has no ServiceName: it cannot be a service install")
        }
        var details = ServiceDetails(eventCode: Int64(eventID), serviceName: name)
        var event = NormalizedEvent(kind: .serviceInstall, host: host, timestampMicros: time, recordKey: key, entityID: "")
        details.imagePath = FieldLimit.capped(nonEmpty(record.text(.serviceFileName)), eventID == 7045 ? "ImagePath" : "ServiceFileName",
                                              &event.truncatedFields)
        details.startType = nonEmpty(record.text(.serviceStartType))
        details.serviceType = nonEmpty(record.text(.serviceType))
        details.account = nonEmpty(record.text(.serviceAccount))
        event.service = details
        // 4697 names the account that installed the service; 7045 has only the record's UserID.
        if let subject = account(record.text(.subjectDomainName), record.text(.subjectUserName)) {
            event.userName = subject.name
            event.userDomain = subject.domain
        }
        event.logonID = nonEmpty(record.text(.subjectLogonID)).map { $0.lowercased() }
        if details.imagePath == nil { event.missingFields.append(eventID == 7045 ? "ImagePath" : "ServiceFileName") }
        return event
    }
}

private extension String {
    /// `LogonProcessName` is padded with spaces in some logs (`User32 `).
    var trimmingTrailingSpaces: String {
        var text = Substring(self)
        while text.last == " " { text = text.dropLast() }
        return String(text)
    }
}
