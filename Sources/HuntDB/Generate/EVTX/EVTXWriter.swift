import Model

/// Writes a valid EVTX file from `WindowsEvent`s, streaming: one chunk is held in memory.
///
/// Each record is a template instance. The template holds the System part (Provider@Name,
/// EventID, TimeCreated@SystemTime, EventRecordID, Channel, Computer, as optional substitutions)
/// and an EventData element with one `<Data Name="…">` per data item, whose text is a
/// substitution; events with the same Data names share a template, defined inline on its first
/// use in each chunk. Names go through the chunk's string table. The record's written time is
/// the FILETIME of `timeCreated` (0 when it cannot be parsed). `finish()` writes the last chunk
/// and fills the file header (chunk count, next record identifier, checksum), which stays
/// marked dirty until then.
public final class EVTXWriter {
    /// Where the EventData of each record is placed (the non-flat forms exercise nested BinXML).
    enum EventDataLayout { case flat, nestedTemplate, nestedElements }

    var layout = EventDataLayout.flat
    /// With `.nestedElements`: writes an empty Data text as a NullType value token, as some
    /// Windows components do, instead of leaving the element without content.
    var emptyTextAsNullValue = false
    private let output: any EVTXByteOutput
    private var chunk = EVTXChunkBuilder()
    private var chunkCount = 0
    private var nextRecordID: UInt64 = 1
    private var finished = false
    /// The template key of the last Data name list, to avoid rebuilding it for runs of alike events.
    private var lastNames: [String] = []
    private var lastKey = ""
    /// How many events were appended.
    public private(set) var eventCount = 0

    /// Starts a file on `output`, writing a provisional (dirty) file header.
    public init(output: some EVTXByteOutput) throws {
        self.output = output
        let header = fileHeader(dirty: true)
        try header.withUnsafeBytes { try output.write($0) }
    }

    /// Appends one event as the next record.
    public func append(_ event: WindowsEvent) throws {
        try append(event, typedData: nil)
    }

    /// Appends an event whose Data values are given typed (`typedData`, one per `event.data`
    /// item, replacing the items' text).
    func append(_ event: WindowsEvent, typedData: [EVTXWriterValue]?) throws {
        guard !finished else { throw EVTXError("Cannot append to an EVTX writer that has finished.") }
        let names = event.data.map(\.name)
        let values = typedData ?? event.data.map { EVTXWriterValue.string($0.value) }
        guard values.count == names.count else {
            throw EVTXError("The event has \(names.count) Data items but \(values.count) typed values.")
        }
        let fileTime = event.timeCreated.flatMap(EVTXTime.parseFileTime) ?? 0
        if !encode(event, names: names, values: values, fileTime: fileTime) {
            guard chunk.recordCount > 0 else { throw tooLarge() }
            try flushChunk()
            guard encode(event, names: names, values: values, fileTime: fileTime) else { throw tooLarge() }
        }
        nextRecordID += 1
        eventCount += 1
    }

    /// Writes the last chunk and the final file header. The writer accepts no events afterwards.
    public func finish() throws {
        guard !finished else { return }
        if chunk.recordCount > 0 { try flushChunk() }
        finished = true
        let header = fileHeader(dirty: false)
        try header.withUnsafeBytes { try output.overwrite(at: 0, with: $0) }
    }

    private func tooLarge() -> EVTXError {
        EVTXError("Event \(eventCount + 1) is too large for one 64 KiB EVTX chunk.")
    }

    private func flushChunk() throws {
        chunk.finishHeader()
        try chunk.buffer.withUnsafeBytes { try output.write($0) }
        chunkCount += 1
        chunk.reset()
    }

