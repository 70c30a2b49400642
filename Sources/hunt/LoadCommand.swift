import ArgumentParser
import Foundation
import HuntDB

struct LoadCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "load",
        abstract: "Load Sysmon / Windows Security / Elastic events into the database (deduplicated, resumable).",
        discussion: """
            INPUT is a file, a directory (read recursively) or - for standard input. Formats are detected per file from their first bytes, gzip included: flat Sysmon NDJSON (NXLog, Security-Datasets), Winlogbeat / Elastic Agent, Elastic Defend ECS, evtx_dump / Chainsaw JSON, JSON arrays and Elasticsearch hits of those, Windows event XML (wevtutil, Get-WinEvent ToXml) and native .evtx files.

            Only process starts (Sysmon 1, Security 4688, ECS process start), network connections (Sysmon 3, Security 5156, ECS network) the Security events that bound a process's life (4689 exit, 4608 boot) and the context of alerts (logons: Security 4624/4625; service installs: System 7045, Security 4697, Sysmon 13 on a service's ImagePath) are stored; other events are counted as not relevant.

            Loading the same events again stores nothing twice. Ctrl-C stops cleanly after the current batch; run the same command again to finish.

            Examples:
              hunt load --db case.db logs/
              hunt load --db case.db sysmon.json.gz security.xml
              zcat export.json.gz | hunt load --db case.db -
              hunt load --format winlogbeat --max-errors 100 beats.ndjson

            Exit status: 0 all records read fine; 3 some records or files were rejected (see the report and the rejects table); 4 stopped by --max-errors; 130 interrupted by Ctrl-C; 1 fatal error (database unusable).
            """
    )

    @OptionGroup var database: DatabaseOption

    @Option(help: ArgumentHelp("Force the input format instead of detecting it per file.",
                               valueName: InputFormat.allCases.map(\.rawValue).joined(separator: "|")))
    var format: InputFormat = .auto

    @Option(help: ArgumentHelp("Stop after more than N rejected records.", valueName: "N"))
    var maxErrors: Int64?

    @Option(help: ArgumentHelp("Secondary indexes during the load: auto (defer them for large loads), defer, keep.", valueName: "auto|defer|keep"))
    var indexes: IndexPolicy = .auto

    @Flag(help: "No progress line and no per-file report; only the totals and errors.")
    var quiet = false

    @Argument(help: ArgumentHelp("Files, directories or - (stdin).", valueName: "input"))
    var inputs: [String]

    func validate() throws {
        if inputs.isEmpty { throw ValidationError("Name at least one INPUT (a file, a directory, or - for stdin).") }
        if let maxErrors, maxErrors < 0 { throw ValidationError("--max-errors must be 0 or more.") }
    }

    func run() throws {
        var options = LoadOptions()
        options.format = format
        options.maxErrors = maxErrors
        options.indexPolicy = indexes
        // Before opening the database: a Ctrl-C while it opens (and migrates) also stops cleanly.
        let interrupt = InterruptHandler.install(options.cancellation)
        // A file-size limit (ulimit -f) should fail a write with a message, not kill the process.
        signal(SIGXFSZ, SIG_IGN)
        defer { interrupt.uninstall() }
        let store = try openStore(database.path, access: .readWrite)
        if let upgrade = store.schemaUpgrade {
            printError("upgraded the schema of \(store.location) in \(String(format: "%.1f", upgrade.seconds)) s: \(upgrade.migrations.joined(separator: ", "))")
            if let free = upgrade.freeBytes, free > 0 {
                printError("the upgrade left \(String(format: "%.1f", Double(free) / 1e6)) MB of free pages in \(store.location): "
                           + "later loads reuse them; `sqlite3 \(shellQuoted(store.location)) VACUUM` gives them back to the disk "
                           + "(it needs as much free disk as the file while it runs)")
            }
        }

        let progress = ProgressLine(enabled: !quiet && isatty(2) == 1)
        let report: LoadReport
        do {
            report = try Loader(store: store, options: options).load(inputs, progress: { progress.update($0) },
                                                                     indexProgress: { name in
                progress.index(name) {
                    do { return try store.pendingIndexRebuilds().count } catch { return 0 }   // display only; the rebuild reports its own errors
                }
            })
        } catch {
            progress.clear()
            throw Fatal("the load stopped: \(error). Everything committed before this point is intact; fix the problem and run the same command again.")
        }
        progress.clear()
        LoadReportPrinter(quiet: quiet).print(report)
        if report.interrupted { throw ExitStatus.interrupted }
        if report.stoppedAtMaxErrors { throw ExitStatus.tooManyErrors }
        if report.totals.rejected > 0 || !report.failedSources.isEmpty { throw ExitStatus.rejected }
    }
}

extension InputFormat: ExpressibleByArgument {}
extension IndexPolicy: ExpressibleByArgument {}

/// `text` in single quotes for a POSIX shell, for a command a message suggests.
private func shellQuoted(_ text: String) -> String {
    "'" + text.replacingOccurrences(of: "'", with: #"'\''"#) + "'"
}
