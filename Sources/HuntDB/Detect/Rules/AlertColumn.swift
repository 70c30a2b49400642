import Model

/// One output column a rule declares: `-- column: name TYPE [hidden] -- help`.
public struct AlertColumn: Sendable, Equatable {
    public enum Kind: String, Sendable, CaseIterable {
        case text = "TEXT"
        case integer = "INTEGER"
        /// Microseconds since 1970 UTC from the SQL; printed as ISO-8601 UTC.
        case time = "TIME"
        /// A JSON array of strings (a process's arguments), matched by the allowlist's `args`.
        case args = "ARGS"
        /// JSON text from the SQL (an object or array): nested in JSON output, text elsewhere.
        case json = "JSON"
    }

    public var name: String
    public var kind: Kind
    /// Used by the allowlist and the table only; not an alert key.
    public var hidden: Bool
    public var help: String

    init(name: String, kind: Kind, hidden: Bool = false, help: String) {
        self.name = name
        self.kind = kind
        self.hidden = hidden
        self.help = help
    }

    init(declaration: String, at: String) throws {
        let declared = HeaderDeclaration(declaration)
        let words = declared.words, help = declared.help
        guard words.count == 2 || (words.count == 3 && words[2].lowercased() == "hidden") else {
            throw RuleError("\(at): a column reads `-- column: name TYPE [hidden] [-- help]`")
        }
        guard words[0].allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" }) else {
            throw RuleError("\(at): the column name \(words[0]) may only hold letters, digits and _")
        }
        guard let kind = Kind(rawValue: words[1].uppercased()) else {
            throw RuleError("\(at): column \(words[0]) has unknown type \(words[1]) (use \(Kind.allCases.map(\.rawValue).joined(separator: ", ")))")
        }
        self.name = words[0]
        self.kind = kind
        self.hidden = words.count == 3
        self.help = help
    }
}
