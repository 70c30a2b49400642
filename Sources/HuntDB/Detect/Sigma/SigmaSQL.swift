import Model

/// SQL text under construction with its bound values: every value from a rule is bound as a
/// parameter (`:s1`, `:s2`, …), never written into the text.
struct SigmaSQL {
    private(set) var bindings: [(name: String, value: RowValue)] = []

    /// Binds `value` and returns its placeholder.
    mutating func bind(_ value: RowValue) -> String {
        let name = "s\(bindings.count + 1)"
        bindings.append((name, value))
        return ":" + name
    }

    mutating func bind(_ text: String) -> String { bind(.text(text)) }
}

/// `(a AND b …)`, with the neutral value for an empty list. Long lists are nested as a
/// balanced tree: SQLite parses `a OR b OR c …` into a chain as deep as the list, and refuses
/// expressions deeper than 1,000 (rules list thousands of values).
func sqlJoin(_ parts: [String], _ op: String) -> String {
    if parts.isEmpty { return op == "AND" ? "1" : "0" }
    if parts.count == 1 { return parts[0] }
    if parts.count <= 16 { return "(" + parts.joined(separator: " \(op) ") + ")" }
    let chunk = (parts.count + 15) / 16
    let groups = stride(from: 0, to: parts.count, by: chunk).map { sqlJoin(Array(parts[$0..<min($0 + chunk, parts.count)]), op) }
    return "(" + groups.joined(separator: " \(op) ") + ")"
}
