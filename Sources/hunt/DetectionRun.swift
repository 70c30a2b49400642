import HuntDB

/// Runs rules and prints what an analyst needs: coverage warnings and per-rule summaries on
/// stderr, alerts on the output. Shared by `hunt detect` and `hunt demo`.
struct DetectionRun {
    let store: HuntStore
    let rules: [DetectionRule]
    let allowlist: Allowlist
    let options: DetectionOptions

    /// Prints coverage, alerts and summaries. Returns the number of alerts.
    func print(to sink: OutputSink, output: OutputOptions, showSuppressed: Bool) throws -> Int {
        let coverage = try CoverageReport(store: store).hosts(options: options)
        CoveragePrinter.printWarnings(coverage, rules: rules.map(\.id))

        let writer = makeRowWriter(output, sink: sink)
        // A terminal table shows the columns read first; --full and the data formats carry all keys.
        let compact = output.format == .table && !output.full
        try writer.begin(columns: compact ? Alert.compactColumns : Alert.columns)
        var summaries: [RuleRunSummary] = []
        var suppressedLines: [String] = []
        let engine = DetectionEngine(store: store, allowlist: allowlist)
        for rule in rules {
            summaries.append(try engine.run(rule, options: options, onAlert: { try writer.write(compact ? $0.compactRow : $0.row) },
                                            onSuppressed: { alert, entry in
                if showSuppressed {
                    suppressedLines.append("  \(alert.ruleID) \(alert.host) \(alert.childExecutable ?? alert.sourceIP ?? "") — \(entry.reason) (\(entry.origin))")
                }
            }))
        }
        try writer.end()
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
