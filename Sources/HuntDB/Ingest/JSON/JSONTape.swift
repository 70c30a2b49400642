import Model

/// A parsed JSON value laid out flat: one token per value, key or container, no allocations per
/// token once the tape has grown to its working size.
///
/// Strings are not unescaped until asked for, so recognizing and skipping an event costs one
/// structural pass. Containers record where they end, so skipping a subtree is O(1).
struct JSONTape {
    enum Kind: UInt8 {
        case object, array, string, number, trueValue, falseValue, null
    }

    struct Token {
        var kind: Kind
        /// Whether a string holds backslash escapes (and needs unescaping).
        var escaped: Bool
        /// Byte range of the value in the record; for strings, inside the quotes.
        var start: Int32
        var end: Int32
        /// Index of the token after this value (after all descendants of a container).
        var next: Int32
    }

    static let maxDepth = 512

    private(set) var tokens: [Token] = []
    private(set) var bytes = UnsafeRawBufferPointer(start: nil, count: 0)

    /// Parses one complete JSON value (surrounded by optional white space).
    /// - Throws: `JSONSyntaxError` with the byte offset of the problem.
    mutating func parse(_ input: UnsafeRawBufferPointer) throws(JSONSyntaxError) {
        bytes = input
        tokens.removeAll(keepingCapacity: true)
        var parser = Parser(bytes: input)
        try parser.parseValue(into: &tokens)
        parser.skipWhitespace()
        if parser.position < input.count {
            throw JSONSyntaxError(offset: parser.position, message: "unexpected data after the JSON value")
        }
    }

    // MARK: Navigation

    var root: Int { 0 }

    /// Calls `body(keyToken, valueToken)` for each member of the object at `index`.
    @inline(__always)
    func forEachMember(of index: Int, _ body: (Int, Int) throws -> Void) rethrows {
        let end = Int(tokens[index].next)
        var i = index + 1
        while i < end {
            let value = i + 1
            try body(i, value)
            i = Int(tokens[value].next)
        }
    }

    /// Calls `body(valueToken)` for each element of the array at `index`.
    @inline(__always)
    func forEachElement(of index: Int, _ body: (Int) throws -> Void) rethrows {
        let end = Int(tokens[index].next)
        var i = index + 1
        while i < end {
            try body(i)
            i = Int(tokens[i].next)
        }
    }

    /// The value of member `key` in the object at `index`.
    func member(_ key: StaticString, of index: Int) -> Int? {
        guard tokens[index].kind == .object else { return nil }
        var found: Int?
        forEachMember(of: index) { k, v in
            if found == nil, keyEquals(k, key) { found = v }
        }
        return found
    }

    /// The raw bytes of a token (inside the quotes for strings).
    @inline(__always)
    func raw(_ index: Int) -> UnsafeRawBufferPointer {
        let t = tokens[index]
        return UnsafeRawBufferPointer(rebasing: bytes[Int(t.start)..<Int(t.end)])
    }

    func keyEquals(_ index: Int, _ key: StaticString) -> Bool {
        let r = raw(index)
        guard r.count == key.utf8CodeUnitCount else { return false }
        return r.elementsEqual(UnsafeRawBufferPointer(start: key.utf8Start, count: key.utf8CodeUnitCount))
    }

    /// A scalar as text: strings unescaped, numbers and booleans as written; nil for null and containers.
    func string(_ index: Int) -> String? {
        let t = tokens[index]
        switch t.kind {
        case .string:
            return t.escaped ? JSONString.unescape(raw(index)) : String(decoding: raw(index), as: UTF8.self)
        case .number, .trueValue, .falseValue:
            return String(decoding: raw(index), as: UTF8.self)
        case .null, .object, .array:
            return nil
        }
    }

    /// A JSON kind name for error messages.
    func kindName(_ index: Int) -> String {
        switch tokens[index].kind {
        case .object: "an object"
        case .array: "an array"
        case .string: "a string"
        case .number: "a number"
        case .trueValue, .falseValue: "a boolean"
        case .null: "null"
        }
    }
}

/// A JSON syntax error at a byte offset within the record.
struct JSONSyntaxError: Error {
    var offset: Int
    var message: String
}

private struct Parser {
    let bytes: UnsafeRawBufferPointer
    var position = 0
    var depth = 0

    init(bytes: UnsafeRawBufferPointer) {
        self.bytes = bytes
    }

    @inline(__always)
    mutating func skipWhitespace() {
        while position < bytes.count {
            switch bytes[position] {
            case 0x20, 0x0A, 0x0D, 0x09: position += 1
            default: return
            }
        }
    }

    func fail(_ message: String) -> JSONSyntaxError {
        JSONSyntaxError(offset: position, message: message)
    }

