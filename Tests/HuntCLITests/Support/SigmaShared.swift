import Foundation
import XCTest

/// SigmaHQ's rules and regression data in ../shared/sigma (present in CI), read without a YAML
/// library: `info.yml` and the rules' top-level `id:` lines are simple enough to read by line.
enum SharedSigma {
    /// ../shared/sigma (beside the repository), when present.
    static var directory: URL? {
        var dir = URL(fileURLWithPath: #filePath)
        for _ in 0..<5 { dir.deleteLastPathComponent() }
        let sigma = dir.appendingPathComponent("shared/sigma")
        return FileManager.default.fileExists(atPath: sigma.appendingPathComponent("regression_data").path) ? sigma : nil
    }

    /// One SigmaHQ regression case: a rule, a sample of events (.evtx and the same as JSON) and
    /// how many of them the rule must match (nil: SigmaHQ's runner requires at least one).
    struct RegressionCase {
        var folder: URL
        var ruleID: String
        var ruleTitle: String
        var matchCount: Int?
        var evtx: URL
        var json: URL?
        /// The folder relative to regression_data, for messages.
        var name: String
    }

    /// Every case under regression_data, in path order.
    static func regressionCases(in sigma: URL) throws -> [RegressionCase] {
        let root = sigma.appendingPathComponent("regression_data")
        var cases: [RegressionCase] = []
        for info in try files(under: root, named: "info.yml") {
            let folder = info.deletingLastPathComponent()
            let text = try String(contentsOf: info, encoding: .utf8)
            let parsed = try parseInfo(text, file: info.path)
            let contents = try FileManager.default.contentsOfDirectory(at: folder, includingPropertiesForKeys: nil)
            let evtx = try XCTUnwrap(contents.filter { $0.pathExtension == "evtx" }.sorted { $0.path < $1.path }.first,
                                     "\(folder.path) has no .evtx sample")
            let json = contents.filter { $0.pathExtension == "json" }.sorted { $0.path < $1.path }.first
            let name = String(folder.path.dropFirst(root.path.count + 1))
            cases.append(RegressionCase(folder: folder, ruleID: parsed.ruleID, ruleTitle: parsed.title,
                                        matchCount: parsed.matchCount, evtx: evtx, json: json, name: name))
        }
        return cases.sorted { $0.name < $1.name }
    }

    /// `rule_metadata[0].id`, its title, and `regression_tests_info[0].match_count` of an info.yml.
    static func parseInfo(_ text: String, file: String) throws -> (ruleID: String, title: String, matchCount: Int?) {
        var section = "", ruleID: String?, title = "", matchCount: Int?
        for raw in text.split(separator: "\n", omittingEmptySubsequences: false) {
            let line = raw.trimmingCharacters(in: .whitespaces)
            if !raw.hasPrefix(" ") && !raw.hasPrefix("-") && raw.hasSuffix(":") { section = String(raw.dropLast()) }
            let item = line.hasPrefix("- ") ? String(line.dropFirst(2)) : line
            if section == "rule_metadata", item.hasPrefix("id:"), ruleID == nil {
                ruleID = value(of: item)
            } else if section == "rule_metadata", item.hasPrefix("title:"), title.isEmpty {
                title = value(of: item)
            } else if section == "regression_tests_info", item.hasPrefix("match_count:"), matchCount == nil {
                matchCount = try XCTUnwrap(Int(value(of: item)), "\(file): match_count is not a number")
            }
        }
        return (try XCTUnwrap(ruleID, "\(file) names no rule_metadata id"), title, matchCount)
    }

    /// Rule files by their top-level `id:`, from every rule folder of ../shared/sigma.
    static func rulesByID(in sigma: URL) throws -> [String: URL] {
        var byID: [String: URL] = [:]
        let folders = try FileManager.default.contentsOfDirectory(atPath: sigma.path).filter { $0.hasPrefix("rules") }
        for folder in folders {
            for file in try files(under: sigma.appendingPathComponent(folder), named: nil) where file.pathExtension == "yml" {
                let text = try String(contentsOf: file, encoding: .utf8)
                for line in text.split(separator: "\n") where line.hasPrefix("id:") {
                    byID[value(of: String(line))] = file
                    break
                }
            }
        }
        return byID
    }

    private static func value(of item: String) -> String {
        guard let colon = item.firstIndex(of: ":") else { return "" }
        var v = item[item.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        if v.count >= 2, let first = v.first, first == "'" || first == "\"", v.last == first { v = String(v.dropFirst().dropLast()) }
        return v
    }

    private static func files(under root: URL, named name: String?) throws -> [URL] {
        guard let walker = FileManager.default.enumerator(at: root, includingPropertiesForKeys: nil) else { return [] }
        var found: [URL] = []
        for case let url as URL in walker where name == nil || url.lastPathComponent == name {
            found.append(url)
        }
        return found.sorted { $0.path < $1.path }
    }
}

/// What `hunt detect --sigma … --format json` and `hunt sigma check … --format json` print.
enum SigmaOutput {
    /// The alerts of a detect run: a JSON array of objects (empty output reads as no alerts).
    static func alerts(_ result: HuntProcess.Result, file: StaticString = #filePath, line: UInt = #line) throws -> [[String: Any]] {
        let trimmed = result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        if trimmed.isEmpty { return [] }
        return try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(trimmed.utf8)) as? [[String: Any]],
                             "detect printed no JSON array: \(result.stdout.prefix(500))", file: file, line: line)
    }

    /// The rows of `hunt sigma check --format json`.
    static func checkRows(_ result: HuntProcess.Result, file: StaticString = #filePath, line: UInt = #line) throws -> [[String: Any]] {
        try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [[String: Any]],
                      "sigma check printed no JSON array: \(result.stdout.prefix(500)) \(result.stderr.prefix(500))",
                      file: file, line: line)
    }

    /// A JSON value as text: numbers without a fraction, strings as they are.
    static func text(_ value: Any?) -> String {
        switch value {
        case let s as String: return s
        case let n as NSNumber: return n.stringValue
        case nil, is NSNull: return ""
        default: return "\(value!)"
        }
    }
}
