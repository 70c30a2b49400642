import Foundation
import XCTest

/// `hunt detect` counts the alerts the allowlist suppresses, and lists them with
/// `--show-suppressed`: remote_service_rpc leaves the executable-only entries' alerts out in its
/// SQL only in the first case, and both give the same alerts and the same counts.
final class AllowlistPrefilterCLITests: XCTestCase {
    func testCountedAndListedSuppressionAgree() throws {
        let dir = try TemporaryDirectory()
        let corpus = dir.path("corpus.ndjson")
        let generate = try HuntProcess.run(["generate", "--events", "20k", "--hosts", "6", "--output", corpus])
        XCTAssertEqual(generate.status, 0, generate.stderr)
        let db = dir.path("case.db")
        XCTAssertEqual(try HuntProcess.run(["load", "--db", db, corpus]).status, 0)
        try dir.write("ours.allowlist", #"""
            rule="remote_service_rpc" executable="*\cmd.exe" reason="lab: executable only"
            executable="*\powershell.exe" args="-nop" reason="an argument too: applied in Swift"
            """#)

        for extra in [[], ["--allowlist", dir.path("ours.allowlist")], ["--window", "3s", "--min-port", "1024"]] {
            func detect(_ show: [String]) throws -> (stdout: String, summary: String) {
                let run = try HuntProcess.run(["detect", "--db", db, "--rule", "remote_service_rpc", "--format", "ndjson", "--no-context"]
                                              + extra + show)
                XCTAssertTrue([0, 2].contains(run.status), run.stderr)
                let summary = run.stderr.split(separator: "\n").first { $0.hasPrefix("remote_service_rpc:") }
                return (run.stdout, String(summary?.prefix { $0 != "(" } ?? ""))
            }
            let counted = try detect([]), listed = try detect(["--show-suppressed"])
            XCTAssertEqual(counted.stdout, listed.stdout, "\(extra)")
            XCTAssertEqual(counted.summary, listed.summary, "\(extra)")
            let suppressed = counted.summary.split(separator: " ").dropLast(4).last.flatMap { Int($0) } ?? 0
            XCTAssertGreaterThan(suppressed, 0, "the generated corpus has allowlisted children: \(counted.summary)")
        }
    }
}