    mutating func parseValue(into tokens: inout [JSONTape.Token]) throws(JSONSyntaxError) {
        skipWhitespace()
        guard position < bytes.count else { throw fail("unexpected end of the record (truncated JSON?)") }
        let c = bytes[position]
        switch c {
        case UInt8(ascii: "{"): try parseObject(into: &tokens)
        case UInt8(ascii: "["): try parseArray(into: &tokens)
        case UInt8(ascii: "\""): try parseString(into: &tokens)
        case UInt8(ascii: "t"): try parseLiteral("true", .trueValue, into: &tokens)
        case UInt8(ascii: "f"): try parseLiteral("false", .falseValue, into: &tokens)
        case UInt8(ascii: "n"): try parseLiteral("null", .null, into: &tokens)
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): try parseNumber(into: &tokens)
        default: throw fail("unexpected character '\(printable(c))'")
        }
    }

    private mutating func enter() throws(JSONSyntaxError) {
        depth += 1
        if depth > JSONTape.maxDepth { throw fail("JSON nested deeper than \(JSONTape.maxDepth) levels") }
    }

    private mutating func parseObject(into tokens: inout [JSONTape.Token]) throws(JSONSyntaxError) {
        try enter()
        let me = tokens.count
        tokens.append(.init(kind: .object, escaped: false, start: Int32(position), end: 0, next: 0))
        position += 1
        skipWhitespace()
        if position < bytes.count, bytes[position] == UInt8(ascii: "}") {
            position += 1
        } else {
            while true {
                skipWhitespace()
                guard position < bytes.count else { throw fail("unexpected end of the record inside an object (truncated JSON?)") }
                guard bytes[position] == UInt8(ascii: "\"") else { throw fail("expected a quoted key") }
                try parseString(into: &tokens)
                skipWhitespace()
                guard position < bytes.count, bytes[position] == UInt8(ascii: ":") else { throw fail("expected ':' after a key") }
                position += 1
                try parseValue(into: &tokens)
                skipWhitespace()
                guard position < bytes.count else { throw fail("unexpected end of the record inside an object (truncated JSON?)") }
                let c = bytes[position]
                position += 1
                if c == UInt8(ascii: ",") { continue }
                if c == UInt8(ascii: "}") { break }
                position -= 1
                throw fail("expected ',' or '}' in an object")
            }
        }
        tokens[me].end = Int32(position)
        tokens[me].next = Int32(tokens.count)
        depth -= 1
    }

    private mutating func parseArray(into tokens: inout [JSONTape.Token]) throws(JSONSyntaxError) {
        try enter()
        let me = tokens.count
        tokens.append(.init(kind: .array, escaped: false, start: Int32(position), end: 0, next: 0))
        position += 1
        skipWhitespace()
        if position < bytes.count, bytes[position] == UInt8(ascii: "]") {
            position += 1
        } else {
            while true {
                try parseValue(into: &tokens)
                skipWhitespace()
                guard position < bytes.count else { throw fail("unexpected end of the record inside an array (truncated JSON?)") }
                let c = bytes[position]
                position += 1
                if c == UInt8(ascii: ",") { continue }
                if c == UInt8(ascii: "]") { break }
                position -= 1
                throw fail("expected ',' or ']' in an array")
            }
        }
        tokens[me].end = Int32(position)
        tokens[me].next = Int32(tokens.count)
        depth -= 1
    }

    private mutating func parseString(into tokens: inout [JSONTape.Token]) throws(JSONSyntaxError) {
        position += 1  // opening quote
        let start = position
        var escaped = false
        while position < bytes.count {
            // Skip 8 plain bytes at a time (no quote, backslash or control character among them).
            if position + 8 <= bytes.count {
                let word = bytes.loadUnaligned(fromByteOffset: position, as: UInt64.self)
                if !Self.mayHoldStringSpecial(word) {
                    position += 8
                    continue
                }
            }
            let c = bytes[position]
            if c == UInt8(ascii: "\"") {
                tokens.append(.init(kind: .string, escaped: escaped, start: Int32(start), end: Int32(position), next: Int32(tokens.count + 1)))
                position += 1
                return
            }
            if c == UInt8(ascii: "\\") {
                escaped = true
                position += 2
                continue
            }
            if c < 0x20 { throw fail("control character 0x\(String(c, radix: 16)) inside a string") }
            position += 1
        }
        throw fail("unterminated string (truncated JSON?)")
    }

    /// Whether any byte of `word` may be `"`, `\\` or below 0x20 (false positives are fine: the
    /// caller then looks at the bytes one by one).
    @inline(__always)
    private static func mayHoldStringSpecial(_ word: UInt64) -> Bool {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highs: UInt64 = 0x8080_8080_8080_8080
        func hasZero(_ x: UInt64) -> Bool { (x &- ones) & ~x & highs != 0 }
        let quote = word ^ (ones &* 0x22)
        let backslash = word ^ (ones &* 0x5C)
        let control = (word &- ones &* 0x20) & ~word & highs
        return hasZero(quote) || hasZero(backslash) || control != 0
    }

    private mutating func parseNumber(into tokens: inout [JSONTape.Token]) throws(JSONSyntaxError) {
        let start = position
        if bytes[position] == UInt8(ascii: "-") { position += 1 }
        var digits = 0
        while position < bytes.count {
            switch bytes[position] {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digits += 1
            case UInt8(ascii: "."), UInt8(ascii: "e"), UInt8(ascii: "E"), UInt8(ascii: "+"), UInt8(ascii: "-"): break
            default:
                guard digits > 0 else { throw fail("malformed number") }
                tokens.append(.init(kind: .number, escaped: false, start: Int32(start), end: Int32(position), next: Int32(tokens.count + 1)))
                return
            }
            position += 1
        }
        guard digits > 0 else { throw fail("malformed number") }
        tokens.append(.init(kind: .number, escaped: false, start: Int32(start), end: Int32(position), next: Int32(tokens.count + 1)))
    }

    private mutating func parseLiteral(_ word: StaticString, _ kind: JSONTape.Kind, into tokens: inout [JSONTape.Token]) throws(JSONSyntaxError) {
        let n = word.utf8CodeUnitCount
        guard position + n <= bytes.count,
              UnsafeRawBufferPointer(rebasing: bytes[position..<position + n])
                .elementsEqual(UnsafeRawBufferPointer(start: word.utf8Start, count: n))
        else { throw fail("unexpected character '\(printable(bytes[position]))'") }
        tokens.append(.init(kind: kind, escaped: false, start: Int32(position), end: Int32(position + n), next: Int32(tokens.count + 1)))
        position += n
    }
}

private func printable(_ c: UInt8) -> String {
    (0x21...0x7E).contains(c) ? String(UnicodeScalar(c)) : "0x" + String(c, radix: 16)
}
