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
        matches(Subject(value))
    }

    /// Whether the whole of a prepared value matches (prepare once, match against many patterns).
    public func matches(_ subject: Subject) -> Bool {
        if let pattern = asciiBytes, let bytes = subject.asciiLowercased {
            return bytes.withUnsafeBufferPointer { Self.match(pattern, $0, equal: ==, one: UInt8(ascii: "?"), any: UInt8(ascii: "*")) }
        }
        return subject.characters.withUnsafeBufferPointer { Self.match(characters, $0, equal: ==, one: "?", any: "*") }
    }

    /// A value lower-cased once for matching: bytes when ASCII, else characters.
    public struct Subject {
        let asciiLowercased: [UInt8]?
        let characters: [Character]

        public init(_ value: String) {
            if value.utf8.allSatisfy({ $0 < 0x80 }) {
                asciiLowercased = value.utf8.map(ASCII.lower)
                characters = []
            } else {
                asciiLowercased = nil
                characters = Array(value.lowercased())
            }
        }
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
