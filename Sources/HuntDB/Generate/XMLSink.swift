import Model

/// Windows event XML as `wevtutil qe /f:xml` writes it: one `<Event>` per line inside an
/// `<Events>` root, or bare concatenated `<Event>` elements. Attributes in single quotes, text
/// with all five XML special characters escaped.
public struct XMLSink: CorpusSink {
    private var out: RenderBuffer
    private let rootElement: Bool
    private var started = false

    /// - Parameter rootElement: wrap the events in `<Events>…</Events>` (false: concatenated).
    public init(output: CorpusOutput, rootElement: Bool = true) {
        out = RenderBuffer(output: output)
        self.rootElement = rootElement
    }

    public mutating func write(_ event: SyntheticEvent) throws {
        if !started { begin() }
        Self.render(event, into: &out.bytes)
        try out.commit()
    }

    public mutating func finish() throws {
        if !started { begin() }
        if rootElement { out.bytes.append("</Events>\n") }
        try out.close()
    }

    private mutating func begin() {
        started = true
        if rootElement { out.bytes.append("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<Events>\n") }
    }

    static func render(_ event: SyntheticEvent, into b: inout ByteBuffer) {
        b.append("<Event xmlns='http://schemas.microsoft.com/win/2004/08/events/event'><System><Provider Name='Microsoft-Windows-Sysmon' Guid='{5770385f-c22a-43e0-bf4c-06f5698ffbd9}'/><EventID>")
        b.appendDecimal(event.kind.sysmonEventID)
        b.append("</EventID><Version>")
        b.appendDecimal(SysmonEventData.version(event.kind))
        b.append("</Version><Level>4</Level><Task>")
        b.appendDecimal(event.kind.sysmonEventID)
        b.append("</Task><Opcode>0</Opcode><Keywords>0x8000000000000000</Keywords><TimeCreated SystemTime='")
        b.appendISOTime(event.loggedMicros, fractionDigits: 7)
        b.append("'/><EventRecordID>")
        b.appendDecimal(event.recordID)
        b.append("</EventRecordID><Correlation/><Execution ProcessID='3392' ThreadID='")
        b.appendDecimal(5000 + Int(event.recordID % 997))
        b.append("'/><Channel>Microsoft-Windows-Sysmon/Operational</Channel><Computer>")
        b.appendXMLEscaped(event.host.name)
        b.append("</Computer><Security UserID='S-1-5-18'/></System><EventData>")
        var fields = DataElements(buffer: b)
        SysmonEventData.visit(event, &fields)
        b = fields.buffer
        b.append("</EventData></Event>\n")
    }

    private struct DataElements: SysmonFieldVisitor {
        var buffer: ByteBuffer

        mutating func field(_ field: SysmonDataField, _ value: SysmonDataValue) {
            buffer.append("<Data Name='")
            buffer.append(field.name)
            buffer.append("'>")
            switch value {
            case .text(let text): buffer.appendXMLEscaped(text)
            default: buffer.appendSysmonText(value, uppercaseGUID: false)
            }
            buffer.append("</Data>")
        }
    }
}
