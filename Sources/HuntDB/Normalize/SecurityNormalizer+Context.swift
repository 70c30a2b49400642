#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif
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

extension SecurityNormalizer {
    /// PowerShell 4103: the command line of the PowerShell host that logged it (ContextInfo's
    /// `Host Application`) and that host's process id (System/Execution): evidence of a
    /// process's command line when its start was not recorded.
    static func hostApplication(_ record: some SecurityRecord, host: HostIdentity, time: Int64, key: RecordKey) throws -> NormalizedEvent {
        guard let info = nonEmpty(record.text(.contextInfo)) else {
            throw FieldProblem("the 4103 event has no ContextInfo: it names no host application")
        }
        guard let application = PowerShellContextInfo.value("Host Application", in: info) else {
            throw FieldProblem("the 4103 event's ContextInfo has no Host Application")
        }
        guard let pid = try pid(record, .executionProcessID), pid != 0 else {
            throw FieldProblem("the 4103 event has no Execution ProcessID: its host application is no process's")
        }
        var event = NormalizedEvent(kind: .commandLineEvidence, host: host, timestampMicros: time, recordKey: key, entityID: "")
        event.pid = pid
        event.commandLine = FieldLimit.capped(application, "ContextInfo Host Application", &event.truncatedFields)
        if let user = PowerShellContextInfo.value("User", in: info) {
            let parts = user.split(separator: "\\", maxSplits: 1).map(String.init)
            event.userDomain = parts.count == 2 ? parts[0] : nil
            event.userName = parts.last
        }
        return event
    }
}

/// The `Name = value` lines of a PowerShell event's ContextInfo (4103, 4104's siblings):
/// `        Host Application = C:\…\powershell.exe -noP …\r\n`.
enum PowerShellContextInfo {
    /// The value of the first line named `name` (case-sensitive, as PowerShell writes it),
    /// trimmed; nil when absent or empty. A line ends at `\n` or `\r`.
    ///
    /// Read in place as UTF-8 bytes, each line's end found by `memchr`: the text is kilobytes
    /// (the Host Application line holds an encoded command line), and walking it as Characters
    /// cost half a millisecond per record, byte by byte through a copied array 60k instructions.
    static func value(_ name: String, in info: String) -> String? {
        var info = info, name = name
        return info.withUTF8 { text in name.withUTF8 { key in value(key, in: text) } }
    }

    private static func value(_ key: UnsafeBufferPointer<UInt8>, in text: UnsafeBufferPointer<UInt8>) -> String? {
        guard let base = text.baseAddress else { return nil }
        func isBlank(_ b: UInt8) -> Bool { b == 0x20 || b == 0x09 }
        let n = text.count
        var lineStart = 0
        while lineStart < n {
            let lineEnd = endOfLine(base, from: lineStart, count: n)
            var at = lineStart
            while at < lineEnd, isBlank(text[at]) { at += 1 }
            if lineEnd - at >= key.count, key.isEmpty || memcmp(base + at, key.baseAddress!, key.count) == 0 {
                at += key.count
                while at < lineEnd, isBlank(text[at]) { at += 1 }
                if at < lineEnd, text[at] == UInt8(ascii: "=") {
                    at += 1
                    while at < lineEnd, isBlank(text[at]) { at += 1 }
                    var last = lineEnd
                    while last > at, isBlank(text[last - 1]) { last -= 1 }
                    return last > at ? String(decoding: UnsafeBufferPointer(rebasing: text[at..<last]), as: UTF8.self) : nil
                }
            }
            lineStart = lineEnd + 1
        }
        return nil
    }

    /// The offset of the first `\n` or `\r` at or after `from`, or `count`.
    private static func endOfLine(_ base: UnsafePointer<UInt8>, from: Int, count: Int) -> Int {
        let rest = count - from
        var end = count
        if let newline = memchr(base + from, 0x0A, rest) {
            end = from + (UnsafeRawPointer(newline) - UnsafeRawPointer(base + from))
        }
        if let carriage = memchr(base + from, 0x0D, end - from) {
            end = from + (UnsafeRawPointer(carriage) - UnsafeRawPointer(base + from))
        }
        return end
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
