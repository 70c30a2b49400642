import Foundation
import Model
import Queries
import Yams

/// One rule file's verdict: compiled and runnable, or not, with the reason.
public struct SigmaRuleStatus: Sendable {
    public let path: String
    /// The Sigma id ("" when the file could not be read).
    public let ruleID: String
    public let title: String
    /// The compiled rule when it is supported.
    public let compiled: SigmaCompiledRule?
    /// Why it is not supported ("" when it is).
    public internal(set) var reason: String
    /// Shipped in the binary (queries/sigma): the remote-service family.
    public let builtIn: Bool
    /// A correlation document as read (resolved against the whole set later).
    public internal(set) var parsedCorrelation: SigmaCorrelation?
    /// The correlation compiled against the rules it references, when it can run.
    public internal(set) var correlation: SigmaCompiledCorrelation?

    init(path: String, ruleID: String, title: String, compiled: SigmaCompiledRule?, reason: String, builtIn: Bool,
         parsedCorrelation: SigmaCorrelation? = nil, correlation: SigmaCompiledCorrelation? = nil) {
        self.path = path
        self.ruleID = ruleID
        self.title = title
        self.compiled = compiled
        self.reason = reason
        self.builtIn = builtIn
        self.parsedCorrelation = parsedCorrelation
        self.correlation = correlation
    }

    public var isSupported: Bool { compiled != nil || correlation != nil }

    /// The keys a correlation may reference this rule by: its id and its name.
    var referenceKeys: [String] {
        let name = compiled?.rule.name ?? parsedCorrelation?.name ?? ""
        return [ruleID, compiled?.rule.id ?? parsedCorrelation?.id ?? "", name].filter { !$0.isEmpty }
    }

    /// The name, else the id, else the path, for messages.
    var displayName: String {
        let name = compiled?.rule.name ?? parsedCorrelation?.name ?? ""
        return !name.isEmpty ? name : !ruleID.isEmpty ? ruleID : path
    }

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
    /// The correlations that can run.
    public var correlations: [SigmaCompiledCorrelation] { statuses.compactMap(\.correlation) }
    /// How many rules and correlations can run.
    public var supportedCount: Int { statuses.filter(\.isSupported).count }
    public var unsupported: [SigmaRuleStatus] { statuses.filter { !$0.isSupported } }

    /// Reads and compiles every rule file under `paths`.
    /// - Throws: `SigmaError` for a path that does not exist or cannot be listed (a bad rule
    ///   file is not an error: it is an unsupported rule with its reason).
    public static func load(paths: [String], compiler: SigmaCompiler) throws -> SigmaRuleSet {
        let files = try paths.flatMap { try Self.files(under: $0) }
        // Files are independent: read and compiled on every core (a file may hold several
        // documents); correlations are resolved once every file is read.
        let statuses = try files.concurrentMap { file -> [SigmaRuleStatus] in
            let text: String
            do {
                text = try String(contentsOfFile: file, encoding: .utf8)
            } catch {
                return [SigmaRuleStatus(path: file, ruleID: "", title: "", compiled: nil,
                                        reason: "cannot read the file: \(error.localizedDescription)", builtIn: false)]
            }
            return documentStatuses(yaml: text, path: file, compiler: compiler, builtIn: false)
        }
        return SigmaRuleSet(statuses: statuses.flatMap { $0 }).resolvingCorrelations(compiler: compiler)
    }

    /// The rules shipped in the binary (`queries/sigma/*.yml`).
    public static func builtIn(compiler: SigmaCompiler) -> SigmaRuleSet {
        SigmaRuleSet(statuses: EmbeddedQueries.sigmaRules.flatMap {
            documentStatuses(yaml: $0.yaml, path: "queries/sigma/\($0.name).yml", compiler: compiler, builtIn: true)
        }).resolvingCorrelations(compiler: compiler)
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
        return status(rule: rule, path: path, compiler: compiler, builtIn: builtIn)
    }

