import Foundation
import ArgumentParser
import HuntDB

struct RulesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rules",
        abstract: "List detection rules, or show one rule's SQL, parameters, columns and needs.",
        discussion: """
            A rule is one .sql file whose header declares its id, name, severity, ATT&CK ids, description, parameters (`-- param:`), output columns (`-- column:`), terminal table (`-- table:`) and the events it needs (`-- needs:`). --rules DIR adds a folder's rules.

            Examples:
              hunt rules
              hunt rules show remote_service_rpc
              hunt rules --rules ./team-rules
            """,
        subcommands: [List.self, Show.self],
        defaultSubcommand: List.self
    )

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List rules with severity, ATT&CK ids and description.",
            discussion: "With --db (or $HUNT_DB), each rule also says on how many of the database's hosts it can fire (see `hunt coverage`)."
        )
        @OptionGroup var database: DatabaseOption
        @OptionGroup var output: OutputOptionsGroup
        @OptionGroup var ruleFiles: RulesOption

        func run() throws {
            let rules = try ruleFiles.catalog().rules
            let store = try database.given ? openStore(database.path, access: .readOnly) : nil
            let writer = makeRowWriter(output.options, sink: try output.makeSink())
            try writer.begin(columns: ["id", "severity", "attack"] + (store == nil ? [] : ["can_fire_on"]) + ["name", "description", "origin"])
            for rule in rules {
                var row: [RowValue] = [.text(rule.id), .text(rule.severity), .text(rule.query.attack.joined(separator: ", "))]
                if let store {
                    let hosts = try CoverageReport(store: store, rules: [rule]).hosts(in: EventScope())
                    row.append(.text("\(hosts.filter { $0.gaps.isEmpty }.count) of \(hosts.count) hosts"))
                }
                try writer.write(row + [.text(rule.name), .text(rule.query.description), .text(rule.origin)])
            }
            try writer.end()
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print a rule's parameters, columns, needs and SQL.")
        @OptionGroup var ruleFiles: RulesOption
        @Argument(help: "The rule id.") var id: String

        func run() throws {
            let rule: DetectionRule
            do {
                guard let found = try ruleFiles.catalog().select([id]).first else { return }
                rule = found
            } catch let error as RuleError {
                throw ValidationError(error.description)
            }
            print("\(rule.id): \(rule.name)")
            print("severity: \(rule.severity)   ATT&CK: \(rule.query.attack.joined(separator: ", "))")
            print(rule.query.description)
            print("\nparameters:")
            for p in rule.query.parameters {
                print("  :\(p.name) \(p.kind.rawValue) = \(p.defaultText ?? "(required)")  \(p.help)")
            }
            print("\ncolumns (after \(DetectionRule.commonKeys.joined(separator: ", "))):")
            for column in rule.columns {
                print("  \(column.name) \(column.kind.rawValue)\(column.hidden ? " hidden" : "")  \(column.help)")
            }
            print("\nneeds:")
            for need in rule.needs {
                print("  \(need.label): \(need.missingText.replacingOccurrences(of: "no ", with: "", options: .anchored))\(need.hint.isEmpty ? "" : " (\(need.hint))")")
            }
            print("\nSQL (\(rule.origin)):\n")
            print(rule.query.sql)
        }
    }
}

struct CoverageCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "coverage",
        abstract: "Show, per host, whether the events each rule needs were loaded.",
        discussion: """
            Zero alerts should mean "nothing happened", not "nothing was logged". The columns are the distinct needs the rules declare (`-- needs:`).

            Examples:
              hunt coverage --db case.db --since 7d
              hunt coverage --rule remote_service_rpc --rules ./team-rules
            """
    )
    @OptionGroup var database: DatabaseOption
    @OptionGroup var range: TimeRangeOptions
    @OptionGroup var output: OutputOptionsGroup
    @OptionGroup var ruleFiles: RulesOption

    @Option(name: .customLong("rule"), help: ArgumentHelp("Only the needs of this rule (repeatable).", valueName: "id"))
    var rules: [String] = []

    func run() throws {
        let selected: [DetectionRule]
        do {
            selected = try ruleFiles.catalog().select(rules)
        } catch let error as RuleError {
            throw ValidationError(error.description)
        }
        let store = try openStore(database.path, access: .readOnly)
        let report = CoverageReport(store: store, rules: selected)
        let hosts = try report.hosts(in: try range.scope(in: store, location: database.path))
        let writer = makeRowWriter(output.options, sink: try output.makeSink())
        try writer.begin(columns: report.columns)
        for host in hosts { try writer.write(report.row(host)) }
        try writer.end()
    }
}
