import Model

/// The JSON grammar (RFC 8259) read into a tape: strict, so that no two readers can disagree on
/// what a record says (invalid escapes, lone surrogates and malformed numbers are errors).
struct JSONTapeParser {
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
        // The work (and the tape's memory: 16 bytes a value) per record is bounded; a search
        // response of 10,000 hits holds about 1.5 million values.
        if tokens.count >= JSONTape.maxValues {
            throw fail("the record holds more than \(JSONTape.maxValues) JSON values; it is not one event (or one search response)")
        }
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
                try skipEscape()
                continue
            }
            if c < 0x20 { throw fail("control character 0x\(String(c, radix: 16)) inside a string") }
            position += 1
        }
        throw fail("unterminated string (truncated JSON?)")
    }

    /// Checks the escape at `position` (a backslash) and moves past it.
    /// - Throws: for an escape JSON does not define (`\W`), a `\u` without four hex digits, or a lone
    ///   surrogate (`\ud800` without its low half): readers disagree on these, so none is guessed at.
    mutating func skipEscape() throws(JSONSyntaxError) {
        guard position + 1 < bytes.count else { throw fail("unterminated string (truncated JSON?)") }
        let e = bytes[position + 1]
        switch e {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"), UInt8(ascii: "b"), UInt8(ascii: "f"),
             UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
            position += 2
        case UInt8(ascii: "u"):
            guard let unit = hex4(at: position + 2) else { throw fail("invalid escape \(text(at: position, count: 6)) in a string") }
            switch unit {
            case 0xD800...0xDBFF:
                guard position + 12 <= bytes.count, bytes[position + 6] == UInt8(ascii: "\\"), bytes[position + 7] == UInt8(ascii: "u"),
                      let low = hex4(at: position + 8), (0xDC00...0xDFFF).contains(low)
                else { throw fail("lone surrogate \(text(at: position, count: 6)) in a string") }
                position += 12
            case 0xDC00...0xDFFF:
                throw fail("lone surrogate \(text(at: position, count: 6)) in a string")
            default:
                position += 6
            }
        default:
            throw fail("invalid escape \\\(printable(e)) in a string")
        }
    }

    private func hex4(at start: Int) -> UInt16? {
        guard start + 4 <= bytes.count else { return nil }
        var value: UInt16 = 0
        for c in bytes[start..<start + 4] {
            switch c {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): value = value << 4 | UInt16(c - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f"): value = value << 4 | UInt16(c - UInt8(ascii: "a") + 10)
            case UInt8(ascii: "A")...UInt8(ascii: "F"): value = value << 4 | UInt16(c - UInt8(ascii: "A") + 10)
            default: return nil
            }
        }
        return value
    }

    /// Up to `count` bytes from `start`, as text for a message.
    private func text(at start: Int, count: Int) -> String {
        String(decoding: bytes[start..<min(bytes.count, start + count)], as: UTF8.self)
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

    /// Reads a number exactly as RFC 8259 spells it: `-? (0 | [1-9][0-9]*) (.[0-9]+)? ([eE][+-]?[0-9]+)?`.
    /// `01`, `1.`, `.5`, `1e` and `1-` are errors naming the text, never numbers read some other way.
    private mutating func parseNumber(into tokens: inout [JSONTape.Token]) throws(JSONSyntaxError) {
        let start = position
        var end = position
        while end < bytes.count, Self.mayContinueNumber(bytes[end]) { end += 1 }
        guard Self.isWellFormedNumber(UnsafeRawBufferPointer(rebasing: bytes[start..<end])) else {
            throw fail("malformed number \(String(decoding: bytes[start..<min(end, start + 40)], as: UTF8.self))")
        }
        position = end
        tokens.append(.init(kind: .number, escaped: false, start: Int32(start), end: Int32(end), next: Int32(tokens.count + 1)))
    }

    @inline(__always)
    static func mayContinueNumber(_ c: UInt8) -> Bool {
        (c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9")) || c == UInt8(ascii: ".") || c == UInt8(ascii: "e")
            || c == UInt8(ascii: "E") || c == UInt8(ascii: "+") || c == UInt8(ascii: "-")
    }

    static func isWellFormedNumber(_ text: UnsafeRawBufferPointer) -> Bool {
        var i = 0
        let n = text.count
        func isDigit(_ k: Int) -> Bool { k < n && text[k] >= UInt8(ascii: "0") && text[k] <= UInt8(ascii: "9") }
        func digits() -> Int { let from = i; while isDigit(i) { i += 1 }; return i - from }
        if i < n, text[i] == UInt8(ascii: "-") { i += 1 }
        if i < n, text[i] == UInt8(ascii: "0") {
            i += 1
        } else if digits() == 0 {
            return false
        }
        if i < n, text[i] == UInt8(ascii: ".") {
            i += 1
            guard digits() > 0 else { return false }
        }
        if i < n, text[i] == UInt8(ascii: "e") || text[i] == UInt8(ascii: "E") {
            i += 1
            if i < n, text[i] == UInt8(ascii: "+") || text[i] == UInt8(ascii: "-") { i += 1 }
            guard digits() > 0 else { return false }
        }
        return i == n
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
