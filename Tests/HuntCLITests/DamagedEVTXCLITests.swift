import Foundation
import XCTest

/// EVTX files as incident response gets them, through the real binary: a file whose checksums
/// were all zeroed and one whose chunk lost its signature load every event, and the planted
/// lateral movement still alerts.
final class DamagedEVTXCLITests: XCTestCase {
    private static let chunkSize = 65_536, fileHeaderSize = 4096

    /// A generated .evtx with one planted lateral movement; returns its bytes.
    private func sample(in dir: TemporaryDirectory) throws -> [UInt8] {
        let path = dir.path("clean.evtx")
        let generate = try HuntProcess.run(["generate", "--quiet", "--dialect", "evtx", "--events", "3000", "--hosts", "2",
                                            "--seed", "11", "--planted", "1", "-o", path])
        XCTAssertEqual(generate.status, 0, generate.stderr)
        return Array(try Data(contentsOf: URL(fileURLWithPath: path)))
    }

    /// Loads `bytes` as `name`; returns events stored, the load and the alerts.
    private func load(_ bytes: [UInt8], _ name: String, in dir: TemporaryDirectory) throws -> (stored: Int64, load: HuntProcess.Result, alerts: Int) {
        let path = dir.path(name)
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        let db = dir.path(name + ".db")
        let load = try HuntProcess.run(["load", "--db", db, path])
        let detect = try HuntProcess.run(["detect", "--db", db, "--rule", "remote_service_rpc", "--format", "json"])
        let alerts = try XCTUnwrap(try JSONSerialization.jsonObject(with: detect.stdoutData) as? [Any]).count
        return (try Harness.storedEvents(db), load, alerts)
    }

    func testDamagedEVTX_zeroedChecksumsAndAMissingChunkSignatureLoseNothing() throws {
        let dir = try TemporaryDirectory()
        let clean = try sample(in: dir)
        let chunks = (clean.count - Self.fileHeaderSize) / Self.chunkSize
        XCTAssertGreaterThanOrEqual(chunks, 2, "the sample spans several chunks")
        let reference = try load(clean, "clean.evtx", in: dir)
        XCTAssertEqual(reference.load.status, 0, reference.load.stderr)
        XCTAssertEqual(reference.alerts, 1)

        // Every checksum zeroed: the file header's (bytes 124..<128) and, in each chunk, the
        // event records' (52..<56) and the header's (124..<128).
        var zeroed = clean
        for i in 124..<128 { zeroed[i] = 0 }
        for chunk in 0..<chunks {
            let base = Self.fileHeaderSize + chunk * Self.chunkSize
            for i in 52..<56 { zeroed[base + i] = 0 }
            for i in 124..<128 { zeroed[base + i] = 0 }
        }
        let checksums = try load(zeroed, "zeroed.evtx", in: dir)
        XCTAssertEqual(checksums.load.status, 0, checksums.load.stderr)
        XCTAssertEqual(checksums.stored, reference.stored)
        XCTAssertTrue(checksums.load.stderr.contains("note: "), checksums.load.stderr)
        XCTAssertEqual(checksums.alerts, 1, "the lateral movement is still found")

        // The first chunk's "ElfChnk\0" signature overwritten: its records are carved.
        var unsigned = clean
        for i in 0..<8 { unsigned[Self.fileHeaderSize + i] = 0 }
        let carved = try load(unsigned, "unsigned.evtx", in: dir)
        XCTAssertEqual(carved.load.status, 0, carved.load.stderr)
        XCTAssertEqual(carved.stored, reference.stored)
        XCTAssertTrue(carved.load.stderr.contains("carved"), carved.load.stderr)
        XCTAssertEqual(carved.alerts, 1)
    }
}
