import Foundation
import Model
import Queries

/// The rules a run can use: the built-in ones embedded from `queries/sql/`, plus every `*.sql`
/// file under the folders given with `--rules` (searched recursively, in path order).
///
/// ```swift
/// let catalog = try RuleCatalog.load(addingDirectories: ["./team-rules"])
/// let rules = try catalog.select(["remote_service_rpc"])    // [] selects every rule
/// ```
public struct RuleCatalog: Sendable {
    public let rules: [DetectionRule]

    public init(rules: [DetectionRule]) {
        self.rules = rules
    }

    /// The rules embedded in this binary.
    /// - Throws: `RuleError` if an embedded header is malformed (a build defect; tests catch it).
    public static func builtIn() throws -> RuleCatalog {
        let clickHouse = Dictionary(uniqueKeysWithValues: EmbeddedQueries.clickHouseRules.map { ($0.name, $0.sql) })
        return RuleCatalog(rules: try EmbeddedQueries.rules.map {
            var rule = try DetectionRule(sql: $0.sql, origin: "queries/sql/\($0.name).sql")
            rule.clickHouseSQL = clickHouse[rule.id]
            return rule
        })
    }

    /// The built-in rules plus the rule files under `directories`.
    /// - Throws: `RuleError` naming the file for an unreadable folder or file, a malformed
    ///   header, or an id used twice.
    public static func load(addingDirectories directories: [String]) throws -> RuleCatalog {
        var rules = try builtIn().rules
        for directory in directories { rules += try load(directory: directory) }
        var origins: [String: String] = [:]
        for rule in rules {
            if let other = origins[rule.id] {
                throw RuleError("\(rule.origin): the id \"\(rule.id)\" is already used by \(other); give the rule another id")
            }
            origins[rule.id] = rule.origin
        }
        return RuleCatalog(rules: rules)
    }

    /// The rules with these ids, in the order given; every rule when `ids` is empty. A name that
    /// is no rule's id selects the rules that have it among their `otherNames` (a Sigma title,
    /// a correlation's name), in catalog order.
    /// - Throws: `RuleError` for a name no rule has, listing the ids there are.
    public func select(_ ids: [String]) throws -> [DetectionRule] {
        guard !ids.isEmpty else { return rules }
        var selected: [DetectionRule] = []
        for id in ids {
            let named = rules.first(where: { $0.id == id }).map { [$0] } ?? rules.filter { $0.otherNames.contains(id) }
            guard !named.isEmpty else {
                throw RuleError("No rule \"\(id)\". Rules: \(rules.map(\.id).joined(separator: ", ")).")
            }
            selected += named.filter { rule in !selected.contains { $0.id == rule.id } }
        }
        return selected
    }

    /// Every `*.sql` file under `directory`, recursively, in path order.
    static func load(directory: String) throws -> [DetectionRule] {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw RuleError("cannot read the rules folder \(directory): it does not exist or is not a folder")
        }
        guard let walker = FileManager.default.enumerator(atPath: directory) else {
            throw RuleError("cannot read the rules folder \(directory)")
        }
        var paths: [String] = []
        while let relative = walker.nextObject() as? String {
            let name = (relative as NSString).lastPathComponent
            if name.hasPrefix(".") { continue }
            if name.hasSuffix(".sql") { paths.append((directory as NSString).appendingPathComponent(relative)) }
        }
        return try paths.sorted().map { path in
            let text: String
            do {
                text = try String(contentsOfFile: path, encoding: .utf8)
            } catch {
                throw RuleError("cannot read \(path): \(error.localizedDescription)")
            }
            return try DetectionRule(sql: text, origin: path)
        }
    }
}
