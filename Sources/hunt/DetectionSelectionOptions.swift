import ArgumentParser
import Foundation
import HuntDB

/// The rules (SQL and Sigma), parameters and allowlists of a detection run: one set of options
/// for every command that runs detection (`hunt detect`, `hunt report`).
struct DetectionSelectionOptions: ParsableArguments {
    @OptionGroup var ruleFiles: RulesOption
    @OptionGroup var sigma: SigmaOptions

    @Option(name: .customLong("rule"), help: ArgumentHelp("Run only this rule (repeatable): its id, or a Sigma rule's title or a Sigma correlation's name.", valueName: "id"))
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

    @Flag(help: "Leave the alert context (logon_*, service_*, source_*) empty: faster, for comparison.")
    var noContext = false

    @Option(help: ArgumentHelp("Run rules on this many threads, each with its own read connection (default: the cores, at most 4).",
                               valueName: "n"))
    var threads: Int?

    @Option(help: ArgumentHelp("With several threads, alerts a rule keeps in memory while rules ahead of it run (default 1000).",
                               valueName: "n", visibility: .hidden))
    var keptAlerts: Int?

    func validate() throws {
        if let window {
            guard let micros = TimeExpression.parseDurationMicros(window), micros >= 0, micros % 1000 == 0 else {
                throw ValidationError("--window \"\(window)\" is not a duration: use e.g. 1s, 1500ms, 2s.")
            }
        }
        if let minPort, !(0...65535).contains(minPort) { throw ValidationError("--min-port must be between 0 and 65535.") }
        if let threads, !(1...64).contains(threads) { throw ValidationError("--threads must be between 1 and 64.") }
        if let keptAlerts, keptAlerts < 1 { throw ValidationError("--kept-alerts must be at least 1.") }
    }

    /// The detection run over `store`, limited by `range`.
    func makeRun(store: any EventStore, location: String, range: TimeRangeOptions, command: String) throws -> DetectionRun {
        var selected = try selectRules(store: store)
        if let minLevel = sigma.minLevel {
            selected = selected.filter { SigmaLevel.rank($0.severity) >= SigmaLevel.rank(minLevel) }
        }
        var options = DetectionOptions()
        (options.sinceMicros, options.untilMicros) = try range.bounds()
        options.host = try range.scope(in: store, location: location).host
        options.windowMillis = window.flatMap(TimeExpression.parseDurationMicros).map { $0 / 1000 }
        options.minPort = minPort
        options.alertContext = !noContext
        options.threads = threads ?? min(ProcessInfo.processInfo.activeProcessorCount, 4)
        if let keptAlerts { options.keptAlerts = keptAlerts }
        do {
            options.parameters = try QueryArguments(parsing: parameters).values
        } catch let error as QueryError {
            throw ValidationError("\(command): \(error).")
        }
        let declared = Set(selected.flatMap { $0.query.parameters.map(\.name) })
        if let unknown = options.parameters.keys.sorted().first(where: { !declared.contains($0) }) {
            throw ValidationError("\(command): no selected rule has a parameter :\(unknown) (they have \(declared.sorted().map { ":" + $0 }.joined(separator: ", "))).")
        }
        return DetectionRun(store: store, rules: selected, allowlist: try allowlist(), options: options)
    }

    /// The SQL rules (all, or those --rule names) and, with --sigma, the Sigma rules that
    /// compile; each skipped Sigma rule is named on stderr with its reason. Without a store only
    /// the SQL rules are checked (a bad --rule is reported before a database is opened).
    func selectRules(store: (any EventStore)?) throws -> [DetectionRule] {
        let catalog = try ruleFiles.catalog()
        guard let store, !sigma.paths.isEmpty else {
            do {
                return try catalog.select(sigma.paths.isEmpty ? rules : [])
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
        let loaded = try loadSigmaRules(sigma.paths, compiler: try sigma.compiler(stored: stored))
        // On ClickHouse every rule is compiled again for it; those that cannot run there are skipped with the reason.
        let set = store.dialect == .clickhouse ? loaded.forClickHouse() : loaded
        let sigmaRules: [DetectionRule]
        do {
            sigmaRules = try set.detectionRules(storedColumns: stored)
        } catch let error as RuleError {
            throw Fatal(error.description)
        }
        for skipped in set.unsupported {
            printError("sigma: skipped \(skipped.path)\(skipped.ruleID.isEmpty ? "" : " (\(skipped.ruleID))"): \(skipped.reason)")
        }
        // Rules a correlation references run inside it, not alone (unless it says generate: true).
        let insideOnly = set.supportedCount - sigmaRules.count
        printError("sigma: \(sigmaRules.count) of \(set.statuses.count) Sigma rule\(set.statuses.count == 1 ? "" : "s") will run, \(set.unsupported.count) skipped"
                   + (insideOnly > 0 ? ", \(insideOnly) only inside correlations" : ""))
        // With --sigma, --rule selects among the SQL rules and the Sigma rules (by id);
        // without --rule only the Sigma rules run.
        guard !rules.isEmpty else {
            if sigmaRules.isEmpty { throw Fatal("no Sigma rule could run (\(set.unsupported.count) skipped; see above)") }
            return sigmaRules
        }
        do {
            return try RuleCatalog(rules: catalog.rules + sigmaRules).select(rules)
        } catch let error as RuleError {
            throw ValidationError(error.description)
        }
    }

    /// The built-in allowlist (unless turned off) and the files given.
    func allowlist() throws -> Allowlist {
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

    /// The options as typed, for the report's header.
    var described: [String] {
        rules.map { "--rule \($0)" } + parameters.map { "--param \($0)" } + (window.map { ["--window \($0)"] } ?? [])
            + (minPort.map { ["--min-port \($0)"] } ?? []) + allowlists.map { "--allowlist \($0)" }
            + (noDefaultAllowlist ? ["--no-default-allowlist"] : []) + (noContext ? ["--no-context"] : []) + ruleFiles.directories.map { "--rules \($0)" }
            + sigma.paths.map { "--sigma \($0)" } + sigma.placeholders.map { "--placeholder \($0)" }
            + (sigma.minLevel.map { ["--min-level \($0)"] } ?? [])
    }
}
