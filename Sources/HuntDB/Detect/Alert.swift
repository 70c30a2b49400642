import Model

/// One detection hit: the rule that fired and the values of the columns its SQL returned.
///
/// Its output row has the common keys (`rule_id, rule_name, severity, host`) and then the
/// rule's declared columns; `TIME` columns print as ISO-8601 UTC.
public struct Alert: Sendable, Equatable {
    public var ruleID: String
    public var ruleName: String
    public var severity: String
    /// The host's name as the events give it (ECS host.name, Sysmon Computer).
    public var host: String
    /// Every column the rule's SQL returned, by name, as returned (times in microseconds).
    public var values: [String: RowValue]
    /// Types of the declared columns, for rendering.
    let kinds: [String: AlertColumn.Kind]

    init(rule: DetectionRule, values: [String: RowValue]) {
        ruleID = rule.id
        ruleName = rule.name
        severity = rule.severity
        host = values["host"]?.textValue ?? ""
        self.values = values
        kinds = Dictionary(rule.columns.map { ($0.name, $0.kind) }, uniquingKeysWith: { first, _ in first })
    }

    /// The value of a common key or a column as printed (times as ISO-8601 text); null when the
    /// rule has no such column.
    public subscript(_ key: String) -> RowValue {
        switch key {
        case "rule_id": return .text(ruleID)
        case "rule_name": return .text(ruleName)
        case "severity": return .text(severity)
        case "host": return .text(host)
        default:
            let value = values[key] ?? .null
            if kinds[key] == .time, case .integer(let micros) = value { return .text(Timestamp.iso8601(micros: micros)) }
            return value
        }
    }

    /// A column's text, or nil when null or absent.
    public func text(_ key: String) -> String? { self[key].textValue }

    /// A column's raw integer (microseconds for times), or nil when null or absent.
    public func integer(_ key: String) -> Int64? {
        if case .integer(let value) = values[key] ?? .null { return value }
        return nil
    }

    /// The values for `keys`, in order (null where the rule has no such column).
    public func row(_ keys: [String]) -> [RowValue] { keys.map { self[$0] } }
}

extension RowValue {
    /// Text as is, numbers in decimal; nil for null.
    var textValue: String? {
        if case .null = self { return nil }
        return description
    }
}
