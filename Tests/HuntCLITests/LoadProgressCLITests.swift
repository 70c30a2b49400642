import Foundation
import XCTest

/// The load's progress line on a terminal: bytes of the file and a percentage, duplicates visible (a file of duplicates is busy,
/// not stuck), the index rebuild counted n/N; nothing of it when standard error is not a terminal.
final class LoadProgressCLITests: XCTestCase {
    func testProgress_showsDuplicatesAndIndexRebuildCounts() throws {
        let dir = try TemporaryDirectory()
        let corpus = dir.path("corpus.ndjson")
        XCTAssertEqual(try HuntProcess.run(["generate", "--events", "60k", "--quiet", "-o", corpus]).status, 0)
        let db = dir.path("case.db")
        let first = try TerminalRun.run(["load", "--db", db, "--indexes", "defer", corpus], columns: 160, keepStandardError: true)
        XCTAssertNotNil(first.range(of: #"rebuilding index 1/[0-9]+: "#, options: .regularExpression), first)
        XCTAssertNotNil(first.range(of: #"[0-9.]+ (KiB|MiB)/[0-9.]+ MiB [0-9]+%"#, options: .regularExpression),
                        "bytes read of the file's size, as a percentage: \(first)")
        let again = try TerminalRun.run(["load", "--db", db, corpus], columns: 160, keepStandardError: true)
        XCTAssertNotNil(again.range(of: #"read [0-9]+: 0 loaded, [1-9][0-9]* duplicates"#, options: .regularExpression),
                        "the progress line counts the duplicates as they come: \(again)")
        // Several files: the line also shows the whole load, by bytes of all files.
        let copy = dir.path("copy.ndjson")
        try FileManager.default.copyItem(atPath: corpus, toPath: copy)
        let two = try TerminalRun.run(["load", "--db", dir.path("two.db"), "--indexes", "keep", corpus, copy],
                                      columns: 160, keepStandardError: true)
        XCTAssertNotNil(two.range(of: #"\[1/2\] corpus\.ndjson: .* · all [0-9]+%"#, options: .regularExpression),
                        "with several files the line also shows the whole load: \(two)")
        let piped = try HuntProcess.run(["load", "--db", db, "--indexes", "defer", corpus])
        XCTAssertFalse(piped.stderr.contains("\r"), "no progress line when stderr is not a terminal: \(piped.stderr)")
        XCTAssertFalse(piped.stderr.contains("rebuilding index"), piped.stderr)
    }
}
