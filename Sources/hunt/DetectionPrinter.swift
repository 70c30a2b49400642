import Foundation
import HuntDB

/// Prints a detection run as an analyst reads it: coverage warnings and per-rule summaries on
/// stderr, alerts on the output. Shared by `hunt detect` and `hunt demo`.
struct DetectionPrinter {
    let run: DetectionRun

    /// Prints coverage, alerts and summaries. Returns the number of alerts. `--host` is
    /// resolved first (an unknown host is an error), and an empty time range is explained.
    func print(to sink: OutputSink, output: OutputOptions, showSuppressed: Bool) throws -> Int {
        let run = try TimeRangeOptions.resolving(self.run)
        let (coverage, hosts) = try run.coverage()
        CoveragePrinter.printWarnings(hosts, rules: coverage.rules.map(\.id))

        // A terminal table shows the columns the rules declare for it; --full and the data
        // formats carry every alert key.
        let layout: DetectionRun.Layout = output.format == .table && !output.full ? .table : .full
        var suppressed = SuppressedGroups()
        let summaries = try run.run(into: makeRowWriter(output, sink: sink), layout: layout) { alert, entry in
            if showSuppressed { suppressed.add(alert, entry) }
        }
        for summary in summaries {
            if let failure = summary.failure {
                printError("\(summary.ruleID): FAILED, the other rules ran: \(failure)")
                continue
            }
            printError("\(summary.ruleID): \(summary.alerts) alert\(summary.alerts == 1 ? "" : "s"), \(summary.suppressed) suppressed by the allowlist (\(String(format: "%.3f", summary.seconds)) s)")
        }
        if showSuppressed, !suppressed.lines.isEmpty {
            printError("suppressed (repeats counted once, with the first and last time):")
            suppressed.lines.forEach(printError)
        }
        let alerts = summaries.reduce(0) { $0 + $1.alerts }
        let failed = summaries.filter { $0.failure != nil }.count
        // Alerts found still exit 2; without alerts, a failed rule is an error, not "nothing found".
        if failed > 0, alerts == 0 {
            throw Fatal("\(failed) of \(summaries.count) rule\(summaries.count == 1 ? "" : "s") failed (see above)")
        }
        return alerts
    }
}

/// Suppressed alerts for `--show-suppressed`: the same rule, host, matched values and entry
/// once, with how many and the first and last time.
struct SuppressedGroups {
    private struct Group {
        let text: String
        var count = 0
        var first: Int64?
        var last: Int64?
    }
    private var groups: [String: Int] = [:]
    private var ordered: [Group] = []

    mutating func add(_ alert: Alert, _ entry: Allowlist.Entry) {
        let text = "\(alert.ruleID) \(alert.host) \(alert.matched(by: entry)) — \(entry.reason) (\(entry.origin))"
        let index = groups[text] ?? {
            ordered.append(Group(text: text))
            groups[text] = ordered.count - 1
            return ordered.count - 1
        }()
        ordered[index].count += 1
        if let time = alert.integer("time") ?? alert.integer("process_time") ?? alert.integer("network_time") {
            ordered[index].first = min(ordered[index].first ?? time, time)
            ordered[index].last = max(ordered[index].last ?? time, time)
        }
    }

    var lines: [String] {
        ordered.map { group in
            var line = "  \(group.count)× \(group.text)"
            if let first = group.first, let last = group.last {
                line += first == last ? " at \(Timestamp.iso8601(micros: first))"
                    : ", first \(Timestamp.iso8601(micros: first)), last \(Timestamp.iso8601(micros: last))"
            }
            return line
        }
    }
}
