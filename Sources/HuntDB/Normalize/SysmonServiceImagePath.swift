import Foundation
import Model

/// Sysmon 13 (registry value set) of `HKLM\System\CurrentControlSet\Services\<name>\ImagePath`:
/// a service's command line was written, which is how a service is created or repointed. Stored
/// as a service install (context), like System 7045 and Security 4697; every other registry set
/// is not relevant.
enum SysmonServiceImagePath {
    static func normalize(_ record: some SysmonRecord) -> NormalizeResult {
        guard let target = nonEmpty(record.text(.targetObject)), let name = serviceName(in: target) else { return .notRelevant }
        if let field = record.repeatedField() { return .rejected(FieldProblem.repeated(field).message) }
        guard let computer = nonEmpty(record.text(.computer)) else {
            return .rejected("Sysmon event 13 has no computer name (Computer / Hostname)")
        }
        let timeField: SysmonField = record.text(.utcTime) != nil ? .utcTime : .timeCreated
        guard let timeText = record.text(timeField) else { return .rejected("Sysmon event 13 has no UtcTime") }
        guard let micros = Timestamp.parseMicros(timeText) else {
            return .rejected("\(timeField == .utcTime ? "UtcTime" : "TimeCreated") \(quoted(timeText)) is not a valid time")
        }
        let key: RecordKey
        switch SysmonNormalizer.recordKey(record) {
        case .success(let k): key = k
        case .failure(let problem): return .rejected(problem.message)
        }
        var event = NormalizedEvent(kind: .serviceInstall, host: HostIdentity(name: computer, ecsID: nil), timestampMicros: micros,
                                    recordKey: key, entityID: nonEmpty(record.text(.processGuid)).map(Canonical.entityID) ?? "")
        event.sourceKind = .sysmon
        event.timePrecisionMicros = Timestamp.precisionMicros(timeText)
        var details = ServiceDetails(eventCode: 13, serviceName: name)
        details.imagePath = FieldLimit.capped(nonEmpty(record.text(.details)).map(unescapingPercent), "Details", &event.truncatedFields)
        event.service = details
        if let pidText = nonEmpty(record.text(.processId)) {
            guard let pid = Int64(pidText) else { return .rejected("ProcessId \(quoted(pidText)) is not a number") }
            event.pid = pid
        }
        event.executable = nonEmpty(record.text(.image))
        if details.imagePath == nil { event.missingFields.append("Details") }
        if timeField == .timeCreated { event.missingFields.insert("UtcTime (TimeCreated used)", at: 0) }
        return .event(event)
    }

    /// The service's name when `target` is `…\Services\<name>\ImagePath` (any case), else nil.
    static func serviceName(in target: String) -> String? {
        let parts = target.split(separator: "\\", omittingEmptySubsequences: false)
        guard parts.count >= 3, ASCII.equalsIgnoringCase(String(parts[parts.count - 1]), "imagepath"),
              ASCII.equalsIgnoringCase(String(parts[parts.count - 3]), "services") else { return nil }
        let name = parts[parts.count - 2]
        return name.isEmpty ? nil : String(name)
    }

    /// Sysmon's message rendering doubles percent signs in `Details` (`%%COMSPEC%%`); the value
    /// written to the registry has single ones.
    static func unescapingPercent(_ text: String) -> String {
        guard text.contains("%%") else { return text }
        return text.replacingOccurrences(of: "%%", with: "%")
    }
}
