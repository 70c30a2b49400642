import ArgumentParser
import HuntDB

struct StatsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stats",
        abstract: "Show what the database holds: events per kind and host, time covered, loads and rejects.",
        discussion: """
            Views:
              summary   events per kind and log (sysmon, security, ecs): hosts, time span
              hosts     events per host and kind, first and last time
              sources   one row per loaded file: format, status, records read,
                        loaded, duplicate, not relevant, rejected, and the loaded
                        ones that are incomplete, truncated or colliding
              rejects   rejected records by file and reason, first excerpt
              warnings  stored events with a warning (incomplete, truncated,
                        colliding record ids) by file and kind, first reason

            --since/--until/--host limit summary and hosts. Times print as ISO-8601 UTC.

            Examples:
              hunt stats --db case.db
              hunt stats hosts --since 7d
              hunt stats sources --format csv -o loads.csv
              hunt stats rejects
            """
    )

    @OptionGroup var database: DatabaseOption
    @OptionGroup var range: TimeRangeOptions
    @OptionGroup var output: OutputOptionsGroup
    @OptionGroup var times: TimeDisplayOption

    @Argument(help: ArgumentHelp("What to show.", valueName: StatsView.allCases.map(\.rawValue).joined(separator: "|")))
    var view: StatsView = .summary

    func validate() throws {
        if !view.filtersEvents, range.since != nil || range.until != nil || range.host != nil {
            throw ValidationError("--since, --until and --host apply to `hunt stats summary` and `hunt stats hosts`, not to \(view.rawValue).")
        }
    }

    func run() throws {
        let store = try openStore(database.path, access: .readOnly)
        let filter = try range.scope(in: store, location: database.path)
        do {
            let writer = makeRowWriter(output.rowOptions, sink: try output.makeSink())
            let count = try store.stats(view, filter: filter, into: times.isoTimes ? ISOTimeRows(writer) : writer)
            printError("(\(count) row\(count == 1 ? "" : "s"))")
            if view == .summary {
                let totals = try store.loadTotals()
                var line = "\(totals.sources) source\(totals.sources == 1 ? "" : "s") loaded"
                if totals.failedSources > 0 { line += " (\(totals.failedSources) failed: see `hunt stats sources`)" }
                line += ", \(totals.rejectedRecords) rejected record\(totals.rejectedRecords == 1 ? "" : "s")"
                if totals.rejectedRecords > 0 { line += " (see `hunt stats rejects`)" }
                if totals.warnings > 0 { line += ", \(totals.warnings) warning\(totals.warnings == 1 ? "" : "s") about stored events (see `hunt stats warnings`)" }
                printError(line + ".")
            }
        } catch let error as StoreError {
            throw Fatal("hunt stats: \(error).")
        }
    }
}

extension StatsView: ExpressibleByArgument {}
