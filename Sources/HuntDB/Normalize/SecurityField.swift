import Model

/// The fields of Windows Security events the normalizer reads: System fields, EventData names
/// of the events stored (4688, 4689, 5156, 4608; 4624, 4625, 4697 and System's 7045 as context), and the ECS fields Winlogbeat's security
/// module fills instead. A later event (4624, 4697…) adds its EventData names here and a case in
/// `SecurityNormalizer`; every dialect's path table is derived from this list.
public enum SecurityField: Int, CaseIterable, Sendable {
    // System
    case eventID, providerName, channel, recordID, computer, timeCreated
    /// NXLog's flat export: `EventTime` (local time, whole seconds, no zone) and the two
    /// collector times that tell the zone (`EventReceivedTime` local, `@timestamp` UTC).
    case nxlogEventTime, nxlogReceivedTime, collectorTimestamp
    // 4688 process creation
    case newProcessID, newProcessName, processID, parentProcessName, commandLine, mandatoryLabel
    case subjectUserName, subjectDomainName, subjectLogonID, targetUserName, targetDomainName, targetLogonID
    // 4689 process exit
    case processName
    // 5156 permitted connection
    case application, direction, sourceAddress, sourcePort, destAddress, destPort, `protocol`
    // 4624 / 4625 logons (the account is the target subject; ProcessId / ProcessName as 4689)
    case logonType, logonProcessName, authenticationPackageName, workstationName, ipAddress, ipPort, status, subStatus
    // 4697 (Security) and 7045 (System, Service Control Manager) service installs
    case serviceName, serviceFileName, serviceType, serviceStartType, serviceAccount
    // PowerShell 4103 (Microsoft-Windows-PowerShell/Operational): the host process's command
    // line in ContextInfo, its pid in System/Execution (`ExecutionProcessID` in NXLog's export)
    case contextInfo, executionProcessID
    // ECS fallbacks (Winlogbeat's security module moves event data to ECS)
    case ecsExecutable, ecsPID, ecsParentPID, ecsParentExecutable, ecsCommandLine
    case ecsUserName, ecsUserDomain, ecsSourceIP, ecsSourcePort, ecsDestinationIP, ecsDestinationPort
    case ecsTransport, ecsDirection

    /// The EventData `Name`s the field goes by (nil for System, NXLog and ECS fields). The first
    /// is Microsoft's spelling; 5156 spells the process id `ProcessID`, 4688 and 4689 `ProcessId`.
    public var eventDataNames: [String]? {
        switch self {
        case .newProcessID: ["NewProcessId"]
        case .newProcessName: ["NewProcessName"]
        case .processID: ["ProcessId", "ProcessID"]
        case .parentProcessName: ["ParentProcessName"]
        case .commandLine: ["CommandLine"]
        case .mandatoryLabel: ["MandatoryLabel"]
        case .subjectUserName: ["SubjectUserName"]
        case .subjectDomainName: ["SubjectDomainName"]
        case .subjectLogonID: ["SubjectLogonId"]
        case .targetUserName: ["TargetUserName"]
        case .targetDomainName: ["TargetDomainName"]
        case .targetLogonID: ["TargetLogonId"]
        case .processName: ["ProcessName"]
        case .application: ["Application"]
        case .direction: ["Direction"]
        case .sourceAddress: ["SourceAddress"]
        case .sourcePort: ["SourcePort"]
        case .destAddress: ["DestAddress"]
        case .destPort: ["DestPort"]
        case .protocol: ["Protocol"]
        case .logonType: ["LogonType"]
        case .logonProcessName: ["LogonProcessName"]
        case .authenticationPackageName: ["AuthenticationPackageName"]
        case .workstationName: ["WorkstationName"]
        case .ipAddress: ["IpAddress"]
        case .ipPort: ["IpPort"]
        case .status: ["Status"]
        case .subStatus: ["SubStatus"]
        case .serviceName: ["ServiceName"]
        // 4697 spells the service's fields `Service…`, 7045 `ImagePath`, `StartType`, `AccountName`.
        case .serviceFileName: ["ServiceFileName", "ImagePath"]
        case .serviceType: ["ServiceType"]
        case .serviceStartType: ["ServiceStartType", "StartType"]
        case .serviceAccount: ["ServiceAccount", "AccountName"]
        case .contextInfo: ["ContextInfo"]
        default: nil
        }
    }

    /// The dotted ECS path of an ECS fallback field.
    public var ecsPath: String? {
        switch self {
        case .ecsExecutable: "process.executable"
        case .ecsPID: "process.pid"
        case .ecsParentPID: "process.parent.pid"
        case .ecsParentExecutable: "process.parent.executable"
        case .ecsCommandLine: "process.command_line"
        case .ecsUserName: "user.name"
        case .ecsUserDomain: "user.domain"
        case .ecsSourceIP: "source.ip"
        case .ecsSourcePort: "source.port"
        case .ecsDestinationIP: "destination.ip"
        case .ecsDestinationPort: "destination.port"
        case .ecsTransport: "network.transport"
        case .ecsDirection: "network.direction"
        default: nil
        }
    }

    /// The name of the field in messages: its EventData name, else its ECS path.
    public var displayName: String {
        if let names = eventDataNames { return names[0] }
        if let path = ecsPath { return path }
        switch self {
        case .nxlogEventTime: return "EventTime"
        case .nxlogReceivedTime: return "EventReceivedTime"
        case .collectorTimestamp: return "@timestamp"
        case .timeCreated: return "TimeCreated"
        case .recordID: return "EventRecordID"
        case .executionProcessID: return "Execution ProcessID"
        default: return "\(self)"
        }
    }

    /// The EventData fields, i.e. every field with `eventDataNames`.
    package static let eventDataFields: [SecurityField] = allCases.filter { $0.eventDataNames != nil }
}
