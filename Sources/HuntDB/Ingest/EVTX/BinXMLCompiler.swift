import Model

/// Turns the BinXML token stream of one chunk into `BinXMLProgram`s. All offsets are relative to
/// the start of the chunk, as in the format; every read is bounds-checked, and every token
/// advances the position, so compiling always terminates.
struct BinXMLCompiler {
    let bytes: EVTXBytes
    /// Name kinds by the chunk offset of their name structure.
    private var names: [Int: EVTXName] = [:]

    init(bytes: EVTXBytes) { self.bytes = bytes }

    /// Compiles tokens from `start` up to an end-of-stream token or `end`, appending to `program`.
    /// `inValue` is true for the tokens of a BinXML substitution value (type 0x21), whose element
    /// starts carry no dependency identifier. `work` is decremented once per token.
    /// Returns the offset after the last token read.
    @discardableResult
    mutating func compile(from start: Int, to end: Int, inValue: Bool, into program: inout BinXMLProgram,
                          work: inout Int) throws -> Int {
        guard start >= 0, end <= bytes.count, start <= end else {
            throw EVTXDecodeFailure("a BinXML range \(start)..<\(end) lies outside the chunk")
        }
        var p = start
        while p < end {
            work -= 1
            if work < 0 { throw EVTXDecodeFailure("the BinXML exceeds the work limit for one record") }
            let token = bytes.base[p]
            switch token & 0x1F {
            case 0x00:
                return p + 1
            case 0x01:
                var q = p + 1 + (inValue ? 0 : 2) + 4
                let nameOffset = Int(try bytes.u32(q))
                q += 4
                let (kind, next) = try name(at: nameOffset, inlineAt: q)
                q = next + (token & 0x40 != 0 ? 4 : 0)
                program.ops.append(.open(kind))
                p = q
            case 0x02:
                program.ops.append(.closeStart); p += 1
            case 0x03:
                program.ops.append(.closeEmpty); p += 1
            case 0x04:
                program.ops.append(.end); p += 1
            case 0x05:
                let type = try bytes.u8(p + 1)
                if type == 0x00 {
                    // NullType carries no data and renders as empty text.
                    p += 2
                    continue
                }
                guard type == 0x01 else {
                    throw EVTXDecodeFailure("a value token at chunk offset \(p) has type 0x\(String(type, radix: 16)) instead of a string")
                }
                let (text, next) = try string(at: p + 2)
                program.ops.append(.text(text))
                p = next
            case 0x06:
                let nameOffset = Int(try bytes.u32(p + 1))
                let (kind, next) = try name(at: nameOffset, inlineAt: p + 5)
                program.ops.append(.attribute(kind))
                p = next
            case 0x07:
                let (text, next) = try string(at: p + 1)
                program.ops.append(.text(text))
                p = next
            case 0x08:
                let value = try bytes.u16(p + 1)
                program.ops.append(.text(Unicode.Scalar(value).map { String(Character($0)) } ?? "\u{FFFD}"))
                p += 3
            case 0x09:
                let nameOffset = Int(try bytes.u32(p + 1))
                let (entity, next) = try nameText(at: nameOffset, inlineAt: p + 5)
                program.ops.append(.text(Self.entities[entity] ?? "&\(entity);"))
                p = next
            case 0x0A:
                let nameOffset = Int(try bytes.u32(p + 1))
                p = try nameText(at: nameOffset, inlineAt: p + 5).next   // processing instructions are not rendered
            case 0x0B:
                p = try string(at: p + 1).next
            case 0x0C:
                p = try templateInstance(at: p, end: end, into: &program)
            case 0x0D, 0x0E:
                let index = Int(try bytes.u16(p + 1))
                _ = try bytes.u8(p + 3)   // the declared type; the instance value's own type is used
                program.ops.append(.substitution(index: index, optional: token & 0x1F == 0x0E))
                p += 4
            case 0x0F:
                guard bytes.contains(p, 4) else { throw EVTXDecodeFailure("a fragment header at chunk offset \(p) is cut off") }
                p += 4
            default:
                throw EVTXDecodeFailure("unknown BinXML token 0x\(String(token, radix: 16)) at chunk offset \(p)")
            }
        }
        guard p == end else { throw EVTXDecodeFailure("a BinXML token runs past its enclosing data at chunk offset \(end)") }
        return p
    }

