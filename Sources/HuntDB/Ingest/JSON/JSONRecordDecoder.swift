import Model
import Normalize

/// Decodes JSON records in any supported dialect into normalization results.
///
/// One decoder per thread: it reuses its tape and slot arrays, so decoding allocates only for the
/// strings of relevant events.
struct JSONRecordDecoder {
    /// Forces one dialect for every record; nil detects it per record.
    let forcedDialect: JSONDialect?
    private var tape = JSONTape()
    private var slots: [Int32] = []
    private var ranks: [Int32] = []
    private var sightings = KeySightings()
    private var securitySlots: [Int32] = []
    private var securityRanks: [Int32] = []
    /// The flat dialect's direct path, tried first for each record (`FlatDialectReader`).
    private var flat = FlatDialectReader()
    /// Records the direct flat path answered for, and the events it built itself.
    var flatCounts: (answered: Int, built: Int) { (flat.answered, flat.built) }
    /// How many records of each dialect were decoded, for the source's format label.
    var dialectCounts: [JSONDialect: Int] {
        var counts = genericDialectCounts
        if flatRecords > 0 { counts[.sysmonFlat, default: 0] += flatRecords }
        return counts
    }
    private var genericDialectCounts: [JSONDialect: Int] = [:]
    /// Records the direct flat path read (counted apart: no dictionary update per record).
    private var flatRecords = 0

    /// Whether flat-dialect lines are read by `FlatDialectReader` first (false: only the
    /// generic tape, which the tests compare it with).
    let readsFlatDirectly: Bool

    init(forcedDialect: JSONDialect? = nil, readsFlatDirectly: Bool = true) {
        self.forcedDialect = forcedDialect
        self.readsFlatDirectly = readsFlatDirectly
    }

    /// Decodes one framed JSON value. An Elasticsearch search response (`hits.hits`) yields one
    /// result per hit; `_source` wrappers are unwrapped; objects written back to back on one line
    /// (`{…}{…}`) are a record each. `emit` gets every result with the bytes of its JSON value.
    mutating func decode(_ bytes: UnsafeRawBufferPointer, _ emit: (NormalizeResult, UnsafeRawBufferPointer) -> Void) {
        if let result = decodeDirectly(bytes) {
            emit(result, bytes)
            return
        }
        decodeGenerically(bytes, emit)
    }

    /// The result of the whole record when the relevance probe or the flat dialect's direct path
    /// (`FlatDialectReader`) settles it; nil when it needs `decodeGenerically`.
    mutating func decodeDirectly(_ bytes: UnsafeRawBufferPointer) -> NormalizeResult? {
        if forcedDialect != .ecs, RelevanceProbe.isCertainlyIrrelevant(bytes) { return .notRelevant }
        if readsFlatDirectly, forcedDialect == nil || forcedDialect == .sysmonFlat, let result = flat.read(bytes) {
            flatRecords += 1
            return result
        }
        return nil
    }

    /// `decode` with the generic tape, for a record `decodeDirectly` did not settle.
    mutating func decodeGenerically(_ bytes: UnsafeRawBufferPointer, _ emit: (NormalizeResult, UnsafeRawBufferPointer) -> Void) {
        if let problem = UTF8Validation.firstInvalidOffset(bytes) {
            emit(.rejected("invalid UTF-8 at byte \(problem) of the record"), bytes)
            return
        }
        var start = 0
        while start < bytes.count {
            let value = UnsafeRawBufferPointer(rebasing: bytes[start...])
            let end: Int
            do {
                end = try tape.parseFirstValue(value)
            } catch {
                emit(.rejected("malformed JSON at byte \(error.offset) of the record: \(error.message)"), value)
                return
            }
            if end < value.count, value[end] != UInt8(ascii: "{") {
                emit(.rejected("malformed JSON at byte \(end) of the record: unexpected data after the JSON value"), value)
                return
            }
            decodeParsedValue(UnsafeRawBufferPointer(rebasing: value[..<end]), emit)
            start += end
        }
    }

