import Foundation
import XCTest

/// Tables as an analyst sees them in a terminal of 80, 100 and 160 columns: lines fit, and
/// times, ids, hosts and numbers are never cut; paths keep their file name.
final class TerminalOutputCLITests: XCTestCase {
    static let widths = [80, 100, 160]

    private func loadedCase() throws -> (TemporaryDirectory, String) {
        let dir = try TemporaryDirectory()
        let db = dir.path("case.db")
        let folder = dir.url.appendingPathComponent("collected/from-the-field/workstations/ws6/sysmon")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let input = folder.appendingPathComponent("ws6-sysmon-operational-export.json").path
        try ReportCLITests.events.write(toFile: input, atomically: true, encoding: .utf8)
        XCTAssertEqual(try HuntProcess.run(["load", "--db", db, input]).status, 0)
        return (dir, db)
    }

    private func assertFits(_ text: String, _ columns: Int, file: StaticString = #filePath, line: UInt = #line) {
        for row in text.split(separator: "\n") {
            XCTAssertLessThanOrEqual(row.count, columns, "wider than the terminal: \(row)", file: file, line: line)
        }
    }

    func testDetect_keepsPivotKeysWholeAtEveryWidth() throws {
        let (directory, db) = try loadedCase()
        defer { withExtendedLifetime(directory) {} }
        for columns in Self.widths {
            let screen = try TerminalRun.run(["detect", "--db", db, "--rule", "remote_service_rpc"], columns: columns)
            assertFits(screen, columns)
            for whole in ["WS6.corp.example", "2020-09-20T16:16:56.597Z", "d273d0f0-8078-5f67-cb06-000000000800",
                          "d273d0f0-e865-5f64-0b00-000000000800", "172.18.39.5:56608", "578", "cmd.exe", "powershell.exe"] {
                XCTAssertTrue(screen.contains(whole), "\(columns) columns: \(whole) missing or cut in\n\(screen)")
            }
        }
    }

    func testDetect_veryLongCommandLineIsShortenedAndSaysSo() throws {
        let (directory, db) = try loadedCase()
        defer { withExtendedLifetime(directory) {} }
        let screen = try TerminalRun.run(["detect", "--db", db, "--host", "WS7", "--rule", "rpc_service_process"], columns: 100)
        assertFits(screen, 100)
        XCTAssertTrue(screen.contains("d273d0f0-8078-5f67-cb06-000000000900"), screen)
        XCTAssertTrue(screen.contains("evil<b>.exe"), "the file name stays: \(screen)")
    }

    func testProcessTreeAndSources_keepFileNames() throws {
        let (directory, db) = try loadedCase()
        defer { withExtendedLifetime(directory) {} }
        for columns in Self.widths {
            let tree = try TerminalRun.run(["query", "run", "process_tree", "--db", db, "--param", "entity_id={d273d0f0-8078-5f67-cb06-000000000800}"],
                                           columns: columns)
            assertFits(tree, columns)
            XCTAssertTrue(tree.contains(#"\cmd.exe"#) && tree.contains("2020-09-20T16:16:56.597Z"), "\(columns):\n\(tree)")
            let sources = try TerminalRun.run(["stats", "sources", "--db", db], columns: columns)
            assertFits(sources, columns)
            XCTAssertTrue(sources.contains("ws6-sysmon-operational-export.json"), "\(columns): the file name stays\n\(sources)")
        }
    }

    func testVerticalFormat_oneFieldPerLine() throws {
        let (directory, db) = try loadedCase()
        defer { withExtendedLifetime(directory) {} }
        let piped = try HuntProcess.run(["detect", "--db", db, "--rule", "remote_service_rpc", "--host", "WS6", "--format", "vertical"])
        XCTAssertEqual(piped.status, 2, piped.stderr)
        XCTAssertTrue(piped.stdout.hasPrefix("-[ RECORD 1 ]"), piped.stdout)
        XCTAssertTrue(piped.stdout.contains("child_entity_id       | {d273d0f0-8078-5f67-cb06-000000000800}")
                      || piped.stdout.contains("child_entity_id       | d273d0f0-8078-5f67-cb06-000000000800"), piped.stdout)
        XCTAssertTrue(piped.stdout.contains("network_source        | "), "vertical shows every alert key")
    }

    func testPiped_tableDoesNotDependOnATerminalAndKeepsIds() throws {
        let (directory, db) = try loadedCase()
        defer { withExtendedLifetime(directory) {} }
        let piped = try HuntProcess.run(["detect", "--db", db, "--rule", "remote_service_rpc"], environment: ["COLUMNS": "40"])
        XCTAssertTrue(piped.stdout.hasPrefix("rule_id"), "a table, not records: \(piped.stdout)")
        XCTAssertTrue(piped.stdout.contains("d273d0f0-8078-5f67-cb06-000000000800"))
        XCTAssertTrue(piped.stdout.contains("services_entity_id"))
    }

    func testShowSuppressed_groupsRepeats() throws {
        let dir = try TemporaryDirectory()
        let db = dir.path("case.db")
        var lines = [Events.network(record: 1, time: "2020-09-20 16:16:56.000")]
        for i in 0..<5 {
            lines.append(Events.process(record: 10 + i, time: "2020-09-20 16:16:56.\(100 + i * 100)", guid: "{d273d0f0-8078-5f67-cb06-00000000090\(i)}",
                                        image: #"C:\\Windows\\System32\\svchost.exe"#, commandLine: "svchost.exe -k netsvcs"))
        }
        XCTAssertEqual(try HuntProcess.run(["load", "--db", db, try dir.write("e.json", lines.joined(separator: "\n") + "\n")]).status, 0)
        let detect = try HuntProcess.run(["detect", "--db", db, "--rule", "remote_service_rpc", "--show-suppressed"])
        let svchost = detect.stderr.split(separator: "\n").filter { $0.contains("svchost.exe") }
        XCTAssertEqual(svchost.count, 1, detect.stderr)
        XCTAssertTrue(svchost.first?.contains("5× remote_service_rpc WS6.corp.example") == true, detect.stderr)
        XCTAssertTrue(svchost.first?.contains("first 2020-09-20T16:16:56.100Z, last 2020-09-20T16:16:56.500Z") == true, detect.stderr)
    }
}
