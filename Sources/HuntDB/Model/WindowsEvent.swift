/// A Windows event as its rendered XML holds it: the System fields and the EventData pairs.
///
/// Produced by the XML reader (`wevtutil qe /f:xml`, `Get-WinEvent … ToXml()`) and by the EVTX
/// reader, and normalized by `SysmonNormalizer`, so both give identical rows.
public struct WindowsEvent: Sendable, Equatable {
    /// `System/Provider/@Name`, e.g. `Microsoft-Windows-Sysmon`.
    public var providerName: String?
    /// `System/EventID` as text, e.g. `1`.
    public var eventID: String?
    /// `System/TimeCreated/@SystemTime` as text, e.g. `2020-09-20T16:16:06.4702345Z`.
    public var timeCreated: String?
    /// `System/EventRecordID` as text.
    public var recordID: String?
    /// `System/Channel`, e.g. `Microsoft-Windows-Sysmon/Operational`.
    public var channel: String?
    /// `System/Computer`, the endpoint's name.
    public var computer: String?
    /// `System/Execution/@ProcessID`: the process that wrote the event (PowerShell 4103: the
    /// PowerShell host whose command line the event gives).
    public var executionProcessID: String?
    /// `EventData/Data` elements in document order: `Name` attribute and text.
    public var data: [DataItem]
    /// A System field the event gives twice (`EventID`), named; readers disagree on which value
    /// counts, so such an event is rejected when it is normalized.
    public var repeatedSystemField: String?

    public struct DataItem: Sendable, Equatable {
        public var name: String
        public var value: String
        public init(name: String, value: String) {
            self.name = name
            self.value = value
        }
    }

    public init(providerName: String? = nil, eventID: String? = nil, timeCreated: String? = nil,
                recordID: String? = nil, channel: String? = nil, computer: String? = nil,
                data: [DataItem] = []) {
        self.providerName = providerName
        self.eventID = eventID
        self.timeCreated = timeCreated
        self.recordID = recordID
        self.channel = channel
        self.computer = computer
        self.data = data
    }

    /// The value of the first `Data` element named `name` (exact, case-sensitive).
    public func value(_ name: String) -> String? {
        data.first { $0.name == name }?.value
    }
}
