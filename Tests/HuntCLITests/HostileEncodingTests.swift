import Foundation
import XCTest

/// Issue 18 item 2: real logs in a folder are read whatever their byte encoding or first line,
/// and a file that looks like events but cannot be read fails the load instead of being skipped.
final class HostileEncodingTests: XCTestCase {
    private var dir: TemporaryDirectory!

    override func setUpWithError() throws {
        dir = try TemporaryDirectory(removedAfter: self)
    }

    func testEncoding_byteOrderMarksAndUTF16InAFolderLoadWholly() throws {
        let text = Pair.ndjson
        let variants: [(String, [UInt8])] = [
            ("utf16le-bom", TextEncoding.utf16LE(text, bom: true)),  // PowerShell 5.1's `>`
            ("utf16be-bom", TextEncoding.utf16BE(text, bom: true)),
            ("utf16le", TextEncoding.utf16LE(text, bom: false)),
            ("utf8-bom", TextEncoding.utf8(text, bom: true)),
            ("utf16le-bom-xml", TextEncoding.utf16LE(Pair.xml(), bom: true)),
        ]
        for (name, bytes) in variants {
            try dir.write("\(name)/logs/export.json", bytes: bytes)
            let load = try TrickedLoad([dir.path(name)], in: dir, name: "\(name).db")
            XCTAssertEqual(load.result.status, 0, "\(name): \(load.result.stderr)")
            XCTAssertEqual(try load.sources(), ["2=2+0+0+0 complete"], "\(name): \(load.result.stderr)")
            XCTAssertFalse(load.result.stderr.contains("skipped"), "\(name): \(load.result.stderr)")
            try load.assertPairAlerts()
        }
    }

    func testEncoding_partialOrHeaderFirstLineIsOneRejectNotASkippedFile() throws {
        let partial = String(Pair.process.suffix(40))  // what `split -b` leaves at the start of a piece
        let cases = [("partial", partial), ("header", "# Sysmon export, host WS6")]
        for (name, firstLine) in cases {
            try dir.write("\(name)/part-01", bytes: Array((firstLine + "\n" + Pair.ndjson).utf8))
            let load = try TrickedLoad([dir.path(name)], in: dir, name: "\(name).db")
            XCTAssertEqual(load.result.status, 3, "\(name): \(load.result.stderr)")
            XCTAssertEqual(try load.sources(), ["3=2+0+0+1 complete"], "\(name): \(load.result.stderr)")
            let rejects = try load.rejects()
            XCTAssertEqual(rejects.count, 1, "\(name): \(rejects)")
            XCTAssertTrue(rejects.first?.hasPrefix("1|0|") ?? false, "\(name): line 1 at byte 0: \(rejects)")
            try load.assertPairAlerts()
        }
    }

    func testEncoding_unreadableFileHoldingEventsFailsTheFolderLoad() throws {
        let folder = dir.url.appendingPathComponent("case").path
        try dir.write("case/README.txt", bytes: Array(("Collected from WS6 by the IR team.\n").utf8))
        try dir.write("case/pair.json", bytes: Array((Pair.ndjson).utf8))
        // Two lines of text before the events: more than one bad first line, so not sniffed.
        try dir.write("case/notes-and-events.log", bytes: Array(("collector v2\nhost WS6\n" + Pair.ndjson).utf8))
        try dir.write("case/event.txt", bytes: Array(("exported with wevtutil:\nsee below\n" + Pair.xml()).utf8))
        let load = try TrickedLoad([folder], in: dir)
        XCTAssertEqual(load.result.status, 3, load.result.stderr)
        for name in ["notes-and-events.log", "event.txt"] {
            XCTAssertTrue(load.result.stderr.contains("case/\(name) [unknown]: read 0"), load.result.stderr)
        }
        XCTAssertTrue(load.result.stderr.contains("FAILED: unknown format"), load.result.stderr)
        XCTAssertTrue(load.result.stderr.contains("skipped 1 file in the folders that are not event logs: \(folder)/README.txt"), load.result.stderr)
        XCTAssertEqual(try load.sources(), ["0=0+0+0+0 failed", "0=0+0+0+0 failed", "2=2+0+0+0 complete"], "sorted: event.txt, notes-and-events.log, pair.json")
        try load.assertPairAlerts()
    }
}
