import Foundation
import XCTest
import HuntDB

/// A small store of known events and a way to ask which of them a Sigma detection matches.
///
/// Events are numbered by their line in the fixture (1-based); `matches` returns those numbers.
final class SigmaHarness {
    typealias F = SysmonFixture
    let detection: DetectionHarness

    init(_ lines: [String]) throws {
        detection = try DetectionHarness(lines)
    }

    /// A rule text around a `detection:` body (indented by four spaces).
    static func rule(_ detection: String, category: String = "process_creation", level: String = "high", id: String = "5f0c1a3e-0000-4000-8000-000000000001") -> String {
        """
        title: Test rule
        id: \(id)
        status: test
        level: \(level)
        tags:
            - attack.t1059.001
        logsource:
            category: \(category)
            product: windows
        detection:
        \(detection.split(separator: "\n", omittingEmptySubsequences: false).map { "    " + $0 }.joined(separator: "\n"))
        """
    }

    /// Compiles `detection` for `category` and returns the fixture lines it matches, in order.
    func matches(_ detection: String, category: String = "process_creation", placeholders: [String: [String]] = [:],
                 file: StaticString = #filePath, line: UInt = #line) throws -> [Int] {
        let status = Self.compile(detection, category: category, placeholders: placeholders)
        guard let compiled = status.compiled else {
            XCTFail("unsupported: \(status.reason)", file: file, line: line)
            return []
        }
        let alone = try run(compiled).map { Int($0.text("source")!.split(separator: ":").last!)! }
        // The same rule among many, where the run screens rules by their texts first: the
        // screen must never change what a rule matches.
        XCTAssertEqual(try runAmongMany(compiled), Array(Set(alone)).sorted(), "the literal screen changed the matches", file: file, line: line)
        return alone
    }

    /// The fixture lines a rule matches in a `DetectionRun` of many rules (copies of it), where
    /// rules are screened on distinct values before they run.
    func runAmongMany(_ compiled: SigmaCompiledRule) throws -> [Int] {
        let stored = try SigmaCompileContext.storedColumns(in: detection.store)
        let rule = try compiled.detectionRule(storedColumns: stored[compiled.kind], builtIn: false)
        let run = DetectionRun(store: detection.store, rules: Array(repeating: rule, count: 10), allowlist: Allowlist(),
                               options: DetectionOptions())
        let sink = SourceLineCollector()
        _ = try run.run(into: sink, layout: .full)
        return Array(Set(sink.lines)).sorted()
    }

    /// The alerts of a compiled rule (no allowlist).
    func run(_ compiled: SigmaCompiledRule) throws -> [Alert] {
        let stored = try SigmaCompileContext.storedColumns(in: detection.store)
        let rule = try compiled.detectionRule(storedColumns: stored[compiled.kind], builtIn: false)
        var alerts: [Alert] = []
        _ = try DetectionEngine(store: detection.store, allowlist: Allowlist()).run(rule, options: DetectionOptions()) { alerts.append($0) }
        return alerts
    }

    /// The verdict on a detection body.
    static func compile(_ detection: String, category: String = "process_creation", placeholders: [String: [String]] = [:]) -> SigmaRuleStatus {
        SigmaRuleSet.status(yaml: rule(detection, category: category), path: "test.yml",
                            compiler: SigmaCompiler(context: SigmaCompileContext(placeholders: placeholders)), builtIn: false)
    }

    /// Why a detection body is unsupported ("" when it compiles).
    static func reason(_ detection: String, category: String = "process_creation") -> String {
        compile(detection, category: category).reason
    }
}

/// The line numbers of the alerts' `source` (file:line).
private final class SourceLineCollector: RowSink {
    private var column = -1
    private(set) var lines: [Int] = []

    func begin(columns: [String]) throws { column = columns.firstIndex(of: "source") ?? -1 }

    func write(_ row: [RowValue]) throws {
        guard column >= 0, case .text(let source) = row[column], let line = source.split(separator: ":").last.flatMap({ Int($0) }) else { return }
        lines.append(line)
    }

    func end() throws {}
}
