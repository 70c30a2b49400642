import Model

/// Receives the events of a corpus in order: one implementation per output dialect.
///
/// Byte-writing sinks render into a buffer and hand it to a `CorpusOutput` in large chunks; the
/// `WindowsEventSink` hands each Sysmon event over as a `WindowsEvent` (for EVTX writers).
public protocol CorpusSink {
    /// Writes one event.
    /// - Throws: `CorpusError.output` when the output cannot be written.
    mutating func write(_ event: SyntheticEvent) throws
    /// Writes whatever follows the last event and flushes everything.
    mutating func finish() throws
}

/// A dialect that renders each event on its own (no state between events).
protocol EventRenderer {
    /// Appends one event's text, with its line end, to `b`.
    static func render(_ event: SyntheticEvent, into b: inout ByteBuffer)
}

/// The sink of a stateless dialect: renders each event into the buffer and hands full chunks to
/// the output.
struct RenderingSink<Renderer: EventRenderer>: CorpusSink {
    private var out: RenderBuffer

    init(output: CorpusOutput) {
        out = RenderBuffer(output: output)
    }

    mutating func write(_ event: SyntheticEvent) throws {
        Renderer.render(event, into: &out.bytes)
        try out.commit()
    }

    mutating func finish() throws {
        try out.close()
    }
}

/// A render buffer in front of a `CorpusOutput`, flushed in 1 MiB chunks.
struct RenderBuffer {
    var bytes = ByteBuffer(capacity: 1 << 21)
    let output: CorpusOutput

    init(output: CorpusOutput) {
        self.output = output
    }

    /// Hands the buffer to the output once it holds a full chunk.
    @inline(__always)
    mutating func commit() throws(CorpusError) {
        if bytes.count >= 1 << 20 { try flush() }
    }

    mutating func flush() throws(CorpusError) {
        try output.submit(&bytes)
    }

    /// Flushes and closes the output.
    mutating func close() throws(CorpusError) {
        try flush()
        try output.close()
    }
}

/// Hands each Sysmon event over as a `WindowsEvent`: the System fields and the EventData pairs an
/// EVTX or XML rendering holds (GUIDs in Sysmon's lower case with braces).
///
/// ```swift
/// var sink = WindowsEventSink { event in try evtxWriter.append(event) }
/// ```
public struct WindowsEventSink: CorpusSink {
    private let handler: (WindowsEvent) throws -> Void

    public init(_ handler: @escaping (WindowsEvent) throws -> Void) {
        self.handler = handler
    }

    public mutating func write(_ event: SyntheticEvent) throws {
        try handler(Self.windowsEvent(event))
    }

    public mutating func finish() throws {}

    /// The `WindowsEvent` of one synthetic event.
    public static func windowsEvent(_ event: SyntheticEvent) -> WindowsEvent {
        var collector = DataCollector()
        SysmonEventData.visit(event, &collector)
        var time = ByteBuffer(capacity: 32)
        time.appendISOTime(event.loggedMicros, fractionDigits: 7)
        return WindowsEvent(providerName: SysmonFormat.provider, eventID: String(event.kind.sysmonEventID),
                            timeCreated: time.string, recordID: String(event.recordID),
                            channel: SysmonFormat.channel, computer: event.host.name, data: collector.items)
    }

    private struct DataCollector: SysmonFieldVisitor {
        var items: [WindowsEvent.DataItem] = []
        var text = ByteBuffer(capacity: 256)

        mutating func field(_ field: SysmonDataField, _ value: SysmonDataValue) {
            text.count = 0
            text.appendSysmonText(value, uppercaseGUID: false)
            items.append(.init(name: field.name.description, value: text.string))
        }
    }
}

/// Constants shared by the Sysmon dialects.
enum SysmonFormat {
    static let provider = "Microsoft-Windows-Sysmon"
    static let channel = "Microsoft-Windows-Sysmon/Operational"
    static let providerGUID: StaticString = "5770385F-C22A-43E0-BF4C-06F5698FFBD9"
    /// The pid and a thread of Sysmon itself (System/Execution).
    static let executionProcessID = 3392
}

extension ByteBuffer {
    /// Appends a value as Sysmon's rendered text (unescaped).
    mutating func appendSysmonText(_ value: SysmonDataValue, uppercaseGUID: Bool) {
        switch value {
        case .text(let text): appendRaw(text)
        case .literal(let text): append(text)
        case .number(let n, _): appendDecimal(n)
        case .guid(let guid): appendGUID(guid, uppercase: uppercaseGUID, braces: true)
        case .time(let micros): appendSysmonTime(micros)
        case .flag(let flag): flag ? append("true") : append("false")
        case .ip(let ip): appendRaw(ip.sysmon)
        }
    }
}
