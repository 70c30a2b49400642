import Model

/// The longest text Windows gives a command line, path or other string field: 32,767 UTF-16
/// units (`CreateProcess`'s limit). Longer values come from forged or broken logs; they are cut
/// to that length, and the event says so.
enum FieldLimit {
    static let maxUTF16Units = 32_767

    /// Which part of a value too long survives.
    enum Keep {
        /// The start: a command line keeps its program and first arguments.
        case start
        /// The end: a path keeps its file name, which rules and allowlists match.
        case end
    }

    /// `value`, cut to the limit; a cut records `name` and the original length in `truncated`.
    static func capped(_ value: String?, _ name: String, _ truncated: inout [String], keep: Keep = .start) -> String? {
        guard let value, value.utf8.count > maxUTF16Units else { return value }
        let units = value.utf16.count
        guard units > maxUTF16Units else { return value }
        truncated.append("\(name) (\(units) characters)")
        let utf16 = value.utf16
        switch keep {
        case .start:
            var end = utf16.index(utf16.startIndex, offsetBy: maxUTF16Units)
            // Never split a surrogate pair.
            if UTF16.isTrailSurrogate(utf16[end]) { end = utf16.index(before: end) }
            return String(utf16[..<end]) ?? ""
        case .end:
            var start = utf16.index(utf16.endIndex, offsetBy: -maxUTF16Units)
            if UTF16.isTrailSurrogate(utf16[start]) { start = utf16.index(after: start) }
            return String(utf16[start...]) ?? ""
        }
    }
}
