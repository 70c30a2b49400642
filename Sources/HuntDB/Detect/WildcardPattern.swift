/// An EQL-style wildcard pattern: case-insensitive, `?` matches one character, `*` any run of
/// characters (including `\`). Everything else, backslashes included, is literal.
///
/// ASCII text (nearly every Windows path) is matched on bytes; anything else falls back to
/// Unicode characters with full case folding.
public struct WildcardPattern: Sendable, Equatable, CustomStringConvertible {
    public let text: String
    private let characters: [Character]
    /// The pattern's bytes, lower-cased, when it is all ASCII.
    private let asciiBytes: [UInt8]?

    public init(_ text: String) {
        self.text = text
        self.characters = Array(text.lowercased())
        self.asciiBytes = text.utf8.allSatisfy { $0 < 0x80 } ? text.utf8.map(ASCII.lower) : nil
    }

    public var description: String { text }

    public static func == (lhs: WildcardPattern, rhs: WildcardPattern) -> Bool { lhs.text == rhs.text }

    /// Whether the whole of `value` matches.
    public func matches(_ value: String) -> Bool {
        if let pattern = asciiBytes, value.utf8.allSatisfy({ $0 < 0x80 }) {
            var value = value
            return value.withUTF8 { Self.match(pattern, $0, equal: { $0 == ASCII.lower($1) }, one: UInt8(ascii: "?"), any: UInt8(ascii: "*")) }
        }
        let s = Array(value.lowercased())
        return s.withUnsafeBufferPointer { Self.match(characters, $0, equal: ==, one: "?", any: "*") }
    }

    /// Greedy matching with one backtrack point for the last `*` (linear in practice).
    private static func match<T: Equatable>(_ pattern: [T], _ s: UnsafeBufferPointer<T>, equal: (T, T) -> Bool, one: T, any: T) -> Bool {
        var p = 0, i = 0
        var star = -1, resume = 0
        while i < s.count {
            if p < pattern.count, pattern[p] != any, pattern[p] == one || equal(pattern[p], s[i]) {
                p += 1
                i += 1
            } else if p < pattern.count, pattern[p] == any {
                star = p
                resume = i
                p += 1
            } else if star >= 0 {
                p = star + 1
                resume += 1
                i = resume
            } else {
                return false
            }
        }
        while p < pattern.count, pattern[p] == any { p += 1 }
        return p == pattern.count
    }
}
