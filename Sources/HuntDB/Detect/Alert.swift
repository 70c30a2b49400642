import Model

/// One detection hit: the rule that fired and the row its SQL returned.
///
/// Its output row has the common keys (`rule_id, rule_name, severity, host`) and then the
/// rule's declared columns; `TIME` columns print as ISO-8601 UTC.
public struct Alert: Sendable {
    public let ruleID: String
    public let ruleName: String
    public let severity: String
    /// The host's name as the events give it (ECS host.name, Sysmon Computer).
    public let host: String
    /// The Sigma rule's title when a Sigma rule fired (an allowlist's `rule=` may name it).
    public let sigmaTitle: String?
    /// The row as the SQL returned it (times in microseconds), in `columns` order; the alert
    /// context writes its columns into it.
    var row: [RowValue]
    let columns: AlertColumns

    init(rule: DetectionRule, row: [RowValue], columns: AlertColumns) {
        ruleID = rule.id
        ruleName = rule.name
        severity = rule.severity
        sigmaTitle = rule.sigmaTitle
        host = columns.host.flatMap { row[$0].textValue } ?? ""
        self.row = row
        self.columns = columns
    }

    /// The value of a common key or a column as printed (times as ISO-8601 text); null when the
    /// rule has no such column.
    public subscript(_ key: String) -> RowValue {
        switch key {
        case "rule_id": return .text(ruleID)
        case "rule_name": return .text(ruleName)
        case "severity": return .text(severity)
        case "host": return .text(host)
        default: return columns.position[key].map(rendered) ?? .null
        }
    }

    /// A column's text, or nil when null or absent.
    public func text(_ key: String) -> String? { self[key].textValue }

    /// A column's raw integer (microseconds for times), or nil when null or absent.
    public func integer(_ key: String) -> Int64? {
        guard let position = columns.position[key], case .integer(let value) = row[position] else { return nil }
        return value
    }

    /// The values for `keys`, in order (null where the rule has no such column).
    public func row(_ keys: [String]) -> [RowValue] { keys.map { self[$0] } }

    /// The values for the keys `slots` were resolved from (`AlertKeySlots`), in order: what
    /// `row(_:)` gives, without looking each key up again for every alert.
    func row(_ slots: AlertKeySlots) -> [RowValue] {
        guard slots.columns === columns else { return row(slots.keys) }
        return slots.slots.map { slot in
            switch slot {
            case .ruleID: .text(ruleID)
            case .ruleName: .text(ruleName)
            case .severity: .text(severity)
            case .host: .text(host)
            case .column(let position): rendered(position)
            case .absent: .null
            }
        }
    }

    /// The value at `position` as printed.
    func rendered(_ position: Int) -> RowValue {
        if columns.isTime[position], case .integer(let micros) = row[position] {
            return .text(Timestamp.iso8601(micros: micros))
        }
        if columns.isJSON[position], case .text(let text) = row[position] {
            return .json(text)
        }
        return row[position]
    }
}

/// Where each of a list of output keys is in the alerts of one rule run (`Alert.row(_:)`),
/// resolved once instead of by name for every alert.
struct AlertKeySlots {
    enum Slot { case ruleID, ruleName, severity, host, column(Int), absent }

    let keys: [String]
    let columns: AlertColumns
    let slots: [Slot]

    init(keys: [String], columns: AlertColumns) {
        self.keys = keys
        self.columns = columns
        slots = keys.map { key in
            switch key {
            case "rule_id": .ruleID
            case "rule_name": .ruleName
            case "severity": .severity
            case "host": .host
            default: columns.position[key].map(Slot.column) ?? .absent
            }
        }
    }
}

/// Where each column of a rule's rows is, worked out once per run from the SQL's column names.
final class AlertColumns: Sendable {
    let position: [String: Int]
    let isTime: [Bool]
    let isJSON: [Bool]
    let host: Int?

    init(names: [String], rule: DetectionRule) {
        var position: [String: Int] = [:]
        for (index, name) in names.enumerated() where position[name] == nil { position[name] = index }
        self.position = position
        isTime = names.map { rule.column($0)?.kind == .time }
        isJSON = names.map { rule.column($0)?.kind == .json }
        host = position["host"]
    }
}

extension RowValue {
    /// Text as is, numbers in decimal; nil for null.
    var textValue: String? {
        if case .null = self { return nil }
        return description
    }
}
