import Foundation
import ArgumentParser
import HuntDB

/// `--sigma PATH`, `--placeholder`, `--min-level`: Sigma rules for `hunt detect`.
struct SigmaOptions: ParsableArguments {
    @Option(name: .customLong("sigma"), help: ArgumentHelp("Run the Sigma rules of this .yml file or folder (recursive; repeatable). `builtin` names the Sigma rules shipped in the binary.", valueName: "path"))
    var paths: [String] = []

    @Option(name: .customLong("placeholder"), help: ArgumentHelp("Values of a Sigma placeholder %NAME% for |expand: a file (one value a line) or a comma-separated list (repeatable).", valueName: "NAME=FILE|VALUES"))
    var placeholders: [String] = []

    @Option(name: .customLong("min-level"), help: ArgumentHelp("Run only rules of this level or above.", valueName: "informational|low|medium|high|critical"))
    var minLevel: String?

    func validate() throws {
        if let minLevel, !SigmaLevel.ordered.contains(minLevel.lowercased()) {
            throw ValidationError("--min-level must be one of \(SigmaLevel.ordered.joined(separator: ", ")).")
        }
    }

    /// The compiler for these options; `stored` are the database's columns when one is open.
    func compiler(stored: [SigmaEventKind: Set<String>]?) throws -> SigmaCompiler {
        do {
            return SigmaCompiler(context: SigmaCompileContext(placeholders: try SigmaPlaceholders.parse(placeholders), storedColumns: stored))
        } catch let error as SigmaError {
            throw Fatal(error.description)
        }
    }
}

/// Reads the rule files of `paths` (`builtin` is the shipped set) and compiles them.
func loadSigmaRules(_ paths: [String], compiler: SigmaCompiler) throws -> SigmaRuleSet {
    var statuses: [SigmaRuleStatus] = []
    for path in paths {
        if path == "builtin", !FileManager.default.fileExists(atPath: path) {
            statuses += SigmaRuleSet.builtIn(compiler: compiler).statuses
            continue
        }
        do {
            statuses += try SigmaRuleSet.load(paths: [path], compiler: compiler).statuses
        } catch let error as SigmaError {
            throw Fatal("cannot read Sigma rules: \(error.description)")
        }
    }
    // Correlations may reference rules of any file given in this run.
    return SigmaRuleSet(statuses: statuses).withUniqueIDs().resolvingCorrelations(compiler: compiler)
}
