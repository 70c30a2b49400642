import Model

/// Winlogbeat 8 documents: `winlog.*` with the Sysmon EventData in `winlog.event_data`.
///
/// Hosts whose Winlogbeat runs the Sysmon module get the module's layout: `@timestamp` from
/// `UtcTime`, and the process, user and network fields moved out of `event_data` to ECS
/// (`process.*`, `user.*`, `source.*`, `destination.*`, `network.*`).
public struct WinlogbeatSink: CorpusSink {
    private var out: RenderBuffer
    private var scratch = ByteBuffer(capacity: 4096)

    public init(output: CorpusOutput) {
        out = RenderBuffer(output: output)
    }

    public mutating func write(_ event: SyntheticEvent) throws {
        render(event)
        try out.commit()
    }

    public mutating func finish() throws {
        try out.close()
    }

    private mutating func render(_ event: SyntheticEvent) {
        let module = event.host.winlogbeatModule
        let id = event.kind.sysmonEventID
        var b = out.bytes
        b.append("{\"@timestamp\":\"")
        b.appendISOTime(module ? event.timeMicros : event.loggedMicros)
        b.append("\",\"agent\":{\"type\":\"winlogbeat\",\"version\":\"8.11.1\",\"name\":")
        b.appendJSONString(event.host.ecsName)
        b.append(",\"id\":\"")
        b.appendRaw(event.host.agentID)
        b.append("\"},\"ecs\":{\"version\":\"8.0.0\"},\"host\":{\"name\":")
        b.appendJSONString(event.host.name.lowercased())
        b.append(",\"hostname\":")
        b.appendJSONString(event.host.ecsName)
        b.append(",\"architecture\":\"x86_64\",\"os\":{\"family\":\"windows\",\"name\":\"Windows 10 Enterprise\",\"kernel\":\"10.0.19041.3636\",\"type\":\"windows\"}},\"log\":{\"level\":\"information\"},\"event\":{\"code\":\"")
        b.appendDecimal(id)
        b.append("\",\"kind\":\"event\",\"provider\":\"Microsoft-Windows-Sysmon\",\"action\":\"")
        b.append(SysmonEventData.category(event.kind))
        b.append("\",\"created\":\"")
        b.appendISOTime(event.loggedMicros + NXLogTiming.receiveDelay(event))
        b.append(module ? "\",\"module\":\"sysmon\"}" : "\"}")
        if module { Self.appendECS(event, into: &b) }
        b.append(",\"winlog\":{\"channel\":\"Microsoft-Windows-Sysmon/Operational\",\"computer_name\":")
        b.appendJSONString(event.host.name)
        b.append(",\"event_id\":")
        // Winlogbeat 8 writes the id as a string; older versions as a number.
        if event.recordID % 4 == 0 { b.appendDecimal(id) } else { b.append(0x22); b.appendDecimal(id); b.append(0x22) }
        b.append(",\"provider_name\":\"Microsoft-Windows-Sysmon\",\"provider_guid\":\"{5770385f-c22a-43e0-bf4c-06f5698ffbd9}\",\"record_id\":")
        b.appendDecimal(event.recordID)
        b.append(",\"process\":{\"pid\":3392,\"thread\":{\"id\":")
        b.appendDecimal(5000 + Int(event.recordID % 997))
        b.append("}},\"api\":\"wineventlog\",\"opcode\":\"Info\",\"task\":\"")
        b.append(SysmonEventData.category(event.kind))
        b.append("\",\"version\":")
        b.appendDecimal(SysmonEventData.version(event.kind))
        b.append(",\"user\":{\"identifier\":\"S-1-5-18\",\"domain\":\"NT AUTHORITY\",\"name\":\"SYSTEM\",\"type\":\"User\"},\"event_data\":{")
        var fields = EventDataFields(buffer: b, skipMoved: module)
        SysmonEventData.visit(event, &fields)
        b = fields.buffer
        b.append("}},\"message\":\"")
        var message = MessageLines(buffer: b, scratch: scratch)
        message.buffer.append(Self.messageTitle(event.kind))
        SysmonEventData.visit(event, &message)
        b = message.buffer
        scratch = message.scratch
        b.append("\"}\n")
        out.bytes = b
    }

