/// An EQL-style wildcard pattern: case-insensitive, `?` matches one character, `*` any run of
/// characters (including `\`). Everything else, backslashes included, is literal.
public struct WildcardPattern: Sendable, Equatable, CustomStringConvertible {
    public let text: String
    private let pattern: [Character]

    public init(_ text: String) {
        self.text = text
        self.pattern = Array(text.lowercased())
    }

    public var description: String { text }

    /// Whether the whole of `value` matches.
    public func matches(_ value: String) -> Bool {
        let s = Array(value.lowercased())
        var p = 0, i = 0
        var star = -1, resume = 0
        while i < s.count {
            if p < pattern.count, pattern[p] == "?" || pattern[p] == s[i], pattern[p] != "*" {
                p += 1
                i += 1
            } else if p < pattern.count, pattern[p] == "*" {
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
        while p < pattern.count, pattern[p] == "*" { p += 1 }
        return p == pattern.count
    }
}
