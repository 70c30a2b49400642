import Model

/// The longest text Windows gives a command line, path or other string field: 32,767 UTF-16
/// units (`CreateProcess`'s limit). Longer values come from forged or broken logs; they are cut
/// to that length, and the event says so.
enum FieldLimit {
    static let maxUTF16Units = 32_767

    /// `value`, cut to the limit; a cut records `name` and the original length in `truncated`.
    static func capped(_ value: String?, _ name: String, _ truncated: inout [String]) -> String? {
        guard let value, value.utf8.count > maxUTF16Units else { return value }
        let units = value.utf16.count
        guard units > maxUTF16Units else { return value }
        var end = value.utf16.index(value.utf16.startIndex, offsetBy: maxUTF16Units)
        // Never split a surrogate pair.
        if UTF16.isTrailSurrogate(value.utf16[end]) { end = value.utf16.index(before: end) }
        truncated.append("\(name) (\(units) characters)")
        return String(value.utf16[..<end]) ?? String(value[..<(end.samePosition(in: value) ?? value.endIndex)])
    }
}
