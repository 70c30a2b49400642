import Model

/// Assembles one 64 KiB chunk for `EVTXWriter`: records are encoded into a scratch buffer whose
/// first byte lands at chunk offset `recordBase`, so names and template definitions stored inline
/// on first use get their final chunk offsets; a record that fits is committed, after which the
/// string and template hash tables are updated. `finishHeader` fills the header and checksums.
struct EVTXChunkBuilder {
    static let size = 65536

    private(set) var buffer = [UInt8](repeating: 0, count: size)
    private(set) var position = 512
    private(set) var recordCount = 0
    private var firstID: UInt64 = 0
    private var lastID: UInt64 = 0
    private var lastRecordOffset = 0
    private var names: [String: Int] = [:]
    private var templates: [String: Int] = [:]
    private var stringHeads = [UInt32](repeating: 0, count: 64)
    private var templateHeads = [UInt32](repeating: 0, count: 32)
    private var pendingNames: [(offset: Int, hash: UInt16)] = []
    private var pendingTemplates: [(offset: Int, id: UInt32)] = []

    /// The record being encoded; `rec[0]` lands at chunk offset `recordBase`.
    var rec: [UInt8] = []
    private(set) var recordBase = 512

    init() { rec.reserveCapacity(Self.size) }

    /// Chunk offset of the next byte appended to `rec`.
    var here: Int { recordBase + rec.count }

    mutating func reset() {
        for i in buffer.indices { buffer[i] = 0 }
        position = 512
        recordCount = 0
        names.removeAll(keepingCapacity: true)
        templates.removeAll(keepingCapacity: true)
        for i in 0 ..< 64 { stringHeads[i] = 0 }
        for i in 0 ..< 32 { templateHeads[i] = 0 }
        beginRecord()
    }

    /// Starts encoding a new record at the current free position.
    mutating func beginRecord() {
        rec.removeAll(keepingCapacity: true)
        recordBase = position
        pendingNames.removeAll(keepingCapacity: true)
        pendingTemplates.removeAll(keepingCapacity: true)
    }

    /// Stores the encoded record when it fits; returns false (leaving the chunk unchanged) otherwise.
    mutating func commitRecord(id: UInt64) -> Bool {
        guard rec.count <= Self.size - position else { return false }
        buffer.replaceSubrange(position ..< position + rec.count, with: rec)
        for name in pendingNames {
            let bucket = Int(name.hash % 64)
            put32(stringHeads[bucket], at: name.offset)
            stringHeads[bucket] = UInt32(name.offset)
        }
        for template in pendingTemplates {
            let bucket = Int(template.id % 32)
            put32(templateHeads[bucket], at: template.offset)
            templateHeads[bucket] = UInt32(template.offset)
        }
        if recordCount == 0 { firstID = id }
        lastID = id
        lastRecordOffset = position
        recordCount += 1
        position += rec.count
        return true
    }

    /// Fills the chunk header: record numbers and identifiers, offsets, hash tables and checksums.
    mutating func finishHeader() {
        buffer.replaceSubrange(0 ..< 8, with: Array("ElfChnk\0".utf8))
        put64(firstID, at: 8)
        put64(lastID, at: 16)
        put64(firstID, at: 24)
        put64(lastID, at: 32)
        put32(128, at: 40)
        put32(UInt32(lastRecordOffset), at: 44)
        put32(UInt32(position), at: 48)
        let records = buffer.withUnsafeBytes { EVTXCRC32.checksum(UnsafeRawBufferPointer(rebasing: $0[512 ..< position])) }
        put32(records, at: 52)
        for i in 0 ..< 64 { put32(stringHeads[i], at: 128 + 4 * i) }
        for i in 0 ..< 32 { put32(templateHeads[i], at: 384 + 4 * i) }
        let header = buffer.withUnsafeBytes {
            EVTXCRC32.update(EVTXCRC32.checksum(UnsafeRawBufferPointer(rebasing: $0[0 ..< 120])),
                             UnsafeRawBufferPointer(rebasing: $0[128 ..< 512]))
        }
        put32(header, at: 124)
    }

    private mutating func put32(_ v: UInt32, at o: Int) {
        for k in 0 ..< 4 { buffer[o + k] = UInt8(truncatingIfNeeded: v >> (8 * UInt32(k))) }
    }

    private mutating func put64(_ v: UInt64, at o: Int) {
        for k in 0 ..< 8 { buffer[o + k] = UInt8(truncatingIfNeeded: v >> (8 * UInt64(k))) }
    }

