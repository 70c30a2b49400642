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
    /// The most values (objects, arrays, strings, numbers, literals) one record may hold.
    static let maxValues = 2_000_000

    private(set) var tokens: [Token] = []
    private(set) var bytes = UnsafeRawBufferPointer(start: nil, count: 0)

    /// Parses one complete JSON value (surrounded by optional white space).
    /// - Throws: `JSONSyntaxError` with the byte offset of the problem.
    mutating func parse(_ input: UnsafeRawBufferPointer) throws(JSONSyntaxError) {
        let end = try parseFirstValue(input)
        if end < input.count {
            throw JSONSyntaxError(offset: end, message: "unexpected data after the JSON value")
        }
    }

    /// Parses the JSON value at the start of `input` and leaves what follows it to the caller.
    /// - Returns: the offset after the value and the white space behind it.
    /// - Throws: `JSONSyntaxError` with the byte offset of the problem.
    mutating func parseFirstValue(_ input: UnsafeRawBufferPointer) throws(JSONSyntaxError) -> Int {
        bytes = input
        tokens.removeAll(keepingCapacity: true)
        var parser = JSONTapeParser(bytes: input)
        try parser.parseValue(into: &tokens)
        parser.skipWhitespace()
        return parser.position
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

    /// The value of member `key` in the object at `index` (the first, when the key repeats).
    func member(_ key: StaticString, of index: Int) -> Int? {
        memberLookup(key, of: index)?.value
    }

    /// The value of member `key` in the object at `index`, and whether the key appears again.
    func memberLookup(_ key: StaticString, of index: Int) -> (value: Int, repeated: Bool)? {
        guard tokens[index].kind == .object else { return nil }
        var found: (value: Int, repeated: Bool)?
        forEachMember(of: index) { k, v in
            guard keyEquals(k, key) else { return }
            if found == nil { found = (v, false) } else { found?.repeated = true }
        }
        return found
    }

    /// The raw bytes of a token (inside the quotes for strings).
    @inline(__always)
    func raw(_ index: Int) -> UnsafeRawBufferPointer {
        let t = tokens[index]
        return UnsafeRawBufferPointer(rebasing: bytes[Int(t.start)..<Int(t.end)])
    }

    /// Calls `body` with a key's text: its raw bytes, unescaped first only when the key holds a
    /// backslash (`"Parent\u0049mage"` is `ParentImage` to every JSON reader, so to us too).
    @inline(__always)
    func withKeyText<R>(_ index: Int, _ body: (UnsafeRawBufferPointer) -> R) -> R {
        guard tokens[index].escaped else { return body(raw(index)) }
        return JSONString.unescapedBytes(raw(index)).withUnsafeBytes(body)
    }

    func keyEquals(_ index: Int, _ key: StaticString) -> Bool {
        withKeyText(index) { Self.equals($0, key) }
    }

    @inline(__always)
    static func equals(_ text: UnsafeRawBufferPointer, _ key: StaticString) -> Bool {
        text.count == key.utf8CodeUnitCount
            && text.elementsEqual(UnsafeRawBufferPointer(start: key.utf8Start, count: key.utf8CodeUnitCount))
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
