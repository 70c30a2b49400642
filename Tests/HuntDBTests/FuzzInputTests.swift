import CZlib
import Foundation
import XCTest
import HuntDB
@testable import Store
@testable import Ingest

/// Mutation fuzzing of every input format through the real reading path (sniffing, gzip,
/// framing, parsing, normalizing), with a share of the inputs also loaded into a store.
///
/// Each format starts from a small valid input of Sysmon process starts and connections and
/// reads 2,500 mutants of it (gzip twice: of the compressed bytes and of the text): truncations, byte flips, inserted and deleted runs, spliced copies
/// and hostile bytes. Every mutant must be read to its end in bounded time, yield at most one
/// outcome per input byte, give every reject a reason, and (for plain truncations) still yield
/// every record that ends before the cut. Every 25th mutant goes through `Loader` into one store
/// per format, which must pass `StoreCheck` at the end. The seeds are fixed: a failure names the
/// iteration, and rerunning reproduces it.
final class FuzzInputTests: XCTestCase {
    private static let iterations = 2500
    /// The longest any single mutant may take to read (it is a few KiB).
    private static let maxSecondsPerInput = 2.0

    func testFuzz_ndjson() throws {
        let lines = Self.sysmonLines
        try fuzz("ndjson", seed: 0x1D50, base: Array((lines.joined(separator: "\n") + "\n").utf8),
                 completeBefore: { cut in Self.recordsEnding(in: Array((lines.joined(separator: "\n") + "\n").utf8), before: cut, marker: "\n") })
    }

    func testFuzz_jsonArray() throws {
        let text = "[\n  " + Self.sysmonLines.joined(separator: ",\n  ") + "\n]\n"
        try fuzz("json-array", seed: 0xA77A, base: Array(text.utf8), completeBefore: nil)
    }

    func testFuzz_xml() throws {
        let text = "<?xml version=\"1.0\"?>\n<Events>\n" + Self.xmlEvents.joined(separator: "\n") + "\n</Events>\n"
        let bytes = Array(text.utf8)
        try fuzz("xml", seed: 0x0C31, base: bytes, completeBefore: { cut in Self.recordsEnding(in: bytes, before: cut, marker: "</Event>") })
    }

    func testFuzz_evtx() throws {
        let output = EVTXMemoryOutput()
        let writer = try EVTXWriter(output: output)
        for xml in Self.xmlEvents {
            try Array(xml.utf8).withUnsafeBytes { try writer.append(XMLEventParser.parse($0)) }
        }
        try writer.finish()
        try fuzz("evtx", seed: 0xE7E7, base: output.bytes, completeBefore: nil)
    }

    /// Mutants of the compressed bytes; a truncation must still yield every line that zlib can
    /// decompress from what is left.
    func testFuzz_gzip() throws {
        let text = Self.sysmonLines.joined(separator: "\n") + "\n"
        let compressed = try GzipFixture.compress(Array(text.utf8))
        try fuzz("gzip", seed: 0x6215, base: compressed, completeBefore: { cut in
            Self.recordsEnding(in: Self.inflatePrefix(Array(compressed.prefix(cut))), before: .max, marker: "\n")
        })
    }

    /// Mutants of the text, then compressed: damage behind a sound gzip layer.
    func testFuzz_gzipOfMutatedText() throws {
        let text = Array((Self.sysmonLines.joined(separator: "\n") + "\n").utf8)
        try fuzz("gzip-text", seed: 0x6216, base: text, completeBefore: { cut in Self.recordsEnding(in: text, before: cut, marker: "\n") },
                 encode: { try GzipFixture.compress($0) })
    }

    // MARK: The fuzzer

    private struct Tally {
        var inputs = 0, events = 0, rejected = 0, notRelevant = 0, fileErrors = 0, loaded = 0
        var slowest = 0.0
    }

