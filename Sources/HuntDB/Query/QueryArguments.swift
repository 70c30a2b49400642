import Model

/// Parameter values as given on the command line: `--param name=value`.
public struct QueryArguments: Sendable, Equatable {
    /// Values by parameter name (without `:`), as typed.
    public private(set) var values: [String: String] = [:]
    /// Names in the order given, for stable messages.
    public private(set) var names: [String] = []

    public init() {}

    /// Parses `name=value` pairs (`:name=value` is accepted too).
    /// - Throws: `QueryError.malformedParameter` or `.duplicateParameter`.
    public init(parsing pairs: [String]) throws {
        for pair in pairs {
            guard let equals = pair.firstIndex(of: "=") else { throw QueryError.malformedParameter(pair) }
            var name = String(pair[..<equals]).trimmingCharacters(in: .whitespaces)
            if name.hasPrefix(":") || name.hasPrefix("@") || name.hasPrefix("$") { name.removeFirst() }
            guard !name.isEmpty, name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" }) else {
                throw QueryError.malformedParameter(pair)
            }
            try set(name, String(pair[pair.index(after: equals)...]))
        }
    }

    /// Adds a value.
    /// - Throws: `QueryError.duplicateParameter` when `name` already has one.
    public mutating func set(_ name: String, _ value: String) throws {
        guard values[name] == nil else { throw QueryError.duplicateParameter(name) }
        values[name] = value
        names.append(name)
    }

    /// An untyped value (ad-hoc SQL): a plain integer binds as INTEGER, a plain decimal as REAL,
    /// anything else as TEXT. "Plain" means how SQL writes a number literal: `42`, `-7`, `0.5`,
    /// `1e3`; `007`, `+1`, `0x10`, `inf` and `1,5` stay text, so identifiers keep their spelling.
    public static func inferredValue(_ text: String) -> RowValue {
        let bytes = Array(text.utf8)
        var i = 0
        if i < bytes.count, bytes[i] == UInt8(ascii: "-") { i += 1 }
        let integerStart = i
        while i < bytes.count, isDigit(bytes[i]) { i += 1 }
        let integerDigits = i - integerStart
        guard integerDigits > 0 else { return .text(text) }
        if integerDigits > 1, bytes[integerStart] == UInt8(ascii: "0") { return .text(text) }
        if i == bytes.count { return Int64(text).map(RowValue.integer) ?? .text(text) }
        if bytes[i] == UInt8(ascii: ".") {
            i += 1
            let fractionStart = i
            while i < bytes.count, isDigit(bytes[i]) { i += 1 }
            guard i > fractionStart else { return .text(text) }
        }
        if i < bytes.count, bytes[i] == UInt8(ascii: "e") || bytes[i] == UInt8(ascii: "E") {
            i += 1
            if i < bytes.count, bytes[i] == UInt8(ascii: "-") || bytes[i] == UInt8(ascii: "+") { i += 1 }
            let exponentStart = i
            while i < bytes.count, isDigit(bytes[i]) { i += 1 }
            guard i > exponentStart else { return .text(text) }
        }
        guard i == bytes.count, let value = Double(text), value.isFinite else { return .text(text) }
        return .real(value)
    }

    private static func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }
}
