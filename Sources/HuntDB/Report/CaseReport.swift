import Detect
import Model
import Store

/// Everything a case report shows, gathered from one store and one detection run; `ReportPage`
/// renders it as one self-contained HTML file.
public struct CaseReport: Sendable {
    /// The report's title (the database's location unless given).
    public var title: String
    /// When the report was made, UTC microseconds.
    public var generatedMicros: Int64
    /// The filters of the run as an analyst typed them (`--host WS-1`, `--since …`), for the header.
    public var filters: [String]
    /// The store's location (the database file).
    public var location: String

    /// What was loaded: events per kind, per host, the sources and the rejects.
    public var summary: ReportTable
    public var hosts: ReportTable
    public var sources: ReportTable
    public var rejects: ReportTable
    public var totals: LoadTotals

    /// Coverage per host: whether the events the rules need are there.
    public var coverageNeeds: [String]
    public var coverage: [HostCoverage]

    /// The rules that ran, with their counts.
    public var rules: [DetectionRule]
    public var summaries: [RuleRunSummary]
    /// Alerts that survived the allowlist, grouped in cards (the most severe first, at most
    /// `detailedCards`), each with its timeline and process trees.
    public var cards: [AlertCard]
    /// The surviving alerts not in a card, in time order: one table row each, so that a case of
    /// 10,000 alerts stays a few megabytes.
    public var otherAlerts: [ReportAlert]
    /// Alerts the allowlist suppressed, grouped by rule, entry, host and child executable.
    public var suppressed: [SuppressedGroup]

    /// Most cards; the alerts of the other bursts are rows of `otherAlerts`.
    public var detailedCards: Int
    /// Minutes before and after each card's first alert in its timeline.
    public var timelineMinutes: Int

    /// Every surviving alert.
    public var alertCount: Int { cards.reduce(0) { $0 + $1.alerts.count } + otherAlerts.count }

    /// Every surviving alert, cards first.
    public var allAlerts: [ReportAlert] { cards.flatMap(\.alerts) + otherAlerts }
}

/// Repeated suppressed alerts, counted once: the entry that matched, how many, first and last.
public struct SuppressedGroup: Sendable {
    public let ruleID: String
    public let host: String
    public let child: String
    public let entry: String
    public var count: Int
    public var firstMicros: Int64?
    public var lastMicros: Int64?

    /// Counts one more suppressed alert at `time`.
    mutating func count(at time: Int64?) {
        count += 1
        guard let time else { return }
        firstMicros = min(firstMicros ?? time, time)
        lastMicros = max(lastMicros ?? time, time)
    }
}
