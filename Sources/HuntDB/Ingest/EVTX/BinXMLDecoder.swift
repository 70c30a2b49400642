import Model

/// Decodes the BinXML of the records of one chunk into `WindowsEvent`s. Template definitions are
/// compiled once per chunk (by offset) and then replayed with each record's substitution values;
/// values are rendered to text only where the event builder keeps them.
struct BinXMLDecoder {
    /// The deepest nesting of template instances and BinXML values that is followed.
    static let maxDepth = 16
    /// Work units (tokens, ops, rendered bytes / 16) allowed for one record.
    static let workPerRecord = 4_000_000

    private var compiler: BinXMLCompiler
    private var templates: [Int: BinXMLProgram] = [:]
    private var brokenTemplates: [Int: String] = [:]
    private var scratch = BinXMLProgram()
    /// Reusable programs for nested BinXML values, one per nesting depth.
    private var nestedScratch: [BinXMLProgram] = []
    /// Data items of the previous record, to size the next record's array in one allocation.
    private var lastDataCount = 0
    private var work = 0

    /// Whether a template is used only when its definition carries the identifier the instance
    /// announces (the first four bytes of its GUID): set for carved chunks, where a definition
    /// may have been overwritten.
    var verifiesTemplateIdentifiers = false
    /// The work units the last `decodeRecord` spent.
    private(set) var lastRecordWork = 0

    init(bytes: EVTXBytes) { compiler = BinXMLCompiler(bytes: bytes) }

    private var bytes: EVTXBytes { compiler.bytes }

    /// Decodes the BinXML stored at `start ..< end` (chunk offsets) of one record.
    mutating func decodeRecord(from start: Int, to end: Int) throws -> WindowsEvent {
        work = Self.workPerRecord
        var program = scratch
        scratch = BinXMLProgram()
        defer {
            program.removeAll()
            scratch = program
            lastRecordWork = Self.workPerRecord - max(work, 0)
        }
        try compiler.compile(from: start, to: end, inValue: false, into: &program, work: &work)
        var builder = EVTXEventBuilder(expectedDataCount: lastDataCount)
        try run(program, substitutions: [], into: &builder, depth: 0)
        guard builder.sawElement else { throw EVTXDecodeFailure("its BinXML contains no element") }
        lastDataCount = builder.event.data.count
        return builder.event
    }

    private mutating func run(_ program: BinXMLProgram, substitutions: ArraySlice<BinXMLValueRef>,
                              into builder: inout EVTXEventBuilder, depth: Int) throws {
        guard depth < Self.maxDepth else {
            throw EVTXDecodeFailure("templates and BinXML values are nested more than \(Self.maxDepth) deep")
        }
        try program.ops.withUnsafeBufferPointer { ops in try run(ops, program, substitutions, &builder, depth) }
    }

    private mutating func run(_ ops: UnsafeBufferPointer<BinXMLOp>, _ program: BinXMLProgram,
                              _ substitutions: ArraySlice<BinXMLValueRef>, _ builder: inout EVTXEventBuilder,
                              _ depth: Int) throws {
        for op in ops {
            work -= 1
            if work < 0 { throw EVTXDecodeFailure("the BinXML exceeds the work limit for one record") }
            switch op {
            case .open(let kind): builder.open(kind)
            case .attribute(let kind): builder.attribute(kind)
            case .closeStart: builder.closeStart()
            case .closeEmpty: builder.closeEmpty()
            case .end: builder.end()
            case .text(let text): builder.append(text)
            case .substitution(let index, let optional):
                guard index < substitutions.count else {
                    // A reference past the supplied values renders like a null value.
                    if optional { builder.omit() }
                    continue
                }
                try substitute(substitutions[substitutions.startIndex + index], optional: optional,
                               into: &builder, depth: depth)
            case .template(let definition, let identifier, let values):
                let body = try template(at: definition, identifier: identifier)
                try run(body, substitutions: program.values[values], into: &builder, depth: depth + 1)
            }
        }
    }

    private mutating func substitute(_ value: BinXMLValueRef, optional: Bool, into builder: inout EVTXEventBuilder,
                                     depth: Int) throws {
        if value.type == 0x00 {
            if optional { builder.omit() }
            return
        }
        if value.type == 0x21 {
            while nestedScratch.count <= depth { nestedScratch.append(BinXMLProgram()) }
            var nested = nestedScratch[depth]
            nestedScratch[depth] = BinXMLProgram()
            defer { nested.removeAll(); nestedScratch[depth] = nested }
            try compiler.compile(from: value.offset, to: value.offset + value.length, inValue: true,
                                 into: &nested, work: &work)
            try run(nested, substitutions: [], into: &builder, depth: depth + 1)
            return
        }
        guard builder.wantsText else { return }
        work -= 1 + value.length / 16
        if work < 0 { throw EVTXDecodeFailure("the BinXML exceeds the work limit for one record") }
        if value.type & 0x80 != 0 {
            builder.appendArray(EVTXValueRenderer.renderArray(bytes, type: value.type, offset: value.offset,
                                                              length: value.length))
        } else {
            builder.append(EVTXValueRenderer.render(bytes, type: value.type, offset: value.offset, length: value.length))
            builder.markValue()
        }
    }

    /// The compiled body of the template definition at chunk offset `offset`
    /// (next-definition offset, GUID, data size, then the BinXML body).
    /// - Throws: `EVTXDecodeFailure` naming the template when it cannot be resolved.
    private mutating func template(at offset: Int, identifier: UInt32) throws -> BinXMLProgram {
        func unresolved(_ why: String) -> EVTXDecodeFailure {
            EVTXDecodeFailure("template 0x\(String(identifier, radix: 16)) at chunk offset \(offset) cannot be resolved: \(why)")
        }
        if verifiesTemplateIdentifiers {
            guard bytes.contains(offset + 4, 4) else { throw unresolved("the offset lies outside the chunk") }
            let stored = bytes.u32Unchecked(offset + 4)
            guard stored == identifier else {
                throw unresolved("the definition there carries identifier 0x\(String(stored, radix: 16)); the damaged chunk lost it")
            }
        }
        if let body = templates[offset] { return body }
        if let reason = brokenTemplates[offset] { throw EVTXDecodeFailure(reason) }
        do {
            let size = Int(try bytes.u32(offset + 20))
            let start = offset + 24
            guard bytes.contains(start, size) else {
                throw EVTXDecodeFailure("its definition has size \(size), which exceeds the chunk")
            }
            var body = BinXMLProgram()
            var templateWork = Self.workPerRecord
            try compiler.compile(from: start, to: start + size, inValue: false, into: &body, work: &templateWork)
            templates[offset] = body
            return body
        } catch let failure as EVTXDecodeFailure {
            let resolved = unresolved(failure.reason)
            brokenTemplates[offset] = resolved.reason
            throw resolved
        }
    }
}
