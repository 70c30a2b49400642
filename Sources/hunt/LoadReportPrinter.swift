import HuntDB

/// Prints a load report on stderr: one line per file, its first rejects, and the totals.
struct LoadReportPrinter {
    let quiet: Bool

    func print(_ report: LoadReport) {
        for source in report.sources {
            if !quiet || source.status != .complete || source.counts.rejected > 0 {
                printError(line(for: source))
            }
            for notice in source.firstRejects {
                printError("  rejected: " + notice.message(lineBased: source.isLineBased))
            }
            if source.counts.rejected > Int64(source.firstRejects.count) {
                printError("  … \(source.counts.rejected - Int64(source.firstRejects.count)) more rejects: hunt sql \"SELECT * FROM rejects WHERE source_id = \(source.sourceID ?? 0)\"")
            }
        }
        if !report.skippedFiles.isEmpty {
            let names = report.skippedFiles.prefix(5).joined(separator: ", ") + (report.skippedFiles.count > 5 ? ", …" : "")
            printError("skipped \(report.skippedFiles.count) file\(report.skippedFiles.count == 1 ? "" : "s") in the folders that are not event logs: \(names)")
        }
        let t = report.totals
        var summary = "total: \(report.sources.count) file\(report.sources.count == 1 ? "" : "s"), read \(t.read) = loaded \(t.loaded) + duplicates \(t.duplicates) + not relevant \(t.notRelevant) + rejected \(t.rejected)"
        if report.seconds > 0 {
            summary += String(format: " in %.2f s (%.0f records/s)", report.seconds, Double(t.read) / report.seconds)
        }
        printError(summary)
        if report.indexesBuilt > 0 {
            printError(String(format: "built %d indexes in %.2f s (deferred during the load)", report.indexesBuilt, report.indexSeconds))
        }
        if report.interrupted { printError("interrupted: what was read is stored; run the same command again to finish.") }
        if report.stoppedAtMaxErrors { printError("stopped: too many rejected records (--max-errors).") }
    }

    private func line(for source: SourceReport) -> String {
        let c = source.counts
        var text = "\(source.path) [\(source.format)\(source.compression == "gzip" ? ", gzip" : "")]: "
        text += "read \(c.read) = loaded \(c.loaded) + duplicates \(c.duplicates) + not relevant \(c.notRelevant) + rejected \(c.rejected)"
        switch source.status {
        case .complete, .loading: if let note = source.message { text += " — note: \(note)" }
        case .interrupted: text += " — stopped: \(source.message ?? "interrupted")"
        case .failed: text += " — FAILED: \(source.message ?? "unknown error")"
        }
        return text
    }
}