    /// Decodes the value on the tape: one record, or the hits of a search response.
    private mutating func decodeParsedValue(_ value: UnsafeRawBufferPointer, _ emit: (NormalizeResult, UnsafeRawBufferPointer) -> Void) {
        let root = tape.root
        guard tape.tokens[root].kind == .object else {
            emit(.rejected("expected a JSON object, found \(tape.kindName(root))"), value)
            return
        }
        // A record that is itself an event is read as one, whatever members it carries.
        if JSONDialect.detect(tape: tape, object: root) == nil, let outer = tape.memberLookup("hits", of: root),
           let inner = tape.memberLookup("hits", of: outer.value), tape.tokens[inner.value].kind == .array {
            if outer.repeated || inner.repeated {
                emit(.rejected(FieldProblem.repeated(outer.repeated ? "hits" : "hits.hits").message), value)
                return
            }
            let tape = self.tape
            var hits = 0
            tape.forEachElement(of: inner.value) { hit in
                hits += 1
                emit(tape.tokens[hit].kind == .object
                     ? decodeObject(hit)
                     : .rejected("an element of hits.hits is \(tape.kindName(hit)), not an object"), value)
            }
            if hits == 0 { emit(.notRelevant, value) }  // an empty search response: read, and nothing in it
            return
        }
        emit(decodeObject(root), value)
    }

    private mutating func decodeObject(_ object: Int) -> NormalizeResult {
        var object = object
        if let source = tape.memberLookup("_source", of: object) {
            if source.repeated { return .rejected(FieldProblem.repeated("_source").message) }
            if tape.tokens[source.value].kind == .object { object = source.value }
        }
        guard let dialect = forcedDialect ?? JSONDialect.detect(tape: tape, object: object) else {
            return .rejected("unknown JSON event format: no EventID, winlog, Event or event field")
        }
        genericDialectCounts[dialect, default: 0] += 1
        let map = dialect.pathMap
        if slots.count != map.slotCount {
            slots = Array(repeating: -1, count: map.slotCount)
            ranks = Array(repeating: 0, count: map.slotCount)
        }
        if let repeated = map.fill(&slots, ranks: &ranks, sightings: &sightings, from: tape, object: object) {
            return .rejected(FieldProblem.repeated(repeated).message)
        }
        let view = JSONFieldView(tape: tape, slots: slots, raw: tape.raw(object))
        switch dialect {
        case .ecs: return ECSNormalizer.normalize(view)
        case .sysmonFlat, .winlogbeat, .evtxJSON:
            if WindowsEventNormalizer.isSecurityEventID(view.text(SysmonField.eventID)), let security = dialect.securityPathMap {
                return decodeSecurity(object, map: security)
            }
            return SysmonNormalizer.normalize(view)
        }
    }

    /// Reads the object again with the dialect's Security table (only Security events pay this).
    private mutating func decodeSecurity(_ object: Int, map: JSONPathMap) -> NormalizeResult {
        if securitySlots.count != map.slotCount {
            securitySlots = Array(repeating: -1, count: map.slotCount)
            securityRanks = Array(repeating: 0, count: map.slotCount)
        }
        if let repeated = map.fill(&securitySlots, ranks: &securityRanks, sightings: &sightings, from: tape, object: object) {
            return .rejected(FieldProblem.repeated(repeated).message)
        }
        return SecurityNormalizer.normalize(JSONFieldView(tape: tape, slots: securitySlots, raw: tape.raw(object)))
    }
}

/// A record's mapped slots, read as Sysmon, Security or ECS fields (the map that filled them
/// decides which).
private struct JSONFieldView: SysmonRecord, SecurityRecord, ECSRecord {
    let tape: JSONTape
    let slots: [Int32]
    let raw: UnsafeRawBufferPointer

    func text(_ field: SysmonField) -> String? { text(slot: field.rawValue) }
    func text(_ field: ECSField) -> String? { text(slot: field.rawValue) }
    func text(_ field: SecurityField) -> String? { text(slot: field.rawValue) }

    private func text(slot: Int) -> String? {
        let token = Int(slots[slot])
        return token < 0 ? nil : tape.string(token)
    }

    func strings(_ field: ECSField) -> [String]? {
        let token = Int(slots[field.rawValue])
        guard token >= 0 else { return nil }
        guard tape.tokens[token].kind == .array else { return tape.string(token).map { [$0] } }
        var values: [String] = []
        tape.forEachElement(of: token) { element in
            if let value = tape.string(element) { values.append(value) }
        }
        return values
    }

    func rawBytes() -> [UInt8] { Array(raw) }
}