    static let entities = ["amp": "&", "lt": "<", "gt": ">", "quot": "\"", "apos": "'"]

    /// Reads a template instance token at `p`: skips an inline definition and records the values.
    private func templateInstance(at p: Int, end: Int, into program: inout BinXMLProgram) throws -> Int {
        let identifier = try bytes.u32(p + 2)
        var q = p + 2 + 4   // token, unknown byte, template identifier
        let definition = Int(try bytes.u32(q))
        q += 4
        if definition == q {
            // Defined here, on first use: skip the definition header and body.
            let size = Int(try bytes.u32(q + 20))
            guard size <= end - (q + 24) else {
                throw EVTXDecodeFailure("the template definition at chunk offset \(q) has size \(size), which exceeds its record")
            }
            q += 24 + size
        }
        let count = Int(try bytes.u32(q))
        q += 4
        guard count <= (end - q) / 4 else {
            throw EVTXDecodeFailure("the template instance at chunk offset \(p) declares \(count) values, more than fit in its record")
        }
        var data = q + 4 * count
        let first = program.values.count
        for i in 0 ..< count {
            let size = Int(bytes.u16Unchecked(q + 4 * i))
            let type = bytes.base[q + 4 * i + 2]
            guard size <= end - data else {
                throw EVTXDecodeFailure("template value \(i) at chunk offset \(data) has size \(size), which exceeds its record")
            }
            program.values.append(BinXMLValueRef(type: type, offset: data, length: size))
            data += size
        }
        program.ops.append(.template(definition: definition, identifier: identifier, values: first ..< program.values.count))
        return data
    }

    /// A length-prefixed UTF-16 string (2-byte character count) at `p`, and the offset after it.
    private func string(at p: Int) throws -> (String, next: Int) {
        let units = Int(try bytes.u16(p))
        guard bytes.contains(p + 2, 2 * units) else {
            throw EVTXDecodeFailure("a string of \(units) characters at chunk offset \(p) runs past the chunk")
        }
        return (EVTXText.utf16(bytes, p + 2, units: units), p + 2 + 2 * units)
    }

    /// The kind of the name at `offset`; when the name is stored inline at `inlineAt` (the offset
    /// right after the reference), also skips over it. Returns the offset after the reference.
    private mutating func name(at offset: Int, inlineAt: Int) throws -> (EVTXName, next: Int) {
        let next = try skipInlineName(offset, inlineAt)
        if let kind = names[offset] { return (kind, next) }
        let kind = EVTXName(try nameString(offset))
        names[offset] = kind
        return (kind, next)
    }

    private func nameText(at offset: Int, inlineAt: Int) throws -> (String, next: Int) {
        (try nameString(offset), try skipInlineName(offset, inlineAt))
    }

    private func skipInlineName(_ offset: Int, _ inlineAt: Int) throws -> Int {
        guard offset == inlineAt else { return inlineAt }
        let units = Int(try bytes.u16(offset + 6))
        let size = 8 + 2 * units + 2
        guard bytes.contains(offset, size) else {
            throw EVTXDecodeFailure("the name at chunk offset \(offset) runs past the chunk")
        }
        return offset + size
    }

    /// The text of the name structure (next offset, hash, character count, UTF-16 text) at `offset`.
    private func nameString(_ offset: Int) throws -> String {
        let units = Int(try bytes.u16(offset + 6))
        guard bytes.contains(offset + 8, 2 * units) else {
            throw EVTXDecodeFailure("the name at chunk offset \(offset) runs past the chunk")
        }
        return EVTXText.utf16(bytes, offset + 8, units: units)
    }
}
