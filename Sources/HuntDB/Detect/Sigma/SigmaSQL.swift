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

/// `(a) AND (b)…`, with the neutral value for an empty list.
func sqlJoin(_ parts: [String], _ op: String) -> String {
    if parts.isEmpty { return op == "AND" ? "1" : "0" }
    if parts.count == 1 { return parts[0] }
    return "(" + parts.joined(separator: " \(op) ") + ")"
}
