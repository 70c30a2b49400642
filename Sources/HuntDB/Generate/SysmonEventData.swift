import Model

/// The `EventData` of a Sysmon event: one table of fields per event id, in Sysmon's order.
///
/// Every Sysmon dialect (flat NDJSON, Winlogbeat, evtx_dump JSON, XML, `WindowsEvent`) renders
/// these same fields, each in its own spelling, so they cannot drift apart.
enum SysmonEventData {
    /// Calls `visitor` with every EventData field of `event`, in order.
    static func visit<V: SysmonFieldVisitor>(_ event: SyntheticEvent, _ v: inout V) {
        let p = event.process
        v.field(.ruleName, .literal("-"))
        switch event.kind {
        case .processCreate:
            v.field(.utcTime, .time(event.timeMicros))
            processIdentity(p, &v)
            program(p.program, &v)
            v.field(.commandLine, .text(p.commandLine))
            v.field(.currentDirectory, .text(p.currentDirectory))
            v.field(.user, .text(p.user.qualified))
            v.field(.logonGuid, .guid(p.logonGUID))
            v.field(.logonId, .text(p.user.logonID))
            v.field(.terminalSessionId, .number(Int64(p.session), quotedInNXLog: true))
            v.field(.integrityLevel, .text(p.integrityLevel))
            v.field(.hashes, .text(p.program.hashes))
            if let parent = p.parent {
                v.field(.parentProcessGuid, .guid(parent.guid))
                v.field(.parentProcessId, .number(parent.pid, quotedInNXLog: true))
                v.field(.parentImage, .text(parent.image))
                v.field(.parentCommandLine, .text(parent.commandLine))
                v.field(.parentUser, .text(parent.user.qualified))
            } else {
                v.field(.parentProcessGuid, .guid(SysmonGUID(high: 0, low: 0)))
                v.field(.parentProcessId, .number(0, quotedInNXLog: true))
                v.field(.parentImage, .literal("-"))
                v.field(.parentCommandLine, .literal("-"))
                v.field(.parentUser, .literal("-"))
            }
        case .networkConnection:
            let c = event.connection!
            v.field(.utcTime, .time(event.timeMicros))
            processIdentity(p, &v)
            v.field(.user, .text(p.user.qualified))
            v.field(.protocol, .text(c.transport))
            v.field(.initiated, .flag(c.initiated))
            v.field(.sourceIsIpv6, .flag(c.sourceIP.isIPv6))
            v.field(.sourceIp, .ip(c.sourceIP))
            v.field(.sourceHostname, optional(c.sourceHostname))
            v.field(.sourcePort, .number(Int64(c.sourcePort), quotedInNXLog: true))
            v.field(.sourcePortName, .literal("-"))
            v.field(.destinationIsIpv6, .flag(c.destinationIP.isIPv6))
            v.field(.destinationIp, .ip(c.destinationIP))
            v.field(.destinationHostname, optional(c.destinationHostname))
            v.field(.destinationPort, .number(Int64(c.destinationPort), quotedInNXLog: true))
            v.field(.destinationPortName, optional(c.destinationPortName))
        case .processTerminate:
            v.field(.utcTime, .time(event.timeMicros))
            processIdentity(p, &v)
            v.field(.user, .text(p.user.qualified))
        case .imageLoad:
            let module = event.targetProgram ?? p.program
            v.field(.utcTime, .time(event.timeMicros))
            processIdentity(p, &v)
            v.field(.imageLoaded, .text(module.image))
            program(module, &v)
            v.field(.hashes, .text(module.hashes))
            v.field(.signed, .literal("true"))
            v.field(.signature, .literal("Microsoft Windows"))
            v.field(.signatureStatus, .literal("Valid"))
            v.field(.user, .text(p.user.qualified))
        case .processAccess:
            let target = event.targetProcess ?? p
            v.field(.utcTime, .time(event.timeMicros))
            v.field(.sourceProcessGUID, .guid(p.guid))
            v.field(.sourceProcessId, .number(p.pid, quotedInNXLog: true))
            v.field(.sourceThreadId, .number(p.pid &* 7 % 9000 + 100, quotedInNXLog: true))
            v.field(.sourceImage, .text(p.image))
            v.field(.targetProcessGUID, .guid(target.guid))
            v.field(.targetProcessId, .number(target.pid, quotedInNXLog: true))
            v.field(.targetImage, .text(target.image))
            v.field(.grantedAccess, .text(event.targetDetails ?? "0x1000"))
            v.field(.callTrace, .text(event.target ?? "-"))
            v.field(.sourceUser, .text(p.user.qualified))
            v.field(.targetUser, .text(target.user.qualified))
        case .fileCreate:
            v.field(.utcTime, .time(event.timeMicros))
            processIdentity(p, &v)
            v.field(.targetFilename, .text(event.target ?? "-"))
            v.field(.creationUtcTime, .time(event.timeMicros))
            v.field(.user, .text(p.user.qualified))
        case .registryValueSet:
            v.field(.eventType, .literal("SetValue"))
            v.field(.utcTime, .time(event.timeMicros))
            processIdentity(p, &v)
            v.field(.targetObject, .text(event.target ?? "-"))
            v.field(.details, .text(event.targetDetails ?? "-"))
            v.field(.user, .text(p.user.qualified))
        case .dnsQuery:
            v.field(.utcTime, .time(event.timeMicros))
            v.field(.processGuid, .guid(p.guid))
            v.field(.processId, .number(p.pid, quotedInNXLog: false))
            v.field(.queryName, .text(event.target ?? "-"))
            v.field(.queryStatus, .text(event.targetDetails == "-" ? "9003" : "0"))
            v.field(.queryResults, .text(event.targetDetails ?? "-"))
            v.field(.image, .text(p.image))
            v.field(.user, .text(p.user.qualified))
        }
    }

