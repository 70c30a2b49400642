import Model

/// Alerts of one rule on one host close together in time, shown as one card: a burst of
/// twenty children in one second reads as one event, not twenty.
public struct AlertCard: Sendable {
    public let host: String
    public let ruleID: String
    public let ruleName: String
    public let severity: String
    /// The alerts in time order (at least one).
    public let alerts: [ReportAlert]
    /// The host's events around the first alert (nil when details were not gathered).
    public var timeline: ReportTable?
    /// Events of the timeline left out to keep the card short.
    public var timelineOmitted = 0
    /// The process tree (descendants) and connections of each child, by child entity id.
    public var trees: [ChildTree] = []

    /// The first alert's time, if the rule gives one.
    public var firstMicros: Int64? { alerts.compactMap(\.timeMicros).min() }
    public var lastMicros: Int64? { alerts.compactMap(\.timeMicros).max() }

    /// Groups alerts into cards: one rule, one host, each alert within `gapMicros` of the
    /// previous one. Cards come in time order; alerts without a time get a card each.
    public static func group(_ alerts: [ReportAlert], gapMicros: Int64) -> [AlertCard] {
        let sorted = alerts.enumerated().sorted { a, b in
            let (ta, tb) = (a.element.timeMicros ?? .max, b.element.timeMicros ?? .max)
            return ta != tb ? ta < tb : a.offset < b.offset
        }.map(\.element)
        var open: [String: Int] = [:]   // rule + host → index of its newest card in `cards`
        var cards: [[ReportAlert]] = []
        for alert in sorted {
            let key = alert.ruleID + "\u{0}" + alert.host.lowercased()
            if let index = open[key], let time = alert.timeMicros, let last = cards[index].last?.timeMicros,
               time - last <= gapMicros {
                cards[index].append(alert)
            } else {
                open[key] = cards.count
                cards.append([alert])
            }
        }
        return cards.map { alerts in
            AlertCard(host: alerts[0].host, ruleID: alerts[0].ruleID, ruleName: alerts[0].ruleName,
                      severity: alerts[0].severity, alerts: alerts)
        }
    }
}

/// What a started child did: its descendants and its connections.
public struct ChildTree: Sendable {
    public let entityID: String
    public let processes: ReportTable
    public let connections: ReportTable
}