    /// Reads `Self.iterations` mutants of `base`. `completeBefore(cut)` is how many records a
    /// plain truncation at `cut` must still yield (nil: not checked for this format).
    private func fuzz(_ name: String, seed: UInt64, base: [UInt8], completeBefore: ((Int) -> Int)?,
                      encode: ([UInt8]) throws -> [UInt8] = { $0 }) throws {
        let scratch = try Scratch()
        let store = try scratch.store()
        var options = LoadOptions()
        options.indexPolicy = .keep
        let loader = Loader(store: store, options: options)
        var rng = SplitMix64(seed)
        var tally = Tally()
        let path = scratch.path("mutant")
        // The unmutated input must read cleanly: otherwise the fuzzer tests nothing.
        let clean = try read(try encode(base), at: path)
        XCTAssertEqual(clean.rejected, 0, "\(name): the base input has rejects")
        XCTAssertGreaterThan(clean.events, 10, name)

        for iteration in 0..<Self.iterations {
            var bytes = base
            var cut: Int?
            let kind = Int.random(in: 0..<7, using: &rng)
            switch kind {
            case 0:
                cut = Int.random(in: 0...bytes.count, using: &rng)
                bytes.removeSubrange(cut!...)
            default:
                Self.mutate(&bytes, kind: kind, using: &rng)
            }
            let context = "\(name) iteration \(iteration) (mutation \(kind), \(bytes.count) bytes)"
            bytes = try encode(bytes)
            let started = Date()
            let result = try read(bytes, at: path)
            let seconds = Date().timeIntervalSince(started)
            tally.slowest = max(tally.slowest, seconds)
            XCTAssertLessThan(seconds, Self.maxSecondsPerInput, context)
            XCTAssertLessThanOrEqual(result.outcomes, bytes.count + 1, context)
            XCTAssertTrue(result.reasonsGiven, "\(context): a reject without a reason")
            if let cut, let completeBefore {
                XCTAssertGreaterThanOrEqual(result.events, completeBefore(cut), "\(context): records before the cut at \(cut) are lost")
            }
            tally.inputs += 1
            tally.events += result.events
            tally.rejected += result.rejected
            tally.notRelevant += result.notRelevant
            tally.fileErrors += result.fileError == nil ? 0 : 1
            if iteration % 25 == 0 {
                let report = try loader.load([path])
                XCTAssertTrue(report.totals.addsUp, context)
                tally.loaded += 1
            }
        }
        XCTAssertEqual(try StoreCheck(database: store.database).problems(), [], name)
        XCTAssertGreaterThan(tally.rejected + tally.fileErrors, 0, "\(name): some mutations must be noticed")
        print("fuzz \(name): \(tally.inputs) mutants read (\(tally.loaded) also loaded), \(tally.events) events, \(tally.rejected) rejects, "
              + "\(tally.fileErrors) file-level errors, slowest \(String(format: "%.3f", tally.slowest)) s")
    }

    private struct ReadResult {
        var outcomes = 0, events = 0, rejected = 0, notRelevant = 0
        var reasonsGiven = true
        var fileError: String?
    }

    /// Reads `bytes` as `hunt load` does (format sniffed, gzip detected) and tallies the outcomes.
    private func read(_ bytes: [UInt8], at path: String) throws -> ReadResult {
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        var result = ReadResult()
        let opened: OpenedInput
        do {
            opened = try OpenedInput(path: path, forcedFormat: .auto)
        } catch let error as IngestError {
            result.fileError = error.message
            return result
        }
        var source: any RecordSource
        switch opened.makeSource() {
        case .success(let s): source = s
        case .failure(let error):
            result.fileError = error.message
            return result
        }
        do {
            try source.read { outcome in
                result.outcomes += 1
                switch outcome.result {
                case .event: result.events += 1
                case .notRelevant: result.notRelevant += 1
                case .rejected(let reason):
                    result.rejected += 1
                    if reason.isEmpty { result.reasonsGiven = false }
                }
                return result.outcomes <= bytes.count + 1
            }
        } catch let error as IngestError {
            XCTAssertFalse(error.message.isEmpty)
            result.fileError = error.message
        }
        _ = opened.file.sha256Hex()
        return result
    }

    /// Applies one non-truncating mutation.
    private static func mutate(_ bytes: inout [UInt8], kind: Int, using rng: inout SplitMix64) {
        let hostile: [UInt8] = [0x00, 0xFF, 0xC0, 0x80, 0x22, 0x5C, 0x7B, 0x7D, 0x5B, 0x5D, 0x3C, 0x3E, 0x26, 0x0A, 0x2C, 0x3A]
        guard !bytes.isEmpty else { bytes = [hostile[Int.random(in: 0..<hostile.count, using: &rng)]]; return }
        func position() -> Int { Int.random(in: 0..<bytes.count, using: &rng) }
        switch kind {
        case 1:  // random byte flips
            for _ in 0..<Int.random(in: 1...8, using: &rng) { bytes[position()] = UInt8.random(in: 0...255, using: &rng) }
        case 2:  // structural and encoding bytes
            for _ in 0..<Int.random(in: 1...4, using: &rng) { bytes[position()] = hostile[Int.random(in: 0..<hostile.count, using: &rng)] }
        case 3:  // insert a run of random bytes
            let run = (0..<Int.random(in: 1...64, using: &rng)).map { _ in UInt8.random(in: 0...255, using: &rng) }
            bytes.insert(contentsOf: run, at: position())
        case 4:  // delete a range
            let from = position()
            bytes.removeSubrange(from..<min(bytes.count, from + Int.random(in: 1...256, using: &rng)))
        case 5:  // splice: copy a range elsewhere
            let from = position()
            let piece = Array(bytes[from..<min(bytes.count, from + Int.random(in: 1...512, using: &rng))])
            bytes.insert(contentsOf: piece, at: position())
        default:  // flips, then a truncation
            bytes[position()] ^= UInt8(1 << Int.random(in: 0..<8, using: &rng))
            bytes.removeSubrange(Int.random(in: 0...bytes.count, using: &rng)...)
        }
    }

