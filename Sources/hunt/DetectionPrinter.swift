import Foundation
import HuntDB

/// Prints a detection run as an analyst reads it: coverage warnings and per-rule summaries on
/// stderr, alerts on the output. Shared by `hunt detect` and `hunt demo`.
struct DetectionPrinter {
    let run: DetectionRun

    /// Prints coverage, alerts and summaries. Returns the number of alerts.
    func print(to sink: OutputSink, output: OutputOptions, showSuppressed: Bool) throws -> Int {
        let (coverage, hosts) = try run.coverage()
        CoveragePrinter.printWarnings(hosts, rules: coverage.rules.map(\.id))

        // A terminal table shows the columns the rules declare for it; --full and the data
        // formats carry every alert key.
        let layout: DetectionRun.Layout = output.format == .table && !output.full ? .table : .full
        var suppressedLines: [String] = []
        let summaries = try run.run(into: makeRowWriter(output, sink: sink), layout: layout) { alert, entry in
            if showSuppressed {
                suppressedLines.append("  \(alert.ruleID) \(alert.host) \(alert.matched(by: entry)) — \(entry.reason) (\(entry.origin))")
            }
        }
        for summary in summaries {
            printError("\(summary.ruleID): \(summary.alerts) alert\(summary.alerts == 1 ? "" : "s"), \(summary.suppressed) suppressed by the allowlist (\(String(format: "%.3f", summary.seconds)) s)")
        }
        if showSuppressed, !suppressedLines.isEmpty {
            printError("suppressed:")
            suppressedLines.forEach(printError)
        }
        return summaries.reduce(0) { $0 + $1.alerts }
    }
}
