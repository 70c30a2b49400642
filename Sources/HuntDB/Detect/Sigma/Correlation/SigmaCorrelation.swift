import Foundation
import Yams

/// A Sigma correlation rule as written (Sigma correlation specification v2.1): a YAML document
/// with a `correlation:` section over other rules, referenced by `id` or `name`.
///
/// Reading checks the shape (type, rules, group-by, timespan, condition); whether the referenced
/// rules exist and can answer the group-by fields is decided when the whole set is resolved
/// (`SigmaCorrelationResolver`), because references may cross files.
public struct SigmaCorrelation: Sendable {
    public enum Kind: String, Sendable, CaseIterable {
        case eventCount = "event_count"
        case valueCount = "value_count"
        case temporal
        case temporalOrdered = "temporal_ordered"
        case valueSum = "value_sum"
        case valueAvg = "value_avg"
        case valuePercentile = "value_percentile"

        /// Whether the condition compares a value of the field named by `condition.field`.
        var needsField: Bool { [.valueCount, .valueSum, .valueAvg, .valuePercentile].contains(self) }
        var isTemporal: Bool { self == .temporal || self == .temporalOrdered }
    }

    public var path: String
    public var document: Int
    public var id: String
    public var name: String
    public var title: String
    public var level: String
    public var status: String
    public var description: String
    public var tags: [String]
    public var kind: Kind
    /// The referenced rules (ids or names), in order (the order temporal_ordered checks).
    public var rules: [String]
    /// Group-by names: Sigma field names or alias names.
    public var groupBy: [String]
    /// alias name → (referenced rule's name or id → Sigma field name).
    public var aliases: [String: [String: String]]
    public var timespanMicros: Int64
    /// As written, for messages (`1s`).
    public var timespanText: String
    public var condition: SigmaCorrelationCondition
    /// Whether the referenced rules also alert on their own.
    public var generate: Bool

    /// Whether a YAML document is a correlation (it has a `correlation:` section).
    static func isCorrelation(_ node: Node) -> Bool { node.mapping?["correlation"] != nil }

    /// - Throws: `SigmaError` naming the file and what is wrong.
    init(node: Node, path: String, document: Int) throws {
        guard let mapping = node.mapping else { throw SigmaError(path: path, "is not a YAML mapping") }
        func text(_ key: String, in map: Node.Mapping? = nil) -> String? { (map ?? mapping)[key]?.scalar?.string }
        func list(_ node: Node?) -> [String]? {
            guard let node else { return nil }
            if let sequence = node.sequence { return sequence.compactMap { $0.scalar?.string } }
            return node.scalar.map { [$0.string] }
        }
        let at = document > 1 ? " (document \(document))" : ""
        func fail(_ problem: String) -> SigmaError { SigmaError(path: path, "correlation\(at): \(problem)") }
        self.path = path
        self.document = document
        guard let title = text("title"), !title.isEmpty else { throw fail("has no `title`") }
        self.title = title
        id = text("id") ?? ""
        name = text("name") ?? ""
        level = (text("level") ?? "medium").lowercased()
        status = text("status") ?? ""
        description = text("description") ?? ""
        tags = list(mapping["tags"]) ?? []
        guard let section = mapping["correlation"]?.mapping else { throw fail("`correlation` is not a mapping") }
        guard let typeText = text("type", in: section) else { throw fail("has no `type` (one of \(Kind.allCases.map(\.rawValue).joined(separator: ", ")))") }
        guard let kind = Kind(rawValue: typeText) else {
            throw fail("unknown type \(typeText) (one of \(Kind.allCases.map(\.rawValue).joined(separator: ", ")))")
        }
        self.kind = kind
        guard let rules = list(section["rules"]), !rules.isEmpty else { throw fail("has no `rules` (the ids or names of the rules it correlates)") }
        self.rules = rules
        if kind.isTemporal, rules.count < 2 { throw fail("\(kind.rawValue) needs at least two rules") }
        groupBy = list(section["group-by"]) ?? []
        var aliases: [String: [String: String]] = [:]
        if let node = section["aliases"] {
            guard let map = node.mapping else { throw fail("`aliases` is not a mapping of alias → rule → field") }
            for (key, value) in map {
                guard let alias = key.scalar?.string, let fields = value.mapping else {
                    throw fail("the alias \(key.scalar?.string ?? "?") is not a mapping of rule → field")
                }
                var byRule: [String: String] = [:]
                for (rule, field) in fields {
                    guard let rule = rule.scalar?.string, let field = field.scalar?.string else { throw fail("the alias \(alias) maps a rule to something other than a field name") }
                    byRule[rule] = field
                }
                aliases[alias] = byRule
            }
        }
        self.aliases = aliases
        guard let timespan = text("timespan", in: section) ?? text("timeframe", in: section) else { throw fail("has no `timespan` (e.g. 10s, 5m, 1h, 1d)") }
        guard let micros = SigmaTimespan.micros(timespan) else {
            throw fail("malformed timespan \"\(timespan)\" (a number and one of s, m, h, d, e.g. 90m)")
        }
        timespanMicros = micros
        timespanText = timespan
        do {
            condition = try SigmaCorrelationCondition(section["condition"], kind: kind, ruleCount: rules.count)
        } catch let problem as SigmaUnsupported {
            throw fail(problem.reason)
        }
        switch mapping["generate"]?.scalar?.string.lowercased() ?? section["generate"]?.scalar?.string.lowercased() {
        case nil, "false", "no": generate = false
        case "true", "yes": generate = true
        case let other?: throw fail("generate is \(other), not true or false")
        }
    }
}

/// `timespan:` — a whole number and a unit: `s`, `m`, `h` or `d`.
enum SigmaTimespan {
    static func micros(_ text: String) -> Int64? {
        guard let unit = text.last, let number = Int64(text.dropLast()), number > 0, text.first?.isNumber == true else { return nil }
        let seconds: Int64
        switch unit {
        case "s": seconds = 1
        case "m": seconds = 60
        case "h": seconds = 3600
        case "d": seconds = 86_400
        default: return nil
        }
        let (result, overflow) = number.multipliedReportingOverflow(by: seconds * 1_000_000)
        return overflow ? nil : result
    }
}