    static func status(rule: SigmaRule, path: String, compiler: SigmaCompiler, builtIn: Bool) -> SigmaRuleStatus {
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
            guard status.compiled != nil || status.parsedCorrelation != nil, !status.ruleID.isEmpty else { return status }
            if let first = seen[status.ruleID] {
                return SigmaRuleStatus(path: status.path, ruleID: status.ruleID, title: status.title, compiled: nil,
                                       reason: "the id \(status.ruleID) is already used by \(first)", builtIn: status.builtIn)
            }
            seen[status.ruleID] = status.path
            return status
        })
    }

    /// The set with every correlation resolved against the rules of the whole set (references
    /// cross files), compiled or unsupported with the reason. Idempotent.
    public func resolvingCorrelations(compiler: SigmaCompiler) -> SigmaRuleSet {
        let resolver = SigmaCorrelationResolver(statuses: statuses, compiler: compiler)
        var resolved = statuses
        for (position, status) in statuses.enumerated() where status.parsedCorrelation != nil {
            switch resolver.resolve(position) {
            case .success(let correlation):
                resolved[position].correlation = correlation
                resolved[position].reason = ""
            case .failure(let problem):
                resolved[position].correlation = nil
                resolved[position].reason = problem.reason
            }
        }
        return SigmaRuleSet(statuses: resolved)
    }

    /// Every document of a (multi-document) file: one status per rule or correlation.
    public static func documentStatuses(yaml: String, path: String, compiler: SigmaCompiler, builtIn: Bool) -> [SigmaRuleStatus] {
        let documents: [Node]
        do {
            documents = try SigmaYAML.documents(yaml)
        } catch {
            return [SigmaRuleStatus(path: path, ruleID: "", title: "", compiled: nil,
                                    reason: "is not valid YAML: \(SigmaRule.describe(error))", builtIn: builtIn)]
        }
        if documents.isEmpty { return [status(yaml: yaml, path: path, compiler: compiler, builtIn: builtIn)] }
        if documents.count == 1, !SigmaCorrelation.isCorrelation(documents[0]) {
            return [status(node: documents[0], path: path, document: 1, compiler: compiler, builtIn: builtIn, alone: true)]
        }
        return documents.enumerated().map { offset, node in
            let document = offset + 1
            if SigmaCorrelation.isCorrelation(node) {
                do {
                    let correlation = try SigmaCorrelation(node: node, path: path, document: document)
                    let id = SigmaRuleIdentity.ruleID(id: correlation.id, name: correlation.name, path: path, document: document)
                    return SigmaRuleStatus(path: path, ruleID: id, title: correlation.title, compiled: nil,
                                           reason: "not resolved", builtIn: builtIn, parsedCorrelation: correlation)
                } catch let error as SigmaError {
                    return SigmaRuleStatus(path: path, ruleID: node.mapping?["id"]?.scalar?.string ?? "",
                                           title: node.mapping?["title"]?.scalar?.string ?? "", compiled: nil, reason: error.problem, builtIn: builtIn)
                } catch {
                    return SigmaRuleStatus(path: path, ruleID: "", title: "", compiled: nil, reason: "\(error)", builtIn: builtIn)
                }
            }
            return status(node: node, path: path, document: document, compiler: compiler, builtIn: builtIn)
        }
    }

    /// Compiles one document of a multi-document file.
    /// One parsed document; `alone` when it is the file's only one (messages then name no document).
    static func status(node: Node, path: String, document: Int, compiler: SigmaCompiler, builtIn: Bool,
                       alone: Bool = false) -> SigmaRuleStatus {
        let rule: SigmaRule
        let place = alone ? "" : "document \(document): "
        do {
            rule = try SigmaRule(node: node, path: path, document: document)
        } catch let error as SigmaError {
            return SigmaRuleStatus(path: path, ruleID: "", title: "", compiled: nil, reason: place + error.problem, builtIn: builtIn)
        } catch {
            return SigmaRuleStatus(path: path, ruleID: "", title: "", compiled: nil, reason: place + "\(error)", builtIn: builtIn)
        }
        return status(rule: rule, path: path, compiler: compiler, builtIn: builtIn)
    }

    /// The supported rules as detection rules.
    /// - Throws: `RuleError` if a generated query is malformed (a defect; tests catch it).
    /// A rule a correlation references runs on its own only when a referencing correlation
    /// says `generate: true` (Sigma's default is the correlation alone).
    public func detectionRules(storedColumns: [SigmaEventKind: Set<String>]?) throws -> [DetectionRule] {
        var referenced: Set<String> = [], generated: Set<String> = []
        for correlation in correlations {
            for input in correlation.inputs {
                referenced.insert(input.ruleID)
                if correlation.correlation.generate { generated.insert(input.ruleID) }
            }
        }
        var templates: [SigmaDetectionTemplate.Key: SigmaDetectionTemplate] = [:]
        for key in Set(statuses.compactMap { $0.compiled.map { SigmaDetectionTemplate.Key(kind: $0.kind, context: $0.rule.alertContext) } }) {
            templates[key] = try SigmaDetectionTemplate(kind: key.kind, storedColumns: storedColumns?[key.kind], context: key.context)
        }
        return try statuses.concurrentMap { status -> DetectionRule? in
            if let correlation = status.correlation {
                // A correlation another one references alerts inside it only, like a rule.
                if referenced.contains(correlation.ruleID), !generated.contains(correlation.ruleID) { return nil }
                return try correlation.detectionRule(builtIn: status.builtIn)
            }
            guard let compiled = status.compiled else { return nil }
            if referenced.contains(compiled.ruleID), !generated.contains(compiled.ruleID) { return nil }
            let key = SigmaDetectionTemplate.Key(kind: compiled.kind, context: compiled.rule.alertContext)
            return compiled.detectionRule(template: templates[key]!, builtIn: status.builtIn)
        }.compactMap { $0 }
    }
}
