import HuntDB

/// Prints rule coverage warnings by host on stderr.
enum CoveragePrinter {
    static func printWarnings(_ coverage: [HostCoverage], rules: [String]) {
        if coverage.isEmpty {
            printError("warning: no events in range: no rule can fire.")
            return
        }
        let covered = coverage.filter { $0.gaps.isEmpty }.count
        let subject = rules.count == 1 ? rules[0] : "the selected rules"
        printError("coverage: \(coverage.count) host\(coverage.count == 1 ? "" : "s") in range, \(covered) with everything \(subject) need\(rules.count == 1 ? "s" : "").")
        for host in coverage {
            for gap in host.gaps {
                printError("warning: \(host.host): \(gap).")
            }
        }
    }
}
