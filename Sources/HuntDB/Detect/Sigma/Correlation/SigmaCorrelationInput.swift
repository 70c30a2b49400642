import Foundation

/// One rule a correlation references: a Sigma rule, or another correlation whose alerts are
/// then its events (chaining, as the specification's "Related rules" allows: "Refers to one or
/// multiple Sigma or Correlations rules").
public enum SigmaCorrelationInput: Sendable {
    case rule(SigmaCompiledRule)
    case correlation(SigmaCompiledCorrelation)

    /// The id alerts and events name it by.
    public var ruleID: String {
        switch self {
        case .rule(let rule): return rule.ruleID
        case .correlation(let correlation): return correlation.ruleID
        }
    }

    /// The kinds of events it reads (a correlation: those of everything it references).
    public var eventKinds: Set<SigmaEventKind> {
        switch self {
        case .rule(let rule): return [rule.kind]
        case .correlation(let correlation): return correlation.eventKinds
        }
    }

    /// Whether it is a Sigma rule (not a correlation).
    var isRule: Bool { if case .rule = self { return true } else { return false } }

    /// The `kind` of its rows in a correlation's SQL and of its entries in `events`.
    var eventKindText: String {
        switch self {
        case .rule(let rule): return rule.kind.rawValue
        case .correlation: return "correlation"
        }
    }
}
