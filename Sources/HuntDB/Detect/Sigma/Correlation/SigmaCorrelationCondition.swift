import Foundation
import Yams

/// `condition:` of a correlation: one or more comparisons (`gte: 10`, or `gt: 100` and
/// `lte: 200` for a range, all of which must hold), the `field` whose values value_count,
/// value_sum, value_avg and value_percentile aggregate, and value_percentile's `percentile`.
public struct SigmaCorrelationCondition: Sendable, Equatable {
    public enum Comparison: String, Sendable, CaseIterable {
        case gt, gte, lt, lte, eq, neq

        /// The SQL operator (a constant of this file).
        var sql: String {
            switch self {
            case .gt: return ">"
            case .gte: return ">="
            case .lt: return "<"
            case .lte: return "<="
            case .eq: return "="
            case .neq: return "<>"
            }
        }

        func holds(_ value: Double, _ limit: Double) -> Bool {
            switch self {
            case .gt: return value > limit
            case .gte: return value >= limit
            case .lt: return value < limit
            case .lte: return value <= limit
            case .eq: return value == limit
            case .neq: return value != limit
            }
        }
    }

    public var comparisons: [(Comparison, Double)]
    public var field: String?
    /// value_percentile: which percentile (0–100) of the field's values is compared.
    public var percentile: Double?

    public static func == (a: Self, b: Self) -> Bool {
        a.field == b.field && a.percentile == b.percentile
            && a.comparisons.map(\.0) == b.comparisons.map(\.0) && a.comparisons.map(\.1) == b.comparisons.map(\.1)
    }

    /// A temporal_ordered condition that part of the chain can meet looks at every ordered
    /// subset of the rules (2^(n-1) chains per end rule): up to this many rules.
    static let maxPartialChainRules = 5

    /// Whether only a chain of every rule meets the condition (temporal types count the rules
    /// in the match; a shorter chain's count is 1…n-1).
    func onlyWholeChains(ruleCount: Int) -> Bool {
        (1..<max(ruleCount, 1)).allSatisfy { count in !comparisons.allSatisfy { $0.0.holds(Double(count), $0.1) } }
    }

    /// - Throws: `SigmaUnsupported` with what is wrong.
    init(_ node: Node?, kind: SigmaCorrelation.Kind, ruleCount: Int) throws {
        comparisons = []
        guard let node else {
            // temporal and temporal_ordered: every referenced rule must occur.
            guard kind.isTemporal else { throw SigmaUnsupported("\(kind.rawValue) needs a `condition` (e.g. gte: 10)") }
            comparisons = [(.gte, Double(ruleCount))]
            return
        }
        guard let map = node.mapping else { throw SigmaUnsupported("`condition` is not a mapping (e.g. gte: 10)") }
        for (key, value) in map {
            guard let name = key.scalar?.string else { throw SigmaUnsupported("`condition` has a key that is not a name") }
            switch name {
            case "field":
                guard let text = value.scalar?.string, !text.isEmpty else { throw SigmaUnsupported("condition.field is not a field name") }
                field = text
            case "percentile":
                guard let number = value.scalar.flatMap({ Double($0.string) }), (0...100).contains(number) else {
                    throw SigmaUnsupported("condition.percentile must be a number from 0 to 100")
                }
                percentile = number
            default:
                guard let comparison = Comparison(rawValue: name) else {
                    throw SigmaUnsupported("unknown condition \(name) (use \(Comparison.allCases.map(\.rawValue).joined(separator: ", ")))")
                }
                guard let number = value.scalar.flatMap({ Double($0.string) }), number.isFinite else {
                    throw SigmaUnsupported("condition \(name) is not a number")
                }
                comparisons.append((comparison, number))
            }
        }
        if comparisons.isEmpty { throw SigmaUnsupported("`condition` has no comparison (gt, gte, lt, lte, eq, neq)") }
        if kind.needsField, field == nil { throw SigmaUnsupported("\(kind.rawValue) needs condition.field (the field whose values it aggregates)") }
        if !kind.needsField, field != nil { throw SigmaUnsupported("condition.field is only for value_count, value_sum, value_avg and value_percentile") }
        if kind == .valuePercentile, percentile == nil { throw SigmaUnsupported("value_percentile needs condition.percentile (0–100)") }
        if kind != .valuePercentile, percentile != nil { throw SigmaUnsupported("condition.percentile is only for value_percentile") }
        if kind == .temporalOrdered, !onlyWholeChains(ruleCount: ruleCount), ruleCount > Self.maxPartialChainRules {
            throw SigmaUnsupported("a temporal_ordered condition that part of the chain can meet is supported for up to \(Self.maxPartialChainRules) rules (this one has \(ruleCount))")
        }
    }
}
