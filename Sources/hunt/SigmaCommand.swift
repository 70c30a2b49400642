import ArgumentParser
import Foundation
import HuntDB

struct SigmaCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sigma",
        abstract: "Check which Sigma rules HuntDB can run, or print the SQL a rule compiles to.",
        discussion: """
            Sigma rules (YAML) of logsource category process_creation or network_connection (product windows) compile to parameterized SQL over the stored events; `hunt detect --sigma PATH` runs them. A rule is unsupported when it needs a log source, a field or a modifier we cannot answer, or when it is malformed; the reason says which.

            Examples:
              hunt sigma check ./sigma/rules/windows/process_creation
              hunt sigma check rule.yml --format json
              hunt sigma show-sql rule.yml
            """,
        subcommands: [Check.self, ShowSQL.self]
    )

    struct Check: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "One row per rule file: path, rule_id, title, status (supported|unsupported), reason.",
            discussion: "Exit status: 0 every rule is supported; 2 some are not; 1 error (a path that does not exist).")
        @OptionGroup var output: OutputOptionsGroup
        @Option(name: .customLong("placeholder"), help: ArgumentHelp("Values of a placeholder %NAME% for |expand (repeatable).", valueName: "NAME=FILE|VALUES"))
        var placeholders: [String] = []
        @Option(help: ArgumentHelp("Check the fields against this database's columns (default: this version's schema).", valueName: "path"))
        var db: String?
        @Argument(help: "Sigma rule files or folders (recursive).") var paths: [String]

        func run() throws {
            let stored = try db.map { try SigmaCompileContext.storedColumns(in: openStore($0, access: .readOnly)) }
            var options = SigmaOptions()
            options.placeholders = placeholders
            let set = try loadSigmaRules(paths, compiler: try options.compiler(stored: stored))
            let writer = makeRowWriter(output.options, sink: try output.makeSink())
            try writer.begin(columns: SigmaRuleStatus.columns)
            for status in set.statuses { try writer.write(status.row) }
            try writer.end()
            printError("sigma: \(set.supportedCount) of \(set.statuses.count) rules supported, \(set.unsupported.count) unsupported")
            if !set.unsupported.isEmpty { throw ExitStatus.alerts }
        }
    }

    struct ShowSQL: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "show-sql",
            abstract: "Print each rule's compiled SQL and its bound values (or why it is unsupported).")
        @Option(name: .customLong("placeholder"), help: ArgumentHelp("Values of a placeholder %NAME% for |expand (repeatable).", valueName: "NAME=FILE|VALUES"))
        var placeholders: [String] = []
        @Argument(help: "Sigma rule files or folders (recursive).") var paths: [String]

        func run() throws {
            var options = SigmaOptions()
            options.placeholders = placeholders
            let set = try loadSigmaRules(paths, compiler: try options.compiler(stored: nil))
            for status in set.statuses {
                print("-- \(status.path)")
                if let correlation = status.correlation {
                    let (sql, bindings) = correlation.query()
                    print("-- \(correlation.ruleID): \(correlation.correlation.title) (\(correlation.correlation.level), \(correlation.correlation.kind.rawValue) over \(correlation.inputs.map(\.ruleID).joined(separator: ", ")))")
                    print(sql + ";")
                    print("-- bindings:")
                    for (name, value) in bindings.sorted(by: { $0.key < $1.key }) {
                        print("--   :\(name) = \(Self.literal(value))")
                    }
                    print("--   :since, :until, :host = NULL unless --since/--until/--host\n")
                    continue
                }
                guard let compiled = status.compiled else {
                    print("-- unsupported: \(status.reason)\n")
                    continue
                }
                print("-- \(compiled.ruleID): \(compiled.rule.title) (\(compiled.rule.level))")
                print(compiled.sql(storedColumns: nil) + ";")
                print("-- bindings:")
                for (name, value) in compiled.boundValues.sorted(by: { Self.order($0.key) < Self.order($1.key) }) {
                    print("--   :\(name) = \(Self.literal(value))")
                }
                print("--   :since, :until, :host = NULL unless --since/--until/--host\n")
            }
            if set.supportedCount == 0 { throw ExitStatus.fatal }
        }

        /// `s2` before `s10`, then named values.
        static func order(_ name: String) -> (Int, String) {
            if name.hasPrefix("s"), let number = Int(name.dropFirst()) { return (number, "") }
            return (Int.max, name)
        }

        static func literal(_ value: RowValue) -> String {
            switch value {
            // As an SQL literal would write it (quotes doubled); it is bound, not spliced.
            case .text(let text): return "'" + text.replacingOccurrences(of: "'", with: "''") + "'"
            default: return value.description
            }
        }
    }
}
