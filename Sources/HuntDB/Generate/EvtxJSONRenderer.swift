import Model

/// evtx_dump's JSON lines: `Event.System.*` with `#attributes`, `Event.EventData.*` typed (numbers
/// as numbers, booleans as booleans) and GUIDs in upper case with braces.
///
/// ```json
/// {"Event":{"#attributes":{…},"System":{"Provider":{"#attributes":{"Name":"Microsoft-Windows-Sysmon",…}},"EventID":1,…},"EventData":{…}}}
/// ```
enum EvtxJSONRenderer: EventRenderer {
    static func render(_ event: SyntheticEvent, into b: inout ByteBuffer) {
        b.append("{\"Event\":{\"#attributes\":{\"xmlns\":\"http://schemas.microsoft.com/win/2004/08/events/event\"},\"System\":{\"Provider\":{\"#attributes\":{\"Name\":\"Microsoft-Windows-Sysmon\",\"Guid\":\"")
        b.append(SysmonFormat.providerGUID)
        b.append("\"}},\"EventID\":")
        b.appendDecimal(event.kind.sysmonEventID)
        b.append(",\"Version\":")
        b.appendDecimal(SysmonEventData.version(event.kind))
        b.append(",\"Level\":4,\"Task\":")
        b.appendDecimal(event.kind.sysmonEventID)
        b.append(",\"Opcode\":0,\"Keywords\":\"0x8000000000000000\",\"TimeCreated\":{\"#attributes\":{\"SystemTime\":\"")
        b.appendISOTime(event.loggedMicros, fractionDigits: 6)
        b.append("\"}},\"EventRecordID\":")
        b.appendDecimal(event.recordID)
        b.append(",\"Correlation\":null,\"Execution\":{\"#attributes\":{\"ProcessID\":3392,\"ThreadID\":")
        b.appendDecimal(5000 + Int(event.recordID % 997))
        b.append("}},\"Channel\":\"Microsoft-Windows-Sysmon/Operational\",\"Computer\":")
        b.appendJSONString(event.host.name)
        b.append(",\"Security\":{\"#attributes\":{\"UserID\":\"S-1-5-18\"}}},\"EventData\":{")
        var fields = TypedFields(buffer: b)
        SysmonEventData.visit(event, &fields)
        b = fields.buffer
        b.append("}}}\n")
    }

    private struct TypedFields: SysmonFieldVisitor {
        var buffer: ByteBuffer
        var first = true

        mutating func field(_ field: SysmonDataField, _ value: SysmonDataValue) {
            buffer.append(first ? "\"" : ",\"")
            first = false
            buffer.append(field.name)
            buffer.append("\":")
            switch value {
            case .text(let text): buffer.appendJSONString(text)
            case .number(let n, _): buffer.appendDecimal(n)
            case .flag(let flag): flag ? buffer.append("true") : buffer.append("false")
            default:
                buffer.append(0x22)
                buffer.appendSysmonText(value, uppercaseGUID: true)
                buffer.append(0x22)
            }
        }
    }
}
