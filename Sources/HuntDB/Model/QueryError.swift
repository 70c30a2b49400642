import Foundation

/// Why an analyst's query (`hunt sql`, a saved hunt) was not run, in one sentence.
public enum QueryError: Error, Equatable, CustomStringConvertible {
    /// SQLite's read-only guard refused the statement.
    case refused(ReadOnlyDenial)
    /// The statement would change something although the authorizer let it through (VACUUM).
    case notReadOnly(keyword: String)
    /// More than one statement in the text.
    case secondStatement(String)
    /// The text holds no statement at all (only whitespace or comments).
    case empty
    /// `?` or `?NNN` placeholders: only named parameters can be bound.
    case positionalParameter(String)
    /// A value was given for a parameter the query does not use.
    case unknownParameter(name: String, known: [String])
    /// The query uses a parameter that has no value.
    case missingParameter(name: String, help: String?)
    /// The same parameter was given twice.
    case duplicateParameter(String)
    /// `--param` without `name=value`.
    case malformedParameter(String)
    /// A value that does not fit the declared type.
    case invalidValue(String)
    /// No saved hunt with this id.
    case unknownHunt(id: String, known: [String])
    /// A saved hunt file that cannot be used.
    case invalidHunt(String)

    /// Whether the read-only guard refused the query (the CLI exits with its own status).
    public var isRefusal: Bool {
        switch self {
        case .refused, .notReadOnly, .secondStatement: true
        default: false
        }
    }

    public var description: String {
        switch self {
        case .refused(let denial): "\(denial)"
        case .notReadOnly(let keyword): "the query is not read-only (\(keyword))"
        case .secondStatement(let text): "the text holds a second statement (\(Self.excerpt(text))): run one statement per call"
        case .empty: "there is no SQL statement to run (the text is empty or only comments)"
        case .positionalParameter(let name):
            "the query uses the positional parameter \(name); name every parameter (:name) and pass --param name=value"
        case .unknownParameter(let name, let known):
            "the query has no parameter :\(name) (\(known.isEmpty ? "it takes none" : "it uses " + known.map { ":" + $0 }.joined(separator: ", ")))"
        case .missingParameter(let name, let help):
            "the query needs a value for :\(name)\(help.map { $0.isEmpty ? "" : " (\($0))" } ?? ""): pass --param \(name)=VALUE"
        case .duplicateParameter(let name): "--param \(name) is given twice"
        case .malformedParameter(let text): "--param \"\(text)\" is not name=value"
        case .invalidValue(let message): message
        case .unknownHunt(let id, let known): "there is no saved hunt \"\(id)\" (saved hunts: \(known.joined(separator: ", ")))"
        case .invalidHunt(let message): message
        }
    }

    package static func excerpt(_ text: String) -> String {
        let line = text.split(whereSeparator: \.isNewline).first.map(String.init) ?? ""
        let trimmed = line.trimmingCharacters(in: .whitespaces)
        return trimmed.count > 40 ? String(trimmed.prefix(40)) + "…" : trimmed
    }
}
