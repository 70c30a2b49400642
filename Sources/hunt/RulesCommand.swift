import ArgumentParser
import HuntDB

struct RulesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rules",
        abstract: "List detection rules, or show one rule's SQL and parameters.",
        discussion: """
            Examples:
              hunt rules
              hunt rules show remote_service_rpc
            """,
        subcommands: [List.self, Show.self],
        defaultSubcommand: List.self
    )

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List rules with severity, ATT&CK ids and description.")
        @OptionGroup var output: OutputOptionsGroup

        func run() throws {
            let writer = makeRowWriter(output.options, sink: try output.makeSink())
            try writer.begin(columns: ["id", "severity", "attack", "name", "description"])
            for rule in try DetectionRule.builtIn() {
                try writer.write([.text(rule.id), .text(rule.severity), .text(rule.query.attack.joined(separator: ", ")),
                                  .text(rule.name), .text(rule.query.description)])
            }
            try writer.end()
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print a rule's parameters and SQL.")
        @Argument(help: "The rule id.") var id: String

        func run() throws {
            let rules = try DetectionRule.builtIn()
            guard let rule = rules.first(where: { $0.id == id }) else {
                throw ValidationError("No rule \"\(id)\". Rules: \(rules.map(\.id).joined(separator: ", ")).")
            }
            print("\(rule.id): \(rule.name)")
            print("severity: \(rule.severity)   ATT&CK: \(rule.query.attack.joined(separator: ", "))")
            print(rule.query.description)
            print("\nparameters:")
            for p in rule.query.parameters {
                print("  :\(p.name) \(p.kind.rawValue) = \(p.defaultText ?? "(required)")  \(p.help)")
            }
            print("\nSQL (\(rule.query.origin)):\n")
            print(rule.query.sql)
        }
    }
}

struct CoverageCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "coverage",
        abstract: "Show, per host, whether the events each rule needs were loaded.",
        discussion: """
            Zero alerts should mean "nothing happened", not "nothing was logged". Example:
              hunt coverage --db case.db --since 7d
            """
    )
    @OptionGroup var database: DatabaseOption
    @OptionGroup var range: TimeRangeOptions
    @OptionGroup var output: OutputOptionsGroup

    func run() throws {
        let store = try openStore(database.path, mode: .readOnly)
        var options = DetectionOptions()
        (options.sinceMicros, options.untilMicros) = try range.bounds()
        options.host = range.host
        let coverage = try CoverageReport(store: store).hosts(options: options)
        let writer = makeRowWriter(output.options, sink: try output.makeSink())
        try writer.begin(columns: CoveragePrinter.columns)
        for row in CoveragePrinter.rows(coverage) { try writer.write(row) }
        try writer.end()
    }
}
