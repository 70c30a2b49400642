import HuntDB

/// Prints a load report on stderr: one line per file, its notes, first rejects and warnings, and
/// the totals.
struct LoadReportPrinter {
    let quiet: Bool

    func print(_ report: LoadReport) {
        for source in report.sources {
            if !quiet || source.status != .complete || source.counts.rejected > 0 || !source.firstWarnings.isEmpty || !source.notes.isEmpty {
                printError(line(for: source))
                for note in source.notes { printError("  note: " + note) }
            }
            for notice in source.firstRejects {
                printError("  rejected: " + notice.message(lineBased: source.isLineBased))
            }
            if source.counts.rejected > Int64(source.firstRejects.count) {
                printError("  … \(source.counts.rejected - Int64(source.firstRejects.count)) more rejects: hunt sql \"SELECT * FROM rejects WHERE source_id = \(source.sourceID ?? 0)\"")
            }
            for notice in source.firstWarnings {
                printError("  warning: " + notice.message(lineBased: source.isLineBased))
            }
            let warned = source.counts.incomplete + source.counts.truncated + source.counts.colliding
            if warned > Int64(source.firstWarnings.count) {
                printError("  … \(warned - Int64(source.firstWarnings.count)) more warnings: hunt stats warnings")
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
        if let notes = Self.warningCounts(t) { printError("stored with warnings: " + notes) }
        if report.indexesBuilt > 0 {
            printError(String(format: "built %d indexes in %.2f s (deferred during the load)", report.indexesBuilt, report.indexSeconds))
        }
        if report.contextEvents > 0 {
            printError(String(format: "kept the alert context of %d connections to and children of services.exe in %.2f s", report.contextEvents, report.contextSeconds))
        }
        if report.interrupted { printError("interrupted: what was read is stored; run the same command again to finish.") }
        if report.stoppedAtMaxErrors { printError("stopped: too many rejected records (--max-errors).") }
    }

    /// `2 incomplete (fields missing), 1 colliding (record id reused)`, or nil when none.
    static func warningCounts(_ c: LoadCounts) -> String? {
        let parts = [(c.incomplete, "incomplete (fields missing)"), (c.truncated, "truncated (a field longer than Windows allows)"),
                     (c.colliding, "colliding (record id reused, both kept)")]
            .filter { $0.0 > 0 }.map { "\($0.0) \($0.1)" }
        return parts.isEmpty ? nil : parts.joined(separator: ", ")
    }

    private func line(for source: SourceReport) -> String {
        let c = source.counts
        var text = "\(source.path) [\(source.format)\(source.compression == "gzip" ? ", gzip" : "")]: "
        text += "read \(c.read) = loaded \(c.loaded) + duplicates \(c.duplicates) + not relevant \(c.notRelevant) + rejected \(c.rejected)"
        if let notes = Self.warningCounts(c) { text += "; " + notes }
        switch source.status {
        case .complete, .loading: break
        case .interrupted: text += " — stopped: \(source.message ?? "interrupted")"
        case .failed: text += " — FAILED: \(source.message ?? "unknown error")"
        }
        return text
    }
}
