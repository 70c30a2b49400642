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

            Exit status: 0 no alerts; 2 alerts found; 1 error (bad option, unreadable database, rule or allowlist).
            """
    )

    @OptionGroup var database: DatabaseOption
    @OptionGroup var range: TimeRangeOptions
    @OptionGroup var output: OutputOptionsGroup
    @OptionGroup var ruleFiles: RulesOption
    @OptionGroup var sigma: SigmaOptions

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
        let store: any EventStore
        var selected: [DetectionRule]
        if sigma.paths.isEmpty {
            // A bad --rule is reported before the database is opened.
            selected = try selectRules(store: nil)
            store = try openStore(database.path, access: .readOnly)
        } else {
            store = try openStore(database.path, access: .readOnly)
            selected = try selectRules(store: store)
        }
        if let minLevel = sigma.minLevel {
            selected = selected.filter { SigmaLevel.rank($0.severity) >= SigmaLevel.rank(minLevel) }
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
        let sink = try output.makeSink()
        let run = DetectionRun(store: store, rules: selected, allowlist: allowlist, options: options)
        let total = try DetectionPrinter(run: run).print(to: sink, output: output.options, showSuppressed: showSuppressed)
        if total > 0 { throw ExitStatus.alerts }
    }

    /// The SQL rules (all, or those --rule names) and, with --sigma, the Sigma rules that
    /// compile; each skipped Sigma rule is named on stderr with its reason.
    private func selectRules(store: (any EventStore)?) throws -> [DetectionRule] {
        let catalog = try ruleFiles.catalog()
        guard let store, !sigma.paths.isEmpty else {
            do {
                return try catalog.select(rules)
            } catch let error as RuleError {
                throw ValidationError(error.description)
            }
        }
        let stored: [SigmaEventKind: Set<String>]
        do {
            stored = try SigmaCompileContext.storedColumns(in: store)
        } catch let error as StoreError {
            throw Fatal(error.description)
        }
        let set = try loadSigmaRules(sigma.paths, compiler: try sigma.compiler(stored: stored))
        let sigmaRules: [DetectionRule]
        do {
            sigmaRules = try set.detectionRules(storedColumns: stored)
        } catch let error as RuleError {
            throw Fatal(error.description)
        }
        for skipped in set.unsupported {
            printError("sigma: skipped \(skipped.path)\(skipped.ruleID.isEmpty ? "" : " (\(skipped.ruleID))"): \(skipped.reason)")
        }
        printError("sigma: \(sigmaRules.count) of \(set.statuses.count) Sigma rule\(set.statuses.count == 1 ? "" : "s") will run, \(set.unsupported.count) skipped")
        // With --sigma, --rule selects among the SQL rules and the Sigma rules (by id);
        // without --rule only the Sigma rules run.
        guard !rules.isEmpty else {
            if sigmaRules.isEmpty { throw Fatal("no Sigma rule could run (\(set.unsupported.count) skipped; see above)") }
            return sigmaRules
        }
        let all = RuleCatalog(rules: catalog.rules + sigmaRules)
        do {
            return try all.select(rules)
        } catch let error as RuleError {
            throw ValidationError(error.description)
        }
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
