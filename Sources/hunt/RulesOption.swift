import ArgumentParser
import HuntDB

/// `--rules DIR`: folders of the team's own rule files, added to the built-in ones.
struct RulesOption: ParsableArguments {
    @Option(name: .customLong("rules"), help: ArgumentHelp("Also use the rule files (*.sql, recursively) in this folder (repeatable).", valueName: "dir"))
    var directories: [String] = []

    /// The built-in rules and those of the folders. A rule file that cannot be used is fatal,
    /// named with the reason: no rule is silently dropped.
    func catalog() throws -> RuleCatalog {
        do {
            return try RuleCatalog.load(addingDirectories: directories)
        } catch let error as RuleError {
            throw Fatal(error.description)
        }
    }

    /// `id (name), …` of the built-in rules, for help texts.
    static var builtInSummary: String {
        guard let rules = try? RuleCatalog.builtIn().rules else { return "(the embedded rules could not be read)" }
        return rules.map(\.id).joined(separator: ", ")
    }
}