    /// The Sysmon module's ECS fields.
    private static func appendECS(_ event: SyntheticEvent, into b: inout ByteBuffer) {
        let p = event.process
        b.append(",\"process\":{\"entity_id\":\"")
        b.appendGUID(p.guid, uppercase: false, braces: true)
        b.append("\",\"pid\":")
        b.appendDecimal(p.pid)
        b.append(",\"executable\":")
        b.appendJSONString(p.image)
        b.append(",\"name\":")
        b.appendJSONString(p.name)
        if event.kind == .processCreate {
            b.append(",\"command_line\":")
            b.appendJSONString(p.commandLine)
            b.append(",\"working_directory\":")
            b.appendJSONString(p.currentDirectory)
            if let parent = p.parent {
                b.append(",\"parent\":{\"entity_id\":\"")
                b.appendGUID(parent.guid, uppercase: false, braces: true)
                b.append("\",\"pid\":")
                b.appendDecimal(parent.pid)
                b.append(",\"executable\":")
                b.appendJSONString(parent.image)
                b.append(",\"name\":")
                b.appendJSONString(parent.name)
                b.append(",\"command_line\":")
                b.appendJSONString(parent.commandLine)
                b.append("}")
            }
        }
        b.append("},\"user\":{\"domain\":")
        b.appendJSONString(p.user.domain)
        b.append(",\"name\":")
        b.appendJSONString(p.user.name)
        b.append("}")
        guard let c = event.connection else { return }
        b.append(",\"network\":{\"transport\":\"")
        b.appendRaw(c.transport)
        b.append(c.initiated ? "\",\"direction\":\"egress\"" : "\",\"direction\":\"ingress\"")
        b.append(c.isIPv6 ? ",\"type\":\"ipv6\"}" : ",\"type\":\"ipv4\"}")
        appendEndpoint("source", c.sourceIP, c.sourcePort, c.sourceHostname, into: &b)
        appendEndpoint("destination", c.destinationIP, c.destinationPort, c.destinationHostname, into: &b)
    }

    private static func appendEndpoint(_ name: StaticString, _ ip: IPText, _ port: Int, _ domain: String?, into b: inout ByteBuffer) {
        b.append(",\"")
        b.append(name)
        b.append("\":{\"ip\":\"")
        b.appendRaw(ip.ecs)
        b.append("\",\"port\":")
        b.appendDecimal(port)
        if let domain {
            b.append(",\"domain\":")
            b.appendJSONString(domain)
        }
        b.append("}")
    }

    private static func messageTitle(_ kind: SyntheticEventKind) -> StaticString {
        switch kind {
        case .processCreate: "Process Create:"
        case .networkConnection: "Network connection detected:"
        case .processTerminate: "Process terminated:"
        case .imageLoad: "Image loaded:"
        case .processAccess: "Process accessed:"
        case .fileCreate: "File created:"
        case .registryValueSet: "Registry value set:"
        case .dnsQuery: "Dns query:"
        }
    }

    private struct EventDataFields: SysmonFieldVisitor {
        var buffer: ByteBuffer
        let skipMoved: Bool
        var first = true

        mutating func field(_ field: SysmonDataField, _ value: SysmonDataValue) {
            if skipMoved, field.movedByWinlogbeatModule { return }
            buffer.append(first ? "\"" : ",\"")
            first = false
            buffer.append(field.name)
            buffer.append("\":")
            if case .text(let text) = value {
                buffer.appendJSONString(text)
            } else {
                buffer.append(0x22)
                buffer.appendSysmonText(value, uppercaseGUID: false)
                buffer.append(0x22)
            }
        }
    }

    /// The rendered event message: `Name: value` lines.
    private struct MessageLines: SysmonFieldVisitor {
        var buffer: ByteBuffer
        var scratch: ByteBuffer

        mutating func field(_ field: SysmonDataField, _ value: SysmonDataValue) {
            buffer.append("\\n")
            buffer.append(field.name)
            buffer.append(": ")
            if case .text(let text) = value {
                buffer.appendJSONEscaped(text)
            } else {
                scratch.count = 0
                scratch.appendSysmonText(value, uppercaseGUID: false)
                buffer.appendJSONEscaped(scratch.bytes)
            }
        }
    }
}
