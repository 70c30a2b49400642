import HuntDB

/// Prints rule coverage: warnings by host on stderr, or the whole table.
enum CoveragePrinter {
    static func printWarnings(_ coverage: [HostCoverage], rules: [String]) {
        if coverage.isEmpty {
            printError("warning: no events in range: no rule can fire.")
            return
        }
        let covered = coverage.filter { $0.gaps.isEmpty }.count
        printError("coverage: \(coverage.count) host\(coverage.count == 1 ? "" : "s") in range, \(covered) with everything remote_service_rpc needs.")
        for host in coverage {
            for gap in host.gaps {
                printError("warning: \(host.host): \(gap).")
            }
        }
    }

    static func rows(_ coverage: [HostCoverage]) -> [[SQLValue]] {
        coverage.map { host in
            [.text(host.host), .text(host.hasProcessStarts ? "yes" : "no"), .text(host.hasNetworkEvents ? "yes" : "no"),
             .text(host.hasServicesIncoming ? "yes" : "no"), .text(host.gaps.isEmpty ? "all rules can fire" : host.gaps.joined(separator: "; "))]
        }
    }

    static let columns = ["host", "process_starts", "network_events", "services_incoming", "notes"]
}
