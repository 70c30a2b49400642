import Model

/// Parses one `<Event>` element of Windows event XML into a `WindowsEvent`.
///
/// A deliberately small XML reader: elements, attributes, text, CDATA, comments and the five
/// predefined entities plus character references. It never resolves or expands anything else:
/// a DOCTYPE or an undefined entity (`&xxe;`) is an error, so entity bombs and external entities
/// cannot do harm.
enum XMLEventParser {
    struct Failure: Error {
        let message: String
        /// Set when the event is well-formed but gives a System field we read twice.
        var repeatedField: String?
    }

    /// A bit per System element the normalizer reads (each may appear once), nil for the others.
    private static func systemFieldBit(_ name: Substring) -> UInt8? {
        switch name {
        case "Provider": 1
        case "EventID": 2
        case "TimeCreated": 4
        case "EventRecordID": 8
        case "Channel": 16
        case "Computer": 32
        default: nil
        }
    }

    static func parse(_ bytes: UnsafeRawBufferPointer) throws(Failure) -> WindowsEvent {
        var reader = XMLReader(bytes: bytes)
        var event = WindowsEvent()
        var path: [Substring] = []
        var dataName: String?
        var text: [UInt8] = []
        var sawRoot = false
        var systemFieldsSeen: UInt8 = 0
        while let token = try reader.next() {
            switch token {
            case .start(let name, let attributes, let selfClosing):
                let local = localName(name)
                if path.isEmpty {
                    guard local == "Event" else { throw Failure(message: "expected <Event>, found <\(local)>") }
                    sawRoot = true
                }
                path.append(local)
                text.removeAll(keepingCapacity: true)
                if path.count == 3, path[1] == "System" {
                    if let bit = systemFieldBit(local) {
                        if systemFieldsSeen & bit != 0 { throw Failure(message: "repeated <\(local)> in <System>", repeatedField: String(local)) }
                        systemFieldsSeen |= bit
                    }
                    if local == "Provider" { event.providerName = attributes.first { $0.name == "Name" }?.value }
                    if local == "TimeCreated" { event.timeCreated = attributes.first { $0.name == "SystemTime" }?.value }
                    if local == "Execution" { event.executionProcessID = attributes.first { $0.name == "ProcessID" }?.value }
                }
                if path.count == 3, path[1] == "EventData", local == "Data" {
                    dataName = attributes.first { $0.name == "Name" }?.value ?? "Data\(event.data.count)"
                }
                if selfClosing { try close(&path, &event, &dataName, text: []) }
            case .text(let bytes):
                if text.count < 64 << 20 { text.append(contentsOf: bytes) }
            case .end(let name):
                guard let last = path.last, last == localName(name) else {
                    throw Failure(message: "mismatched end tag </\(name)>")
                }
                try close(&path, &event, &dataName, text: text)
                text.removeAll(keepingCapacity: true)
                if path.isEmpty { return event }
            }
        }
        throw Failure(message: sawRoot ? "the <Event> element is not closed" : "no <Event> element")
    }

    private static func close(_ path: inout [Substring], _ event: inout WindowsEvent, _ dataName: inout String?, text: [UInt8]) throws(Failure) {
        if path.count == 3, path[1] == "System" {
            let value = String(decoding: text, as: UTF8.self)
            switch path[2] {
            case "EventID": event.eventID = value.trimmingWhitespace()
            case "EventRecordID": event.recordID = value.trimmingWhitespace()
            case "Channel": event.channel = value
            case "Computer": event.computer = value
            default: break
            }
        } else if path.count == 3, path[1] == "EventData", path[2] == "Data", let name = dataName {
            event.data.append(.init(name: name, value: String(decoding: text, as: UTF8.self)))
            dataName = nil
        }
        path.removeLast()
    }

    private static func localName(_ name: Substring) -> Substring {
        if let colon = name.lastIndex(of: ":") { return name[name.index(after: colon)...] }
        return name
    }
}

extension String {
    func trimmingWhitespace() -> String {
        var s = Substring(self)
        while let f = s.first, f.isWhitespace { s.removeFirst() }
        while let l = s.last, l.isWhitespace { s.removeLast() }
        return String(s)
    }
}
