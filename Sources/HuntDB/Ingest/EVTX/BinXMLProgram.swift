import Model

/// The element and attribute names the event builder distinguishes; every other name is `.other`.
enum EVTXName: UInt8 {
    case other, event, system, provider, eventID, timeCreated, eventRecordID, channel, computer
    case eventData, data, name, systemTime, execution, processID

    init(_ text: String) {
        switch text {
        case "Event": self = .event
        case "System": self = .system
        case "Provider": self = .provider
        case "EventID": self = .eventID
        case "TimeCreated": self = .timeCreated
        case "EventRecordID": self = .eventRecordID
        case "Channel": self = .channel
        case "Computer": self = .computer
        case "EventData": self = .eventData
        case "Data": self = .data
        case "Name": self = .name
        case "SystemTime": self = .systemTime
        case "Execution": self = .execution
        case "ProcessID": self = .processID
        default: self = .other
        }
    }
}

/// One step of a compiled BinXML token stream.
enum BinXMLOp {
    case open(EVTXName)
    case attribute(EVTXName)
    case closeStart
    case closeEmpty
    case end
    /// Literal text: a value token, CDATA, or a resolved character or entity reference.
    case text(String)
    /// Substitution `index` of the enclosing template instance's values.
    case substitution(index: Int, optional: Bool)
    /// A template instance: the definition at chunk offset `definition`, announced with the
    /// template identifier `identifier`, with the values `values` (indexes into the containing
    /// program's `values`).
    case template(definition: Int, identifier: UInt32, values: Range<Int>)
}

/// A template instance value: its type and where its bytes lie in the chunk.
struct BinXMLValueRef {
    var type: UInt8
    var offset: Int
    var length: Int
}

/// A compiled BinXML fragment or template body: its ops, plus the values of any template
/// instances it contains.
struct BinXMLProgram {
    var ops: [BinXMLOp] = []
    var values: [BinXMLValueRef] = []

    mutating func removeAll() {
        ops.removeAll(keepingCapacity: true)
        values.removeAll(keepingCapacity: true)
    }
}
