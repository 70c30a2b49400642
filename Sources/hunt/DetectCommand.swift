import ArgumentParser
import Foundation
import HuntDB

struct DetectCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "detect",
        abstract: "Run detection rules and print the alerts, with rule coverage per host.",
        discussion: """
            Rules are .sql files that declare their columns, parameters and the events they need (`hunt rules` lists them with their descriptions; `hunt rules show ID` prints one). Built in: \(RulesOption.builtInSummary). --rules DIR adds the rule files of a folder. Alerts whose child matches an allowlist entry are suppressed and counted; the default allowlist reproduces Elastic's exclusions for the remote-service rules.

            With --format csv/json/ndjson, standard output carries only the alerts; coverage, warnings and the summary go to standard error.

            Examples:
              hunt detect --db case.db
              hunt detect --rule remote_service_rpc --since 7d --window 2s
              hunt detect --host WS-0042 --format csv --output alerts.csv
              hunt detect --allowlist ours.allowlist --show-suppressed
              hunt detect --rules ./team-rules --rule our_rule --param n=5

            Exit status: 0 no alerts; 2 alerts found; 1 error (bad option, unreadable database, rule or allowlist).
            """
    )

    @OptionGroup var database: DatabaseOption
    @OptionGroup var range: TimeRangeOptions
    @OptionGroup var output: OutputOptionsGroup
    @OptionGroup var ruleFiles: RulesOption

    @Option(name: .customLong("rule"), help: ArgumentHelp("Run only this rule (repeatable).", valueName: "id"))
    var rules: [String] = []

    @Option(name: .customLong("param"), help: ArgumentHelp("Set a rule parameter (repeatable); see `hunt rules show ID`.", valueName: "name=value"))
    var parameters: [String] = []

    @Option(help: ArgumentHelp("Longest time from the connection to the child start, e.g. 1s, 1500ms, 2s (default 1s).", valueName: "duration"))
    var window: String?

    @Option(help: ArgumentHelp("Lowest source and destination port of the connection (default 49152).", valueName: "port"))
    var minPort: Int64?

    @Option(name: .customLong("allowlist"), help: ArgumentHelp("An allowlist file to add (repeatable).", valueName: "file"))
    var allowlists: [String] = []

    @Flag(help: "Do not use the built-in allowlist.")
    var noDefaultAllowlist = false

    @Flag(help: "Also list suppressed alerts with the entry that suppressed them (on stderr).")
    var showSuppressed = false

    func validate() throws {
        if let window {
            guard let micros = TimeExpression.parseDurationMicros(window), micros >= 0, micros % 1000 == 0 else {
                throw ValidationError("--window \"\(window)\" is not a duration: use e.g. 1s, 1500ms, 2s.")
            }
        }
        if let minPort, !(0...65535).contains(minPort) { throw ValidationError("--min-port must be between 0 and 65535.") }
    }

    func run() throws {
        let selected: [DetectionRule]
        do {
            selected = try ruleFiles.catalog().select(rules)
        } catch let error as RuleError {
            throw ValidationError(error.description)
        }
        let allowlist = try loadAllowlist()
        var options = DetectionOptions()
        (options.sinceMicros, options.untilMicros) = try range.bounds()
        options.host = range.host
        options.windowMillis = window.flatMap(TimeExpression.parseDurationMicros).map { $0 / 1000 }
        options.minPort = minPort
        do {
            options.parameters = try QueryArguments(parsing: parameters).values
        } catch let error as QueryError {
            throw ValidationError("hunt detect: \(error).")
        }
        let declared = Set(selected.flatMap { $0.query.parameters.map(\.name) })
        if let unknown = options.parameters.keys.sorted().first(where: { !declared.contains($0) }) {
            throw ValidationError("hunt detect: no selected rule has a parameter :\(unknown) (they have \(declared.sorted().map { ":" + $0 }.joined(separator: ", "))).")
        }
        let store = try openStore(database.path, access: .readOnly)
        let sink = try output.makeSink()
        let run = DetectionRun(store: store, rules: selected, allowlist: allowlist, options: options)
        let total = try DetectionPrinter(run: run).print(to: sink, output: output.options, showSuppressed: showSuppressed)
        if total > 0 { throw ExitStatus.alerts }
    }

    private func loadAllowlist() throws -> Allowlist {
        var list = noDefaultAllowlist ? Allowlist() : try Allowlist.builtIn()
        for path in allowlists {
            let text: String
            do {
                text = try String(contentsOfFile: path, encoding: .utf8)
            } catch {
                throw Fatal("cannot read allowlist \(path): \(error.localizedDescription)")
            }
            do {
                list.append(contentsOf: try Allowlist.parse(text, origin: path))
            } catch let error as AllowlistError {
                throw Fatal(error.description)
            }
        }
        return list
    }
}