    @inline(__always)
    private static func processIdentity<V: SysmonFieldVisitor>(_ p: SyntheticProcess, _ v: inout V) {
        v.field(.processGuid, .guid(p.guid))
        v.field(.processId, .number(p.pid, quotedInNXLog: false))
        v.field(.image, .text(p.image))
    }

    @inline(__always)
    private static func program<V: SysmonFieldVisitor>(_ program: Program, _ v: inout V) {
        v.field(.fileVersion, .text(program.fileVersion))
        v.field(.description, .text(program.description))
        v.field(.product, .text(program.product))
        v.field(.company, .text(program.company))
        v.field(.originalFileName, .text(program.originalFileName))
    }

    @inline(__always)
    private static func optional(_ text: String?) -> SysmonDataValue {
        text.map { .text($0) } ?? .literal("-")
    }

    /// Sysmon's schema version of each event (System/Version).
    static func version(_ kind: SyntheticEventKind) -> Int {
        switch kind {
        case .processCreate, .networkConnection, .dnsQuery: 5
        case .processTerminate, .imageLoad, .processAccess: 3
        case .fileCreate, .registryValueSet: 2
        }
    }

    /// The task name exporters show for each event (NXLog `Category`, Winlogbeat `event.action`).
    static func category(_ kind: SyntheticEventKind) -> StaticString {
        switch kind {
        case .processCreate: "Process Create (rule: ProcessCreate)"
        case .networkConnection: "Network connection detected (rule: NetworkConnect)"
        case .processTerminate: "Process terminated (rule: ProcessTerminate)"
        case .imageLoad: "Image loaded (rule: ImageLoad)"
        case .processAccess: "Process accessed (rule: ProcessAccess)"
        case .fileCreate: "File created (rule: FileCreate)"
        case .registryValueSet: "Registry value set (rule: RegistryEvent)"
        case .dnsQuery: "Dns query (rule: DnsQuery)"
        }
    }
}

/// Receives the EventData fields of one Sysmon event.
protocol SysmonFieldVisitor {
    mutating func field(_ field: SysmonDataField, _ value: SysmonDataValue)
}

/// A value of an EventData field, before a dialect spells it.
enum SysmonDataValue {
    case text(String)
    case literal(StaticString)
    /// A number; NXLog writes some as JSON strings (`"ParentProcessId":"1184"`).
    case number(Int64, quotedInNXLog: Bool)
    case guid(SysmonGUID)
    /// A Sysmon time (`2026-11-01 10:00:00.123`).
    case time(Int64)
    /// Sysmon's `true` / `false`.
    case flag(Bool)
    case ip(IPText)
}
