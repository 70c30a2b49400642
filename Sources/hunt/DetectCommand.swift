import ArgumentParser
import Foundation
import HuntDB

struct DetectCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "detect",
        abstract: "Run detection rules and print the alerts, with rule coverage per host.",
        discussion: """
            Rules are .sql files that declare their columns, parameters and the events they need (`hunt rules` lists them with their descriptions; `hunt rules show ID` prints one). Built in: \(RulesOption.builtInSummary). --rules DIR adds the rule files of a folder. Alerts whose child matches an allowlist entry are suppressed and counted; the default allowlist reproduces Elastic's exclusions for the remote-service rules (and their built-in Sigma forms) and applies to no other rule.

            --sigma PATH runs Sigma rules (process_creation and network_connection, product windows), compiled to SQL over the store; stderr says how many ran and names every rule skipped with the reason (`hunt sigma check` lists them). An allowlist entry's rule= names a Sigma rule by its id or title.

            With --format csv/json/ndjson, standard output carries only the alerts; coverage, warnings and the summary go to standard error.

            Examples:
              hunt detect --db case.db
              hunt detect --rule remote_service_rpc --since 7d --window 2s
              hunt detect --host WS-0042 --format csv --output alerts.csv
              hunt detect --allowlist ours.allowlist --show-suppressed
              hunt detect --rules ./team-rules --rule our_rule --param n=5
              hunt detect --sigma ./sigma/rules/windows --min-level high --format json
              hunt detect --sigma builtin --since 7d

            A rule that fails while running (a query the database rejects) is named on stderr and the other rules still run. Exit status: 0 no alerts; 2 alerts found; 1 error (bad option, unreadable database, rule or allowlist, or a rule that failed when no alert was found).
            """
    )

    @OptionGroup var database: DatabaseOption
    @OptionGroup var range: TimeRangeOptions
    @OptionGroup var output: OutputOptionsGroup
    @OptionGroup var selection: DetectionSelectionOptions

    @Flag(help: "Also list suppressed alerts with the entry that suppressed them (on stderr).")
    var showSuppressed = false

    func run() throws {
        // A bad --rule is reported before the database is opened (Sigma ids are known only after).
        _ = try selection.selectRules(store: nil)
        let store = try openStore(database.path, access: .readOnly)
        var run = try selection.makeRun(store: store, location: database.path, range: range, command: "hunt detect")
        // Only counted unless listed: rules may then leave out what the allowlist suppresses before reading it.
        run.options.listsSuppressedAlerts = showSuppressed
        let sink = try output.makeSink()
        let total = try DetectionPrinter(run: run).print(to: sink, output: output.options, showSuppressed: showSuppressed)
        if total > 0 { throw ExitStatus.alerts }
    }
}
