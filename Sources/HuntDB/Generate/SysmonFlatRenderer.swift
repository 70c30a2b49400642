import Model

/// NXLog / Security-Datasets NDJSON: Sysmon's EventData at the top level next to NXLog's own
/// fields, `Hostname` the endpoint, `host` the collector, some numbers as strings.
///
/// ```json
/// {"SeverityValue":2,"EventReceivedTime":"2026-11-01 05:00:02","EventID":1,…,"Hostname":"WS-0001.corp.example",…}
/// ```
enum SysmonFlatRenderer: EventRenderer {
    /// Renders one line (with its newline).
    static func render(_ event: SyntheticEvent, into b: inout ByteBuffer) {
        let received = event.loggedMicros + NXLogTiming.receiveDelay(event)
        b.append("{\"SeverityValue\":2,\"EventReceivedTime\":\"")
        b.appendTime(received + NXLogTiming.localOffset, separator: UInt8(ascii: " "), fractionDigits: 0)
        b.append("\",\"EventID\":")
        b.appendDecimal(event.kind.sysmonEventID)
        b.append(",\"ProviderGuid\":\"{")
        b.append(SysmonFormat.providerGUID)
        b.append("}\",\"ExecutionProcessID\":3392,\"Channel\":\"Microsoft-Windows-Sysmon/Operational\",\"host\":\"")
        b.append(FleetCatalogConstants.collector)
        b.append("\",\"AccountType\":\"User\",\"Opcode\":\"Info\",\"EventTime\":\"")
        b.appendTime(event.loggedMicros + NXLogTiming.localOffset, separator: UInt8(ascii: " "), fractionDigits: 0)
        b.append("\",\"SourceModuleType\":\"im_msvistalog\",\"AccountName\":\"SYSTEM\",\"Domain\":\"NT AUTHORITY\",\"@version\":\"1\",\"OpcodeValue\":0,\"Severity\":\"INFO\",\"SourceName\":\"Microsoft-Windows-Sysmon\",\"Category\":\"")
        b.append(SysmonEventData.category(event.kind))
        b.append(event.kind == .registryValueSet ? "\",\"EventTypeOrignal\":\"INFO\"" : "\",\"EventType\":\"INFO\"")
        b.append(",\"Keywords\":-9223372036854775808,\"UserID\":\"S-1-5-18\",\"ThreadID\":")
        b.appendDecimal(5000 + Int(event.recordID % 997))
        b.append(",\"@timestamp\":\"")
        b.appendISOTime(received)
        b.append("\",\"port\":64545,\"RecordNumber\":")
        b.appendDecimal(event.recordID)
        b.append(",\"Task\":")
        b.appendDecimal(event.kind.sysmonEventID)
        b.append(",\"SourceModuleName\":\"eventlog\",\"Version\":")
        b.appendDecimal(SysmonEventData.version(event.kind))
        b.append(",\"Hostname\":")
        b.appendJSONString(event.host.name)
        b.append(",\"tags\":[\"mordorDataset\"]")
        var fields = FlatFields(buffer: b)
        SysmonEventData.visit(event, &fields)
        b = fields.buffer
        b.append("}\n")
    }

    private struct FlatFields: SysmonFieldVisitor {
        var buffer: ByteBuffer

        mutating func field(_ field: SysmonDataField, _ value: SysmonDataValue) {
            buffer.append(",\"")
            buffer.append(field.name)
            buffer.append("\":")
            switch value {
            case .text(let text): buffer.appendJSONString(text)
            case .number(let n, let quoted):
                if quoted { buffer.append(0x22) }
                buffer.appendDecimal(n)
                if quoted { buffer.append(0x22) }
            default:
                buffer.append(0x22)
                buffer.appendSysmonText(value, uppercaseGUID: false)
                buffer.append(0x22)
            }
        }
    }
}

/// The NXLog collector's clock: local time (UTC-5) and a receive delay of one to four seconds.
enum NXLogTiming {
    static let localOffset: Int64 = -5 * 3_600_000_000

    /// A deterministic delay between the event being logged and NXLog receiving it.
    static func receiveDelay(_ event: SyntheticEvent) -> Int64 {
        1_000_000 + (event.recordID &* 7919 % 3000) * 1000
    }
}

/// Names that need no escaping, as static strings for the render loops.
enum FleetCatalogConstants {
    static let collector: StaticString = "wec.corp.example"
}
