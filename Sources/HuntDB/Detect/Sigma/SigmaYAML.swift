import Yams

/// How rule files are parsed: YAML structure only, every scalar kept as written.
///
/// Sigma reads values as text (numbers keep their spelling) and only asks whether a plain scalar
/// is null. YAML's type resolution runs regular expressions on every scalar, and again on every
/// key lookup and duplicate-key check; it was two thirds of the time to read SigmaHQ's 1,234
/// rules. Rules are therefore composed with no resolution rules, and null is recognised here.
enum SigmaYAML {
    /// Every document of a (multi-document) file, empty documents left out.
    static func documents(_ yaml: String) throws -> [Node] {
        try Array(Yams.compose_all(yaml: yaml, .basic, .default, .utf8)).compactMap { $0 }
    }

    /// The only document of a file, or nil when it is empty.
    static func document(_ yaml: String) throws -> Node? {
        try Yams.compose(yaml: yaml, .basic, .default, .utf8)
    }

    /// YAML's null: a plain (unquoted) `~`, `null`, `Null`, `NULL` or nothing at all.
    static func isNull(_ scalar: Node.Scalar) -> Bool {
        scalar.style == .plain && nullSpellings.contains(scalar.string)
    }

    private static let nullSpellings: Set<String> = ["", "~", "null", "Null", "NULL"]
}
