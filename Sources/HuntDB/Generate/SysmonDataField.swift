import Model

/// The EventData field names of the Sysmon events the generator writes.
enum SysmonDataField: Int, CaseIterable {
    case ruleName, utcTime, processGuid, processId, image, fileVersion, description, product, company, originalFileName
    case commandLine, currentDirectory, user, logonGuid, logonId, terminalSessionId, integrityLevel, hashes
    case parentProcessGuid, parentProcessId, parentImage, parentCommandLine, parentUser
    case `protocol`, initiated, sourceIsIpv6, sourceIp, sourceHostname, sourcePort, sourcePortName
    case destinationIsIpv6, destinationIp, destinationHostname, destinationPort, destinationPortName
    case imageLoaded, signed, signature, signatureStatus
    case sourceProcessGUID, sourceProcessId, sourceThreadId, sourceImage, targetProcessGUID, targetProcessId, targetImage
    case grantedAccess, callTrace, sourceUser, targetUser
    case targetFilename, creationUtcTime, eventType, targetObject, details, queryName, queryStatus, queryResults

    /// The `Name` of the `Data` element.
    var name: StaticString {
        switch self {
        case .ruleName: "RuleName"
        case .utcTime: "UtcTime"
        case .processGuid: "ProcessGuid"
        case .processId: "ProcessId"
        case .image: "Image"
        case .fileVersion: "FileVersion"
        case .description: "Description"
        case .product: "Product"
        case .company: "Company"
        case .originalFileName: "OriginalFileName"
        case .commandLine: "CommandLine"
        case .currentDirectory: "CurrentDirectory"
        case .user: "User"
        case .logonGuid: "LogonGuid"
        case .logonId: "LogonId"
        case .terminalSessionId: "TerminalSessionId"
        case .integrityLevel: "IntegrityLevel"
        case .hashes: "Hashes"
        case .parentProcessGuid: "ParentProcessGuid"
        case .parentProcessId: "ParentProcessId"
        case .parentImage: "ParentImage"
        case .parentCommandLine: "ParentCommandLine"
        case .parentUser: "ParentUser"
        case .protocol: "Protocol"
        case .initiated: "Initiated"
        case .sourceIsIpv6: "SourceIsIpv6"
        case .sourceIp: "SourceIp"
        case .sourceHostname: "SourceHostname"
        case .sourcePort: "SourcePort"
        case .sourcePortName: "SourcePortName"
        case .destinationIsIpv6: "DestinationIsIpv6"
        case .destinationIp: "DestinationIp"
        case .destinationHostname: "DestinationHostname"
        case .destinationPort: "DestinationPort"
        case .destinationPortName: "DestinationPortName"
        case .imageLoaded: "ImageLoaded"
        case .signed: "Signed"
        case .signature: "Signature"
        case .signatureStatus: "SignatureStatus"
        case .sourceProcessGUID: "SourceProcessGUID"
        case .sourceProcessId: "SourceProcessId"
        case .sourceThreadId: "SourceThreadId"
        case .sourceImage: "SourceImage"
        case .targetProcessGUID: "TargetProcessGUID"
        case .targetProcessId: "TargetProcessId"
        case .targetImage: "TargetImage"
        case .grantedAccess: "GrantedAccess"
        case .callTrace: "CallTrace"
        case .sourceUser: "SourceUser"
        case .targetUser: "TargetUser"
        case .targetFilename: "TargetFilename"
        case .creationUtcTime: "CreationUtcTime"
        case .eventType: "EventType"
        case .targetObject: "TargetObject"
        case .details: "Details"
        case .queryName: "QueryName"
        case .queryStatus: "QueryStatus"
        case .queryResults: "QueryResults"
        }
    }

    /// Whether Winlogbeat's Sysmon module moves this field out of `winlog.event_data` to an ECS
    /// field (`process.*`, `source.*`, `user.*`, `@timestamp`).
    var movedByWinlogbeatModule: Bool {
        switch self {
        case .utcTime, .processGuid, .processId, .image, .commandLine, .currentDirectory, .user,
             .parentProcessGuid, .parentProcessId, .parentImage, .parentCommandLine,
             .protocol, .initiated, .sourceIp, .sourceHostname, .sourcePort, .destinationIp, .destinationHostname, .destinationPort:
            true
        default:
            false
        }
    }
}
