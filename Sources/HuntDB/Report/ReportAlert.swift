import Detect
import Model

/// One alert as the report shows it: its rule, host and time, every alert key as printed, and
/// whether the allowlist suppressed it.
public struct ReportAlert: Sendable {
    public let ruleID: String
    public let ruleName: String
    public let severity: String
    public let host: String
    /// The alert's time in UTC microseconds: the rule's `time`, else the child start, else the
    /// connection; nil when the rule gives none.
    public let timeMicros: Int64?
    /// Every alert key of the rule (times as ISO-8601 text), in the rule's order.
    public let fields: [(key: String, value: String)]
    /// The allowlist entry that suppressed the alert (`reason (file:line)`), nil when it survived.
    public let suppressedBy: String?

    init(ruleID: String, ruleName: String, severity: String, host: String, timeMicros: Int64?,
         fields: [(key: String, value: String)], suppressedBy: String?) {
        self.ruleID = ruleID
        self.ruleName = ruleName
        self.severity = severity
        self.host = host
        self.timeMicros = timeMicros
        self.fields = fields
        self.suppressedBy = suppressedBy
    }

    init(_ alert: Alert, keys: [String], suppressedBy entry: Allowlist.Entry? = nil) {
        ruleID = alert.ruleID
        ruleName = alert.ruleName
        severity = alert.severity
        host = alert.host
        timeMicros = alert.integer("time") ?? alert.integer("process_time") ?? alert.integer("network_time")
        fields = keys.map { ($0, alert.text($0) ?? "") }
        suppressedBy = entry.map { "\($0.reason) (\($0.origin))" }
    }

    /// The printed value of a key, or nil when empty or absent.
    public subscript(_ key: String) -> String? {
        guard let value = fields.first(where: { $0.key == key })?.value, !value.isEmpty else { return nil }
        return value
    }
}

/// Severities from the most to the least urgent, for sorting.
enum SeverityRank {
    static let order = ["critical", "high", "medium", "low", "informational"]

    /// 0 for critical … 4 for informational, 5 for anything else.
    static func rank(_ severity: String) -> Int { order.firstIndex(of: severity.lowercased()) ?? order.count }
}
