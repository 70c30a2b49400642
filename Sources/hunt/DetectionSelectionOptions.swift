import ArgumentParser
import Foundation
import HuntDB

/// The rules, parameters and allowlists of a detection run, for commands that run detection
/// as part of their work (`hunt report`). More rule sources (Sigma files) add to `rules()`.
struct DetectionSelectionOptions: ParsableArguments {
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

    func validate() throws {
        if let window {
            guard let micros = TimeExpression.parseDurationMicros(window), micros >= 0, micros % 1000 == 0 else {
                throw ValidationError("--window \"\(window)\" is not a duration: use e.g. 1s, 1500ms, 2s.")
            }
        }
        if let minPort, !(0...65535).contains(minPort) { throw ValidationError("--min-port must be between 0 and 65535.") }
    }

    /// The detection run over `store`, limited by `range`.
    func makeRun(store: any EventStore, location: String, range: TimeRangeOptions, command: String) throws -> DetectionRun {
        let selected: [DetectionRule]
        do {
            selected = try ruleFiles.catalog().select(rules)
        } catch let error as RuleError {
            throw ValidationError(error.description)
        }
        var options = DetectionOptions()
        (options.sinceMicros, options.untilMicros) = try range.bounds()
        options.host = try range.scope(in: store, location: location).host
        options.windowMillis = window.flatMap(TimeExpression.parseDurationMicros).map { $0 / 1000 }
        options.minPort = minPort
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
            + (noDefaultAllowlist ? ["--no-default-allowlist"] : []) + ruleFiles.directories.map { "--rules \($0)" }
    }
}