    private func fileHeader(dirty: Bool) -> [UInt8] {
        var h = [UInt8](repeating: 0, count: EVTXFileLayout.fileHeaderSize)
        func put(_ v: UInt64, _ o: Int, _ n: Int) { for k in 0 ..< n { h[o + k] = UInt8(truncatingIfNeeded: v >> (8 * UInt64(k))) } }
        h.replaceSubrange(0 ..< 8, with: EVTXFileLayout.fileSignature)
        put(0, 8, 8)                                              // first chunk number
        put(UInt64(max(chunkCount - 1, 0)), 16, 8)                // last chunk number
        put(nextRecordID, 24, 8)
        put(128, 32, 4)
        put(1, 36, 2)                                             // minor version
        put(3, 38, 2)                                             // major version
        put(4096, 40, 2)
        put(UInt64(min(chunkCount, 0xFFFF)), 42, 2)
        put(dirty ? 1 : 0, 120, 4)
        let crc = h.withUnsafeBytes { EVTXCRC32.checksum(UnsafeRawBufferPointer(rebasing: $0[0 ..< 120])) }
        put(UInt64(crc), 124, 4)
        return h
    }

    /// Encodes the record into the current chunk; false when it does not fit.
    private func encode(_ event: WindowsEvent, names: [String], values: [EVTXWriterValue], fileTime: UInt64) -> Bool {
        let id = nextRecordID
        let layout = self.layout
        chunk.beginRecord()
        chunk.u32(0x0000_2A2A)
        chunk.u32(0)
        chunk.u64(id)
        chunk.u64(fileTime)
        chunk.fragmentHeader()
        if names != lastNames || lastKey.isEmpty {
            lastNames = names
            lastKey = "E\u{1}" + names.joined(separator: "\u{1}")
        }
        let key = layout == .flat ? lastKey : "N"
        let dataTypes = values.map { $0.type == 0 ? 0x01 : $0.type }
        chunk.templateInstance(key: key) { c in Self.eventTemplate(&c, names: names, types: dataTypes, layout: layout) }
        var all: [(inout EVTXChunkBuilder) -> UInt8] = Self.systemValues(event).map { v in
            { c in v.encode(into: &c.rec); return v.type }
        }
        switch layout {
        case .flat:
            all += values.map { v in { c in v.encode(into: &c.rec); return v.type } }
        case .nestedTemplate:
            all.append { c in Self.nestedTemplateValue(&c, names: names, values: values); return 0x21 }
        case .nestedElements:
            let items = event.data, nullForEmpty = emptyTextAsNullValue
            all.append { c in Self.nestedElementsValue(&c, items: items, emptyTextAsNullValue: nullForEmpty); return 0x21 }
        }
        guard Self.values(&chunk, all) else { return false }
        chunk.u8(0x00)
        chunk.u32(UInt32(chunk.rec.count + 4))
        chunk.patch32(UInt32(chunk.rec.count), at: 4)
        return chunk.commitRecord(id: id)
    }

    /// Writes template instance data: the count, descriptors, then each value (encoded in place,
    /// so nested BinXML gets its final chunk offsets). False when a value exceeds 65535 bytes.
    private static func values(_ c: inout EVTXChunkBuilder, _ encoders: [(inout EVTXChunkBuilder) -> UInt8]) -> Bool {
        c.u32(UInt32(encoders.count))
        let descriptors = c.rec.count
        for _ in encoders { c.u32(0) }
        for (i, encode) in encoders.enumerated() {
            let start = c.rec.count
            let type = encode(&c)
            let size = c.rec.count - start
            guard size <= 0xFFFF else { return false }
            c.patch16(UInt16(size), at: descriptors + 4 * i)
            c.rec[descriptors + 4 * i + 2] = type
        }
        return true
    }

    private static func systemValues(_ e: WindowsEvent) -> [EVTXWriterValue] {
        func text(_ s: String?) -> EVTXWriterValue { s.map { .string($0) } ?? .null }
        var eventID = text(e.eventID)
        if let s = e.eventID, let v = UInt16(s), String(v) == s { eventID = .uint16(v) }
        var time = text(e.timeCreated)
        if let s = e.timeCreated, let ft = EVTXTime.parseFileTime(s), EVTXTime.format(fileTime: ft) == s { time = .fileTime(ft) }
        var recordID = text(e.recordID)
        if let s = e.recordID, let v = UInt64(s), String(v) == s { recordID = .uint64(v) }
        return [text(e.providerName), eventID, time, recordID, text(e.channel), text(e.computer)]
    }