    /// How many records end (their `marker` found) within `bytes[0..<cut]`.
    private static func recordsEnding(in bytes: [UInt8], before cut: Int, marker: String) -> Int {
        let cut = min(cut, bytes.count)
        let pattern = Array(marker.utf8)
        var count = 0, i = 0
        while i + pattern.count <= cut {
            if bytes[i..<i + pattern.count].elementsEqual(pattern) { count += 1; i += pattern.count } else { i += 1 }
        }
        return count
    }

    // MARK: Seed inputs

    /// 24 process starts and connections on three hosts, with awkward but valid text.
    private static let sysmonLines: [String] = (0..<24).map { i in
        let host = "WS\(i % 3).corp.example"
        if i % 2 == 0 {
            return SysmonFixture.process(host: host, record: 100 + i, ms: i * 37, guid: String(format: "{00000000-0000-0000-0000-%012d}", i),
                                         image: #"C:\Windows\System32\cmd.exe"#, commandLine: #"cmd.exe /c "echo é ✓ \#(i)" & exit"#)
        }
        return SysmonFixture.network(host: host, record: 100 + i, ms: i * 37, sourcePort: 50000 + i)
    }

    /// The same kind of events as Windows event XML.
    private static let xmlEvents: [String] = (0..<24).map { i in
        let system = """
            <System><Provider Name='Microsoft-Windows-Sysmon'/><EventID>\(i % 2 == 0 ? 1 : 3)</EventID>\
            <TimeCreated SystemTime='2026-11-01T10:00:\(String(format: "%02d", i)).123Z'/><EventRecordID>\(100 + i)</EventRecordID>\
            <Channel>Microsoft-Windows-Sysmon/Operational</Channel><Computer>WS\(i % 3).corp.example</Computer></System>
            """
        let data: [(String, String)] = i % 2 == 0
            ? [("UtcTime", "2026-11-01 10:00:\(String(format: "%02d", i)).123"), ("ProcessGuid", String(format: "{00000000-0000-0000-0000-%012d}", i)),
               ("ProcessId", "42\(i)"), ("Image", #"C:\Windows\System32\cmd.exe"#), ("CommandLine", "cmd.exe /c &quot;echo é &amp; \(i)&quot;"),
               ("ParentProcessGuid", SysmonFixture.servicesGuid), ("ParentImage", SysmonFixture.services)]
            : [("UtcTime", "2026-11-01 10:00:\(String(format: "%02d", i)).123"), ("ProcessGuid", SysmonFixture.servicesGuid), ("ProcessId", "700"),
               ("Image", SysmonFixture.services), ("Protocol", "tcp"), ("Initiated", "false"), ("SourceIp", "10.0.0.\(i)"),
               ("SourcePort", "\(50000 + i)"), ("DestinationIp", "10.0.0.200"), ("DestinationPort", "49700")]
        let eventData = data.map { "<Data Name='\($0.0)'>\($0.1)</Data>" }.joined()
        return "<Event xmlns='http://schemas.microsoft.com/win/2004/08/events/event'>\(system)<EventData>\(eventData)</EventData></Event>"
    }

    /// Everything zlib decompresses from a (possibly truncated) gzip stream: the reference for
    /// what a truncated file must still give.
    private static func inflatePrefix(_ input: [UInt8]) -> [UInt8] {
        guard !input.isEmpty else { return [] }
        var stream = z_stream()
        guard inflateInit2_(&stream, 15 + 16, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else { return [] }
        defer { inflateEnd(&stream) }
        var input = input
        var output: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        input.withUnsafeMutableBufferPointer { inBuffer in
            stream.next_in = inBuffer.baseAddress
            stream.avail_in = uInt(inBuffer.count)
            while true {
                let (rc, produced) = chunk.withUnsafeMutableBufferPointer { outBuffer -> (Int32, Int) in
                    stream.next_out = outBuffer.baseAddress
                    stream.avail_out = uInt(outBuffer.count)
                    let rc = inflate(&stream, Z_NO_FLUSH)
                    return (rc, outBuffer.count - Int(stream.avail_out))
                }
                output += chunk.prefix(produced)
                if rc != Z_OK || produced == 0 { break }
            }
        }
        return output
    }
}

/// A small deterministic generator (SplitMix64), so every fuzz run reads the same mutants.
struct SplitMix64: RandomNumberGenerator {
    private var state: UInt64
    init(_ seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
