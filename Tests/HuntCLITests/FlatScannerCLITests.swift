import Foundation
import XCTest
import HuntDB

/// `hunt load` of flat NDJSON (read by the direct byte scanner) stores exactly what the generic
/// reader stores: the same load counts and the same rows in every view, compared through
/// `hunt sql` dumps of both databases.
final class FlatScannerCLITests: XCTestCase {
    func testLoad_flatCorpusStoresTheSameRowsAsTheGenericReader() throws {
        let dir = try TemporaryDirectory()
        let corpus = dir.path("corpus.ndjson")
        let generate = try HuntProcess.run(["generate", "--dialect", "sysmon-flat", "--events", "4000", "--hosts", "8", "--seed", "9",
                                            "--planted", "3", "--irrelevant-ratio", "0.3", "--quiet", "--output", corpus])
        XCTAssertEqual(generate.status, 0, generate.stderr)
        // Hostile lines around the corpus: escapes, a reject, a duplicate key, a truncated line.
        let hostile = try dir.write("hostile.ndjson", """
            {"EventID":1,"SourceName":"Microsoft-Windows-Sysmon","RecordNumber":5,"Hostname":"WS-X","UtcTime":"2026-11-01 00:00:01.5","ProcessGuid":"{B2E797F1-8101-6AE6-7005-000000000800}","ProcessId":"12","Image":"C:\\\\x\\u00e9.exe","CommandLine":"\\"C:\\\\x.exe\\" \\ud83d\\ude00","ParentProcessGuid":"{b2e797f1-8101-6ae6-7005-000000000801}","ParentImage":"C:\\\\p.exe"}
            {"EventID":3,"SourceName":"Microsoft-Windows-Sysmon","RecordNumber":6,"Hostname":"WS-X","UtcTime":"2026-11-01 00:00:02.5","ProcessGuid":"{b2e797f1-8101-6ae6-7005-000000000800}","DestinationPort":"abc"}
            {"EventID":1,"SourceName":"Microsoft-Windows-Sysmon","RecordNumber":7,"Hostname":"WS-X","Image":"a","Image":"b"}
            {"EventID":1,"SourceName":"Microsoft-Windows-Sysmon","RecordNumber":8,"Hostname":"WS-X","UtcTime":"2026-11-01
            """ + "\n")

        let direct = dir.path("direct.db")
        let load = try HuntProcess.run(["load", "--db", direct, corpus, hostile])
        XCTAssertEqual(load.status, 3, "finished, with rejected records: \(load.stderr)")

        let generic = dir.path("generic.db")
        var options = LoadOptions()
        options.readsFlatDirectly = false
        let report = try Loader(store: try SQLiteStore(path: generic), options: options).load([corpus, hostile])
        let expected = report.totals
        XCTAssertTrue(expected.addsUp)
        XCTAssertEqual(expected.rejected, 3, "the bad port, the repeated Image and the cut line")
        XCTAssertTrue(load.stderr.contains("read \(expected.read) = loaded \(expected.loaded) + duplicates \(expected.duplicates) + not relevant \(expected.notRelevant) + rejected \(expected.rejected)"),
                      "the CLI's counts are the generic reader's: \(load.stderr)")

        for (view, order) in [("process_events", "event_id"), ("network_events", "event_id"), ("processes", "event_id"),
                              ("network_connections", "event_id"), ("logons", "event_id"), ("service_installs", "event_id"),
                              ("rejects", "reject_id"), ("hosts", "host_id")] {
            let sql = "SELECT * FROM \(view) ORDER BY \(order)"
            let a = try HuntProcess.run(["sql", "--db", direct, "--format", "csv", sql])
            let b = try HuntProcess.run(["sql", "--db", generic, "--format", "csv", sql])
            XCTAssertEqual(a.status, 0, a.stderr)
            XCTAssertEqual(b.status, 0, b.stderr)
            if !["logons", "service_installs"].contains(view) { XCTAssertGreaterThan(a.stdout.count, 100, "\(view) holds rows") }
            if a.stdout != b.stdout {
                let lines = (a.stdout.split(separator: "\n"), b.stdout.split(separator: "\n"))
                let first = zip(lines.0, lines.1).first { $0 != $1 }
                XCTFail("\(view) differs (\(lines.0.count) vs \(lines.1.count) lines); first difference:\n\(first.map { "\($0.0)\n\($0.1)" } ?? "in length")")
            }
        }
    }
}
