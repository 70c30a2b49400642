import Foundation
import Yams

/// A Sigma rule as written: metadata, log source and detection, read from YAML.
///
/// Reading never compiles: a rule that parses can still be unsupported (a field we do not store,
/// a log source we do not hold); `SigmaCompiler` decides that.
public struct SigmaRule: Sendable {
    /// The file the rule came from (or `queries/sigma/NAME.yml`), for messages.
    public var path: String
    /// The document's position in a multi-document file (1 for the first or only one).
    public var document = 1
    public var id: String
    /// `name:`, by which a correlation may reference the rule ("" when absent).
    public var name: String
    public var title: String
    /// `informational`, `low`, `medium`, `high` or `critical` (as written, lower-cased).
    public var level: String
    public var status: String
    public var description: String
    /// As written, e.g. `attack.t1059.001`, `attack.execution`.
    public var tags: [String]
    public var falsePositives: [String]
    public var logSource: SigmaLogSource
    public var detection: SigmaDetection
    /// `huntdb-context: remote_service` (a custom attribute, which the Sigma specification lets
    /// a rule carry): the alerts get that context's columns, like the native rules'
    /// `-- context:` (`AlertContextKind`). Other tools ignore the key.
    public var alertContext: AlertContextKind?

    /// The ATT&CK technique ids among the tags (`attack.t1059.001` → `T1059.001`).
    public var attackIDs: [String] {
        tags.compactMap { tag in
            let lower = tag.lowercased()
            guard lower.hasPrefix("attack.t"), lower.dropFirst(8).first?.isNumber == true else { return nil }
            return String(tag.dropFirst(7)).uppercased()
        }
    }

    /// Parses one rule file.
    /// - Throws: `SigmaError` naming `path` and what is wrong (malformed YAML, a missing
    ///   `detection` or `condition`, a value of the wrong shape).
    public init(yaml: String, path: String) throws {
        let root: Node?
        do {
            root = try SigmaYAML.document(yaml)
        } catch {
            throw SigmaError(path: path, "is not valid YAML: \(Self.describe(error))")
        }
        guard let root else { throw SigmaError(path: path, "is not a YAML mapping (a Sigma rule starts with `title:`)") }
        try self.init(node: root, path: path)
    }

    /// Reads one YAML document (of a multi-document file) already parsed.
    /// - Throws: `SigmaError` naming `path` and what is wrong.
    init(node: Node, path: String, document: Int = 1) throws {
        guard let mapping = node.mapping else { throw SigmaError(path: path, "is not a YAML mapping (a Sigma rule starts with `title:`)") }
        self.document = document
        func text(_ key: String) -> String? { mapping[key]?.scalar?.string }
        func list(_ key: String) -> [String] {
            guard let node = mapping[key] else { return [] }
            if let sequence = node.sequence { return sequence.compactMap { $0.scalar?.string } }
            return node.scalar.map { [$0.string] } ?? []
        }
        self.path = path
        guard let title = text("title"), !title.isEmpty else { throw SigmaError(path: path, "has no `title`") }
        self.title = title
        self.id = text("id") ?? ""
        self.name = text("name") ?? ""
        self.level = (text("level") ?? "medium").lowercased()
        self.status = text("status") ?? ""
        self.description = text("description") ?? ""
        self.tags = list("tags")
        self.falsePositives = list("falsepositives")
        let source = mapping["logsource"]?.mapping
        self.logSource = SigmaLogSource(category: source?["category"]?.scalar?.string,
                                        product: source?["product"]?.scalar?.string,
                                        service: source?["service"]?.scalar?.string)
        guard let detection = mapping["detection"]?.mapping else { throw SigmaError(path: path, "has no `detection` mapping") }
        self.detection = try SigmaDetection(detection, path: path)
        if let name = text(Self.contextKey) {
            guard let context = AlertContextKind(rawValue: name) else {
                throw SigmaError(path: path, "has an unknown `\(Self.contextKey)` \(name) (known: \(AlertContextKind.allCases.map(\.rawValue).joined(separator: ", ")))")
            }
            alertContext = context
        }
    }

    /// The custom attribute that asks for alert context.
    public static let contextKey = "huntdb-context"

    /// The libyaml problem and where, without echoing the whole document.
    static func describe(_ error: Error) -> String {
        guard let yaml = error as? YamlError else { return "\(error)" }
        switch yaml {
        case .scanner(_, let problem, let mark, _), .parser(_, let problem, let mark, _), .composer(_, let problem, let mark, _):
            return "\(problem) at line \(mark.line), column \(mark.column)"
        case .duplicatedKeysInMapping(let duplicates, _):
            return "a mapping repeats the key \(duplicates.joined(separator: ", "))"
        default:
            return "\(yaml)".split(separator: "\n").first.map(String.init) ?? "unreadable"
        }
    }
}

/// `logsource:` of a rule.
public struct SigmaLogSource: Sendable, Equatable {
    public var category: String?
    public var product: String?
    public var service: String?
}

/// A rule file that cannot be read or compiled, or a rule we cannot run: one sentence that
/// names the file.
public struct SigmaError: Error, CustomStringConvertible, Equatable {
    public let path: String
    public let problem: String
    public init(path: String, _ problem: String) {
        self.path = path
        self.problem = problem
    }
    public var description: String { "\(path): \(problem)" }
}