    /// <Event xmlns=…><System>…</System><EventData>…</EventData></Event> with substitutions.
    private static func eventTemplate(_ c: inout EVTXChunkBuilder, names: [String], types: [UInt8], layout: EventDataLayout) {
        c.fragmentHeader()
        let event = c.openElement("Event", attributes: true)
        c.attribute("xmlns", last: true)
        c.text("http://schemas.microsoft.com/win/2004/08/events/event")
        c.closeStart(attributes: event.attributes)
        let system = c.openElement("System", attributes: false)
        c.closeStart(attributes: nil)
        func attributeElement(_ element: String, _ attribute: String, _ index: Int, _ type: UInt8) {
            let e = c.openElement(element, attributes: true)
            c.attribute(attribute, last: true)
            c.substitution(index, type: type, optional: true)
            c.closeEmpty(attributes: e.attributes, size: e.size)
        }
        func textElement(_ element: String, _ index: Int, _ type: UInt8) {
            let e = c.openElement(element, attributes: false)
            c.closeStart(attributes: nil)
            c.substitution(index, type: type, optional: true)
            c.endElement(size: e.size)
        }
        attributeElement("Provider", "Name", 0, 0x01)
        textElement("EventID", 1, 0x06)
        attributeElement("TimeCreated", "SystemTime", 2, 0x11)
        textElement("EventRecordID", 3, 0x0A)
        textElement("Channel", 4, 0x01)
        textElement("Computer", 5, 0x01)
        c.endElement(size: system.size)
        if layout == .flat {
            eventData(&c, names: names, types: types, firstIndex: 6)
        } else {
            c.substitution(6, type: 0x21, optional: true)
        }
        c.endElement(size: event.size)
        c.u8(0x00)
    }

    /// <EventData><Data Name="n">%i</Data>…</EventData>
    private static func eventData(_ c: inout EVTXChunkBuilder, names: [String], types: [UInt8], firstIndex: Int) {
        let eventData = c.openElement("EventData", attributes: false)
        c.closeStart(attributes: nil)
        for (i, name) in names.enumerated() {
            let data = c.openElement("Data", attributes: true)
            c.attribute("Name", last: true)
            c.text(name)
            c.closeStart(attributes: data.attributes)
            c.substitution(firstIndex + i, type: types[i], optional: false)
            c.endElement(size: data.size)
        }
        c.endElement(size: eventData.size)
    }

    /// A BinXML value holding its own template instance for the EventData.
    private static func nestedTemplateValue(_ c: inout EVTXChunkBuilder, names: [String], values: [EVTXWriterValue]) {
        c.fragmentHeader()
        let types = values.map { $0.type == 0 ? 0x01 : $0.type }
        c.templateInstance(key: "D\u{1}" + names.joined(separator: "\u{1}")) { c in
            c.fragmentHeader()
            eventData(&c, names: names, types: types, firstIndex: 0)
            c.u8(0x00)
        }
        _ = Self.values(&c, values.map { v in { c in v.encode(into: &c.rec); return v.type } })
        c.u8(0x00)
    }

    /// A BinXML value holding the EventData as plain elements (no dependency identifiers).
    private static func nestedElementsValue(_ c: inout EVTXChunkBuilder, items: [WindowsEvent.DataItem], emptyTextAsNullValue: Bool) {
        c.fragmentHeader()
        let eventData = c.openElement("EventData", attributes: false, dependency: false)
        c.closeStart(attributes: nil)
        for item in items {
            let data = c.openElement("Data", attributes: true, dependency: false)
            c.attribute("Name", last: true)
            c.text(item.name)
            c.closeStart(attributes: data.attributes)
            if !item.value.isEmpty { c.text(item.value) } else if emptyTextAsNullValue { c.nullValue() }
            c.endElement(size: data.size)
        }
        c.endElement(size: eventData.size)
        c.u8(0x00)
    }
}
