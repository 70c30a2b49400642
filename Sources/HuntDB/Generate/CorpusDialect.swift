import Model

/// The output formats of `hunt generate`, each readable by `hunt load`.
public enum CorpusDialect: String, CaseIterable, Sendable {
    /// NXLog / Security-Datasets flat Sysmon NDJSON.
    case sysmonFlat = "sysmon-flat"
    /// Winlogbeat 8 NDJSON (`winlog.*`, some hosts with the Sysmon module's ECS fields).
    case winlogbeat
    /// Elastic Defend ECS NDJSON.
    case ecs
    /// evtx_dump JSON lines.
    case evtxJSON = "evtx-json"
    /// `wevtutil qe /f:xml` Windows event XML.
    case xml

    /// Whether the dialect carries Sysmon events (all but ECS).
    public var isSysmon: Bool { self != .ecs }

    /// The sink that writes this dialect to `output`.
    /// - Parameter xmlRootElement: for `.xml`, wrap the events in `<Events>` (false: concatenated).
    public func makeSink(output: CorpusOutput, xmlRootElement: Bool = true) -> any CorpusSink {
        switch self {
        case .sysmonFlat: RenderingSink<SysmonFlatRenderer>(output: output)
        case .winlogbeat: WinlogbeatSink(output: output)
        case .ecs: RenderingSink<ECSRenderer>(output: output)
        case .evtxJSON: RenderingSink<EvtxJSONRenderer>(output: output)
        case .xml: XMLSink(output: output, rootElement: xmlRootElement)
        }
    }
}