    // MARK: BinXML encoding into `rec`

    mutating func u8(_ v: UInt8) { rec.append(v) }
    mutating func u16(_ v: UInt16) { rec.append(UInt8(v & 0xFF)); rec.append(UInt8(v >> 8)) }
    mutating func u32(_ v: UInt32) { for k in 0 ..< 4 { rec.append(UInt8(truncatingIfNeeded: v >> (8 * UInt32(k)))) } }
    mutating func u64(_ v: UInt64) { for k in 0 ..< 8 { rec.append(UInt8(truncatingIfNeeded: v >> (8 * UInt64(k)))) } }

    mutating func patch32(_ v: UInt32, at i: Int) {
        for k in 0 ..< 4 { rec[i + k] = UInt8(truncatingIfNeeded: v >> (8 * UInt32(k))) }
    }

    mutating func patch16(_ v: UInt16, at i: Int) {
        rec[i] = UInt8(v & 0xFF)
        rec[i + 1] = UInt8(v >> 8)
    }

    /// A name reference; the name structure follows inline the first time the chunk uses it.
    mutating func name(_ text: String) {
        if let offset = names[text] {
            u32(UInt32(offset))
            return
        }
        let offset = here + 4
        u32(UInt32(offset))
        names[text] = offset
        let hash = EVTXFileLayout.nameHash(text)
        pendingNames.append((offset, hash))
        u32(0)                       // next name in the same hash bucket, set on commit
        u16(hash)
        u16(UInt16(truncatingIfNeeded: text.utf16.count))
        for unit in text.utf16 { u16(unit) }
        u16(0)
    }

    /// Opens an element; returns the positions (in `rec`) of its size and attribute-list size fields.
    mutating func openElement(_ text: String, attributes: Bool, dependency: Bool = true) -> (size: Int, attributes: Int) {
        u8(attributes ? 0x41 : 0x01)
        if dependency { u16(0xFFFF) }
        let sizeField = rec.count
        u32(0)
        name(text)
        let attributeField = rec.count
        if attributes { u32(0) }
        return (sizeField, attributeField)
    }

    mutating func attribute(_ text: String, last: Bool) {
        u8(last ? 0x06 : 0x46)
        name(text)
    }

    /// Ends the attribute list whose size field is at `field` and closes the start tag.
    mutating func closeStart(attributes field: Int?) {
        if let field { patch32(UInt32(rec.count - field - 4), at: field) }
        u8(0x02)
    }

    mutating func closeEmpty(attributes field: Int?, size: Int) {
        if let field { patch32(UInt32(rec.count - field - 4), at: field) }
        u8(0x03)
        patch32(UInt32(rec.count - size - 4), at: size)
    }

    mutating func endElement(size: Int) {
        u8(0x04)
        patch32(UInt32(rec.count - size - 4), at: size)
    }

    mutating func text(_ value: String) {
        u8(0x05)
        u8(0x01)
        u16(UInt16(truncatingIfNeeded: value.utf16.count))
        EVTXWriterValue.appendUTF16(value, to: &rec)
    }

    /// A value token of type NullType (0x00), which carries no data.
    mutating func nullValue() {
        u8(0x05)
        u8(0x00)
    }

    mutating func substitution(_ index: Int, type: UInt8, optional: Bool) {
        u8(optional ? 0x0E : 0x0D)
        u16(UInt16(truncatingIfNeeded: index))
        u8(type)
    }

    mutating func fragmentHeader() { u8(0x0F); u8(0x01); u8(0x01); u8(0x00) }

    /// A template instance header for the template `key`; on first use in the chunk the
    /// definition follows inline, produced by `body`.
    mutating func templateInstance(key: String, body: (inout EVTXChunkBuilder) -> Void) {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in key.utf8 { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01B3 }
        let id = UInt32(truncatingIfNeeded: hash)
        u8(0x0C)
        u8(0x01)
        u32(id)
        if let offset = templates[key] {
            u32(UInt32(offset))
            return
        }
        let offset = here + 4
        u32(UInt32(offset))
        templates[key] = offset
        pendingTemplates.append((offset, id))
        u32(0)                       // next definition in the same hash bucket, set on commit
        u32(id)                      // the GUID starts with the template identifier
        u32(UInt32(truncatingIfNeeded: hash >> 32))
        u64(hash &* 0x9E37_79B9_7F4A_7C15)
        let sizeField = rec.count
        u32(0)
        body(&self)
        patch32(UInt32(rec.count - sizeField - 4), at: sizeField)
    }
}
