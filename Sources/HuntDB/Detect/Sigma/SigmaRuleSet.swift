import Foundation
import Model
import Queries

/// One rule file's verdict: compiled and runnable, or not, with the reason.
public struct SigmaRuleStatus: Sendable {
    public let path: String
    /// The Sigma id ("" when the file could not be read).
    public let ruleID: String
    public let title: String
    /// The compiled rule when it is supported.
    public let compiled: SigmaCompiledRule?
    /// Why it is not supported ("" when it is).
    public let reason: String
    /// Shipped in the binary (queries/sigma): the remote-service family.
    public let builtIn: Bool

    public var isSupported: Bool { compiled != nil }

    /// `hunt sigma check` columns.
    public static let columns = ["path", "rule_id", "title", "status", "reason"]
    public var row: [RowValue] {
        [.text(path), .text(ruleID), .text(title), .text(isSupported ? "supported" : "unsupported"), .text(reason)]
    }
}

/// Sigma rule files read and compiled: from files or folders (recursive, `*.yml`/`*.yaml`)
/// and the built-in ones of `queries/sigma/`.
public struct SigmaRuleSet: Sendable {
    public var statuses: [SigmaRuleStatus]

    public init(statuses: [SigmaRuleStatus]) {
        self.statuses = statuses
    }

    public var supported: [SigmaCompiledRule] { statuses.compactMap(\.compiled) }
    public var unsupported: [SigmaRuleStatus] { statuses.filter { !$0.isSupported } }

    /// Reads and compiles every rule file under `paths`.
    /// - Throws: `SigmaError` for a path that does not exist or cannot be listed (a bad rule
    ///   file is not an error: it is an unsupported rule with its reason).
    public static func load(paths: [String], compiler: SigmaCompiler) throws -> SigmaRuleSet {
        let files = try paths.flatMap { try Self.files(under: $0) }
        // Files are independent: read and compiled on every core.
        return SigmaRuleSet(statuses: try files.concurrentMap { file in
            let text: String
            do {
                text = try String(contentsOfFile: file, encoding: .utf8)
            } catch {
                return SigmaRuleStatus(path: file, ruleID: "", title: "", compiled: nil,
                                       reason: "cannot read the file: \(error.localizedDescription)", builtIn: false)
            }
            return status(yaml: text, path: file, compiler: compiler, builtIn: false)
        })
    }

    /// The rules shipped in the binary (`queries/sigma/*.yml`).
    public static func builtIn(compiler: SigmaCompiler) -> SigmaRuleSet {
        SigmaRuleSet(statuses: EmbeddedQueries.sigmaRules.map {
            status(yaml: $0.yaml, path: "queries/sigma/\($0.name).yml", compiler: compiler, builtIn: true)
        })
    }

    /// Parses and compiles one rule text.
    public static func status(yaml: String, path: String, compiler: SigmaCompiler, builtIn: Bool) -> SigmaRuleStatus {
        let rule: SigmaRule
        do {
            rule = try SigmaRule(yaml: yaml, path: path)
        } catch let error as SigmaError {
            return SigmaRuleStatus(path: path, ruleID: "", title: "", compiled: nil, reason: error.problem, builtIn: builtIn)
        } catch {
            return SigmaRuleStatus(path: path, ruleID: "", title: "", compiled: nil, reason: "\(error)", builtIn: builtIn)
        }
        do {
            let compiled = try compiler.compile(rule)
            return SigmaRuleStatus(path: path, ruleID: compiled.ruleID, title: rule.title, compiled: compiled, reason: "", builtIn: builtIn)
        } catch let reason as SigmaUnsupported {
            return SigmaRuleStatus(path: path, ruleID: rule.id, title: rule.title, compiled: nil, reason: reason.reason, builtIn: builtIn)
        } catch {
            return SigmaRuleStatus(path: path, ruleID: rule.id, title: rule.title, compiled: nil, reason: "\(error)", builtIn: builtIn)
        }
    }

    /// A file itself, or every `*.yml`/`*.yaml` under a folder in path order (hidden names skipped).
    static func files(under path: String) throws -> [String] {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw SigmaError(path: path, "does not exist")
        }
        guard isDirectory.boolValue else { return [path] }
        guard let walker = FileManager.default.enumerator(atPath: path) else { throw SigmaError(path: path, "cannot be listed") }
        var found: [String] = []
        while let relative = walker.nextObject() as? String {
            if relative.split(separator: "/").contains(where: { $0.hasPrefix(".") }) { continue }
            if relative.hasSuffix(".yml") || relative.hasSuffix(".yaml") {
                found.append((path as NSString).appendingPathComponent(relative))
            }
        }
        return found.sorted()
    }

    /// The set with a rule whose id an earlier rule already has made unsupported, naming it.
    public func withUniqueIDs() -> SigmaRuleSet {
        var seen: [String: String] = [:]
        return SigmaRuleSet(statuses: statuses.map { status in
            guard let compiled = status.compiled else { return status }
            if let first = seen[compiled.ruleID] {
                return SigmaRuleStatus(path: status.path, ruleID: status.ruleID, title: status.title, compiled: nil,
                                       reason: "the id \(compiled.ruleID) is already used by \(first)", builtIn: status.builtIn)
            }
            seen[compiled.ruleID] = status.path
            return status
        })
    }

    /// The supported rules as detection rules.
    /// - Throws: `RuleError` if a generated query is malformed (a defect; tests catch it).
    public func detectionRules(storedColumns: [SigmaEventKind: Set<String>]?) throws -> [DetectionRule] {
        try statuses.concurrentMap { status in
            try status.compiled?.detectionRule(storedColumns: storedColumns?[status.compiled!.kind], builtIn: status.builtIn)
        }.compactMap { $0 }
    }
}
