import Model

/// The Sysmon fields the normalizer reads: System fields plus EventData names.
///
/// Raw values are the EventData `Name`s, so XML and EVTX records map by name directly.
public enum SysmonField: Int, CaseIterable, Sendable {
    // System
    case eventID, providerName, channel, recordID, computer, timeCreated
    // EventData, process creation (ID 1) and network connection (ID 3)
    case utcTime, processGuid, processId, image, commandLine, currentDirectory, user
    case integrityLevel, hashes, parentProcessGuid, parentProcessId, parentImage, parentCommandLine
    case `protocol`, initiated, sourceIp, sourceHostname, sourcePort
    case destinationIp, destinationHostname, destinationPort
    // The executable's version resource, logon session and parent account (ID 1), port names (ID 3).
    case originalFileName, fileDescription, product, company, fileVersion
    case logonId, logonGuid, terminalSessionId, parentUser
    case sourcePortName, destinationPortName
    // Registry value set (ID 13): the key (`…\Services\<name>\ImagePath`) and the value written.
    case targetObject, details
    // Fallbacks some collectors use instead of `User` (ECS user.name / user.domain).
    case userName, userDomain

    /// The EventData `Name` of the field (nil for System fields and fallbacks).
    public var eventDataName: String? {
        switch self {
        case .eventID, .providerName, .channel, .recordID, .computer, .timeCreated, .userName, .userDomain: nil
        case .utcTime: "UtcTime"
        case .processGuid: "ProcessGuid"
        case .processId: "ProcessId"
        case .image: "Image"
        case .commandLine: "CommandLine"
        case .currentDirectory: "CurrentDirectory"
        case .user: "User"
        case .integrityLevel: "IntegrityLevel"
        case .hashes: "Hashes"
        case .parentProcessGuid: "ParentProcessGuid"
        case .parentProcessId: "ParentProcessId"
        case .parentImage: "ParentImage"
        case .parentCommandLine: "ParentCommandLine"
        case .protocol: "Protocol"
        case .initiated: "Initiated"
        case .sourceIp: "SourceIp"
        case .sourceHostname: "SourceHostname"
        case .sourcePort: "SourcePort"
        case .destinationIp: "DestinationIp"
        case .destinationHostname: "DestinationHostname"
        case .destinationPort: "DestinationPort"
        case .originalFileName: "OriginalFileName"
        case .fileDescription: "Description"
        case .product: "Product"
        case .company: "Company"
        case .fileVersion: "FileVersion"
        case .logonId: "LogonId"
        case .logonGuid: "LogonGuid"
        case .terminalSessionId: "TerminalSessionId"
        case .parentUser: "ParentUser"
        case .sourcePortName: "SourcePortName"
        case .destinationPortName: "DestinationPortName"
        case .targetObject: "TargetObject"
        case .details: "Details"
        }
    }

    /// The EventData fields, i.e. every field with an `eventDataName`.
    package static let eventDataFields: [SysmonField] = allCases.filter { $0.eventDataName != nil }
}

/// The ECS fields the normalizer reads from Elastic Defend / Elastic Agent documents.
public enum ECSField: Int, CaseIterable, Sendable {
    case timestamp, eventID, category, type, action
    case hostID, hostName, hostHostname
    case entityID, pid, executable, processName, commandLine, args, workingDirectory
    case parentEntityID, parentPID, parentExecutable, parentCommandLine
    case userName, userDomain, integrityLevel, md5, sha1, sha256
    case originalFileName, fileDescription, product, company, fileVersion, logonID
    case transport, direction, sourceIP, sourcePort, sourceDomain
    case destinationIP, destinationPort, destinationDomain
    // Authentication (logon) documents (ECSNormalizer+Logon): the outcome; Elastic Defend's
    // session (`process.Ext.session_info.*`); the Windows details some exports keep under winlog.*
    case outcome, sessionLogonType, sessionClientAddress, sessionID, sessionAuthenticationPackage
    case winlogLogonType, winlogLogonTypeName, winlogLogonID, winlogTargetLogonID
    case winlogAuthenticationPackage, winlogLogonProcess, winlogWorkstation

    /// The dotted ECS path of the field.
    public var path: String {
        switch self {
        case .timestamp: "@timestamp"
        case .eventID: "event.id"
        case .category: "event.category"
        case .type: "event.type"
        case .action: "event.action"
        case .hostID: "host.id"
        case .hostName: "host.name"
        case .hostHostname: "host.hostname"
        case .entityID: "process.entity_id"
        case .pid: "process.pid"
        case .executable: "process.executable"
        case .processName: "process.name"
        case .commandLine: "process.command_line"
        case .args: "process.args"
        case .workingDirectory: "process.working_directory"
        case .parentEntityID: "process.parent.entity_id"
        case .parentPID: "process.parent.pid"
        case .parentExecutable: "process.parent.executable"
        case .parentCommandLine: "process.parent.command_line"
        case .userName: "user.name"
        case .userDomain: "user.domain"
        case .integrityLevel: "process.Ext.token.integrity_level_name"
        case .md5: "process.hash.md5"
        case .sha1: "process.hash.sha1"
        case .sha256: "process.hash.sha256"
        case .originalFileName: "process.pe.original_file_name"
        case .fileDescription: "process.pe.description"
        case .product: "process.pe.product"
        case .company: "process.pe.company"
        case .fileVersion: "process.pe.file_version"
        case .logonID: "process.Ext.authentication_id"
        case .transport: "network.transport"
        case .direction: "network.direction"
        case .sourceIP: "source.ip"
        case .sourcePort: "source.port"
        case .sourceDomain: "source.domain"
        case .destinationIP: "destination.ip"
        case .destinationPort: "destination.port"
        case .destinationDomain: "destination.domain"
        case .outcome: "event.outcome"
        case .sessionLogonType: "process.Ext.session_info.logon_type"
        case .sessionClientAddress: "process.Ext.session_info.client_address"
        case .sessionID: "process.Ext.session_info.id"
        case .sessionAuthenticationPackage: "process.Ext.session_info.authentication_package"
        case .winlogLogonType: "winlog.event_data.LogonType"
        case .winlogLogonTypeName: "winlog.logon.type"
        case .winlogLogonID: "winlog.logon.id"
        case .winlogTargetLogonID: "winlog.event_data.TargetLogonId"
        case .winlogAuthenticationPackage: "winlog.event_data.AuthenticationPackageName"
        case .winlogLogonProcess: "winlog.event_data.LogonProcessName"
        case .winlogWorkstation: "winlog.event_data.WorkstationName"
        }
    }
}
